"""The guide format: model, safe loading, checks and the library of guides.

The names below are imported when first used: a start from the library's cache
needs the library and the cards, not the model, the YAML reader or the checks.
"""

from __future__ import annotations

from importlib import import_module

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .diagnostics import Diagnostic, Pos, Severity
    from .library import Library, Source, bundled_guides_dir, load_library, sources_from
    from .loader import LoadResult, load_guide
    from .model import Guide, Node, OutcomeNode, QuestionNode, StepNode

_WHERE = {
    "Diagnostic": "diagnostics",
    "Pos": "diagnostics",
    "Severity": "diagnostics",
    "Library": "library",
    "Source": "library",
    "bundled_guides_dir": "library",
    "load_library": "library",
    "sources_from": "library",
    "LoadResult": "loader",
    "load_guide": "loader",
    "Guide": "model",
    "Node": "model",
    "OutcomeNode": "model",
    "QuestionNode": "model",
    "StepNode": "model",
}

__all__ = [
    "Diagnostic",
    "Guide",
    "Library",
    "LoadResult",
    "Node",
    "OutcomeNode",
    "Pos",
    "QuestionNode",
    "Severity",
    "Source",
    "StepNode",
    "bundled_guides_dir",
    "load_guide",
    "load_library",
    "sources_from",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{module}", __name__), name)
