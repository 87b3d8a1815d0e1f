"""The guide format: model, safe loading, checks and the library of guides."""

from .diagnostics import Diagnostic, Pos, Severity
from .library import Library, Source, bundled_guides_dir, load_library, sources_from
from .loader import LoadResult, load_guide
from .model import Guide, Node, OutcomeNode, QuestionNode, StepNode

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
