"""The values a guide file is read into: scalars, lists and mappings that keep
their line and column. Apart from the reader (`yamlsrc`) so that the schema and the
model, which check and build from them, do not import YAML: a guide read back from
the cache needs neither."""

from __future__ import annotations

from ..i18n import N_
from ..record import field, record
from .diagnostics import Pos

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@record(slots=True)
class YScalar:
    pos: Pos
    value: Any
    kind: str  # str | int | float | bool | null | timestamp
    raw: str


@record(slots=True)
class YSeq:
    pos: Pos
    items: list[YValue]


@record(slots=True)
class YMap:
    pos: Pos
    items: dict[str, YValue]
    key_pos: dict[str, Pos] = field(default_factory=dict)


YValue = YScalar | YSeq | YMap

#: What a value of each kind is called in messages: English msgids, to be looked up
#: with `i18n.translate()` when a message is made (this is built at import time).
KIND_NAMES = {
    "str": N_("a string"),
    "int": N_("an integer"),
    "float": N_("a number"),
    "bool": N_("a boolean"),
    "null": N_("nothing (null)"),
    "timestamp": N_("a date"),
    "tagged": N_("a tagged value"),
    "seq": N_("a list"),
    "map": N_("a mapping"),
}


def kind_of(value: YValue) -> str:
    if isinstance(value, YScalar):
        return value.kind
    return "seq" if isinstance(value, YSeq) else "map"
