"""Key binding descriptions in the reader's language.

Class-level `BINDINGS` are built when a module is imported, possibly before the
language is chosen (in tests, always). They hold English msgids (marked with
`N_`) and are translated here, per instance, when a screen is shown, so the
footer and the help speak the language installed now, whatever the import order.
"""

from __future__ import annotations

import dataclasses

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from ..i18n import current_language, translate

_MARK = "_selfhelp_bindings_lang"


def _translated(binding: Binding) -> Binding:
    return dataclasses.replace(
        binding,
        description=translate(binding.description) if binding.description else "",
        tooltip=translate(binding.tooltip) if binding.tooltip else "",
    )


def localize_bindings(node: DOMNode) -> None:
    """Translate the descriptions of a node's bindings (once per node)."""
    if getattr(node, _MARK, None) is not None:
        return
    setattr(node, _MARK, current_language())
    node._bindings = BindingsMap.from_keys(
        {
            key: [_translated(b) for b in bindings]
            for key, bindings in node._bindings.key_to_bindings.items()
        }
    )
