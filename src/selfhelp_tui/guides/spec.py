"""A small declarative type system for the guide format.

The same specs drive the loader's checks (with positions and did-you-mean hints)
and the JSON Schema that editors use, so the two can never disagree.

Messages are translated when a value is checked, never at import time. The words a
spec is given to name things in messages (`noun`, `key_noun`, `item_noun`,
`pattern_help`, `expected`) are English msgids: mark them with `N_()` where they are
written; they are looked up with `translate()` when a message is made.
"""

from __future__ import annotations

import re

from ..i18n import N_, _, ngettext, translate
from ..record import field, record
from .diagnostics import Diagnostic, Pos, Reporter, closest, did_you_mean, suggestion
from .text import clean_text
from .yvalues import KIND_NAMES, YMap, YScalar, YSeq, YValue, kind_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

INVALID: Any = object()  # returned when a value failed its check

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_ID_RE = re.compile(ID_PATTERN)


def _got(value: YValue) -> str:
    return translate(KIND_NAMES[kind_of(value)])


def _words(text: str) -> str:
    """A word or phrase a spec was given for messages (a noun, a pattern's help), in
    the reader's language; an empty one stays empty."""
    return translate(text) if text else text


class Where:
    """A place in a guide as messages name it (`'label' of choice 2 of node 'x'`),
    put into words only when a message uses it: checking a library names every
    value of every file, and reports on few of them."""

    __slots__ = ("_args", "_msgid")

    def __init__(self, msgid: str, **args: object) -> None:
        self._msgid = msgid
        self._args = args

    def __str__(self) -> str:
        return translate(self._msgid).format(**self._args)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _of(name: str, where: str | Where) -> Where:
    """The value of key `name` in the thing `where` names: `'label' of choice 2`."""
    return Where(N_("'{key}' of {where}"), key=name, where=where)


class Spec:
    description: str = ""

    def check(self, value: YValue, rep: Reporter, where: str | Where) -> Any:  # pragma: no cover
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError

    def _type_error(
        self, value: YValue, rep: Reporter, where: str | Where, expected: str, *, text: bool = False
    ) -> Any:
        """Report a value of the wrong type. `expected` is in the reader's language
        ("a string"); `text` says a string was expected (a bare true/false gets a hint)."""
        if isinstance(value, YScalar) and value.kind == "tagged":
            return INVALID  # its tag was reported already
        hint = None
        if isinstance(value, YScalar) and value.kind == "bool" and text:
            hint = _('quote it: "{value}"; unquoted, YAML reads it as true or false').format(
                value=value.raw
            )
        elif isinstance(value, YScalar) and value.kind == "null":
            hint = _("the value is missing")
        rep.error(
            value.pos,
            "wrong-type",
            _("{where} must be {expected}, not {got}").format(
                where=where, expected=expected, got=_got(value)
            ),
            hint,
        )
        return INVALID


@record
class Str(Spec):
    description: str = ""
    pattern: str | None = None
    pattern_help: str = ""
    examples: tuple[str, ...] = ()
    markdown: bool = False
    #: YAML scalars that are not strings (numbers, dates) are taken as written.
    lenient: bool = False

    def check(self, value: YValue, rep: Reporter, where: str | Where) -> Any:
        if not isinstance(value, YScalar) or value.kind not in (
            ("str", "int", "float", "timestamp") if self.lenient else ("str",)
        ):
            return self._type_error(value, rep, where, _("a string"), text=True)
        text = value.value if value.kind == "str" else value.raw
        text, removed = clean_text(text)
        if removed:
            rep.warning(
                value.pos,
                "control-characters",
                _(
                    "{where} contains control characters or escape sequences; they were removed"
                ).format(where=where),
            )
        if self.pattern and not re.match(self.pattern, text):
            rep.error(
                value.pos,
                "bad-id",
                _("{where} '{value}' is not valid: {help}").format(
                    where=where, value=text, help=_words(self.pattern_help)
                ),
            )
            return INVALID
        return text

    def json_schema(self) -> dict[str, Any]:
        kind: str | list[str] = ["string", "number"] if self.lenient else "string"
        out: dict[str, Any] = {"type": kind, "description": self.description}
        if self.pattern:
            out["pattern"] = self.pattern
        if self.examples:
            out["examples"] = list(self.examples)
        return out


def Id(description: str) -> Str:
    return Str(
        description=description,
        pattern=ID_PATTERN,
        pattern_help=N_("use lowercase letters, digits and '-', starting with a letter or digit"),
        lenient=True,
    )


def is_id(text: str) -> bool:
    return bool(_ID_RE.match(text))


NODE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"


def NodeId(description: str) -> Str:
    return Str(
        description=description,
        pattern=NODE_ID_PATTERN,
        pattern_help=N_("use ASCII letters, digits, '-' and '_', starting with a letter or digit"),
        lenient=True,
    )


@record
class Int(Spec):
    description: str = ""
    minimum: int | None = None

    def check(self, value: YValue, rep: Reporter, where: str | Where) -> Any:
        if not isinstance(value, YScalar) or value.kind != "int":
            return self._type_error(value, rep, where, _("an integer"))
        if self.minimum is not None and value.value < self.minimum:
            rep.error(
                value.pos,
                "out-of-range",
                _("{where} must be at least {minimum}").format(where=where, minimum=self.minimum),
            )
            return INVALID
        return int(value.value)

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer", "description": self.description}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        return out


@record
class Const(Spec):
    value: Any
    description: str = ""

    def check(self, value: YValue, rep: Reporter, where: str | Where) -> Any:
        if (
            isinstance(value, YScalar)
            and value.kind == "str"
            and not isinstance(self.value, str)
            and value.value.strip() == str(self.value)
        ):
            # `format: "1"`: the right value, quoted. Saying "is 1, but reads only 1"
            # would leave the writer nothing to change.
            rep.error(
                value.pos,
                "wrong-type",
                _('{where} must be the number {value}, not the text "{text}"').format(
                    where=where, value=self.value, text=value.value
                ),
                _("write it without quotes: {value}").format(value=self.value),
            )
            return INVALID
        if not isinstance(value, YScalar) or value.value != self.value or value.kind == "bool":
            shown = value.raw if isinstance(value, YScalar) else _got(value)
            rep.error(
                value.pos,
                "unsupported-format",
                _("{where} is {value}, but this version of selfhelp reads only {supported}").format(
                    where=where, value=shown, supported=self.value
                ),
            )
            return INVALID
        return self.value

    def json_schema(self) -> dict[str, Any]:
        return {"const": self.value, "description": self.description}


@record
class Enum(Spec):
    """One of some words. `values` may be a function giving them, called when a
    value is first checked (the probe names: their registry is not imported by a
    run whose guide has no check)."""

    values: tuple[str, ...] | Callable[[], tuple[str, ...]]
    description: str = ""

    def words(self) -> tuple[str, ...]:
        if callable(self.values):
            self.values = self.values()
        return self.values

    def check(self, value: YValue, rep: Reporter, where: str | Where) -> Any:
        words = self.words()
        if not isinstance(value, YScalar) or value.kind != "str":
            return self._type_error(
                value, rep, where, _("one of {values}").format(values=", ".join(words))
            )
        if value.value not in words:
            rep.error(
                value.pos,
                "bad-value",
                _("{where} is '{value}', which is not one of: {values}").format(
                    where=where, value=value.value, values=", ".join(words)
                ),
                did_you_mean(value.value, words),
            )
            return INVALID
        return value.value

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.words()), "description": self.description}


@record
class AnyOf(Spec):
    """A value of the first spec it matches (used for int-or-string answers)."""

    options: tuple[Spec, ...]
    description: str = ""
    expected: str = ""

    def check(self, value: YValue, rep: Reporter, where: str | Where) -> Any:
        for spec in self.options:
            probe = Reporter(rep.file)
            result = spec.check(value, probe, where)
            if result is not INVALID and not probe.has_errors:
                rep.items.extend(probe.items)
                return result
        return self._type_error(value, rep, where, _words(self.expected))

    def json_schema(self) -> dict[str, Any]:
        return {
            "anyOf": [o.json_schema() for o in self.options],
            "description": self.description,
        }


@record
class ListOf(Spec):
    item: Spec
    description: str = ""
    min_items: int = 0

    def check(self, value: YValue, rep: Reporter, where: str | Where) -> Any:
        if not isinstance(value, YSeq):
            return self._type_error(value, rep, where, _("a list"))
        if len(value.items) < self.min_items:
            rep.error(
                value.pos,
                "too-few-items",
                ngettext(
                    "{where} needs at least {n} item",
                    "{where} needs at least {n} items",
                    self.min_items,
                ).format(where=where, n=self.min_items),
            )
        noun = getattr(self.item, "noun", None)
        noun = _words(noun) if noun else _("item")
        out = Items()
        for i, v in enumerate(value.items):
            checked = self.item.check(
                v, rep, Where(N_("{noun} {n} of {where}"), noun=noun, n=i + 1, where=where)
            )
            if checked is not INVALID:
                out.append(checked)
                out.pos.append(v.pos)
            else:
                out.dropped += 1
        return out

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "array",
            "items": self.item.json_schema(),
            "description": self.description,
        }
        if self.min_items:
            out["minItems"] = self.min_items
        return out


class Items(list):  # type: ignore[type-arg]
    """A checked list: its valid items, where each was written (`pos`, in step with
    the items), and how many items were dropped as invalid: the checks across
    nodes and tests must know when a list they see is not the whole list."""

    def __init__(self) -> None:
        super().__init__()
        self.pos: list[Pos] = []
        self.dropped = 0


class Checked(dict):  # type: ignore[type-arg]
    """A checked mapping of ids (`MapOf`): the valid items by key, and the items that
    had an error (`broken`: key -> (where the key is, the first error, the value as
    written)). A broken node still exists: links to it are not unknown, and what
    depends on it is skipped rather than reported a second time."""

    def __init__(self) -> None:
        super().__init__()
        self.broken: dict[str, tuple[Pos, Diagnostic, YValue]] = {}


def first_error(
    items: list[Diagnostic], since: int, value: YValue | None = None
) -> Diagnostic | None:
    """The first error reported after `since` (an index into a Reporter's items);
    else, for a value refused without a word (a tagged value: its tag was
    reported when the file was read), the error reported where it is."""
    for d in items[since:]:
        if d.is_error:
            return d
    if isinstance(value, YScalar) and value.kind == "tagged":
        for d in items[:since]:
            if d.is_error and (d.line, d.column) == tuple(value.pos):
                return d
    return None


@record
class Field:
    name: str
    spec: Spec
    required: bool = False
    default: Any = None


@record
class Rec:
    """A checked mapping: values by field name, with where each one was written."""

    pos: Pos
    values: dict[str, Any]
    key_pos: dict[str, Pos]
    value_pos: dict[str, Pos]
    #: The first error under each key (a bad value, an unknown key, a missing key):
    #: what the checks across nodes must not trust.
    errors: dict[str, Diagnostic] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def where(self, name: str) -> Pos:
        return self.value_pos.get(name, self.key_pos.get(name, self.pos))


@record
class Record(Spec):
    fields: tuple[Field, ...]
    description: str = ""
    title: str = ""
    #: What a record is called in messages ("node 'x'", "choice 2").
    noun: str = N_("mapping")
    #: Extra fields accepted silently (a discriminator checked by the parent).
    passthrough: tuple[str, ...] = ()

    def check(
        self,
        value: YValue,
        rep: Reporter,
        where: str | Where,
        elsewhere: Callable[[str], str | None] | None = None,
    ) -> Any:
        """`elsewhere` (from `Tagged`) names, for a key this record does not take,
        where such a key does belong: a hint better than a spelling guess."""
        if not isinstance(value, YMap):
            return self._type_error(value, rep, where, _("a mapping of keys to values"))
        known = {f.name: f for f in self.fields}
        values: dict[str, Any] = {}
        value_pos: dict[str, Pos] = {}
        errors: dict[str, Diagnostic] = {}
        suggested: set[str] = set()
        for key, item in value.items.items():
            if key in self.passthrough:
                continue
            fspec = known.get(key)
            before = len(rep.items)
            close = None
            if fspec is None:
                hint = elsewhere(key) if elsewhere is not None else None
                if hint is None:
                    missing = [n for n in known if n not in value.items]
                    close = closest(key, missing) or closest(key, list(known))
                    if close:
                        suggested.add(close)
                        hint = suggestion(close)
                rep.error(
                    value.key_pos[key],
                    "unknown-key",
                    _("unknown key '{key}' in {where}").format(key=key, where=where),
                    hint,
                )
            else:
                checked = fspec.spec.check(item, rep, _of(key, where))
                value_pos[key] = item.pos
                if checked is not INVALID:
                    values[key] = checked
            if len(rep.items) > before or (fspec is not None and checked is INVALID):
                error = first_error(rep.items, before, item)
                if error is not None:
                    errors[key] = error
                    if fspec is None and hint is not None and close in known:
                        errors.setdefault(close, error)  # `sumary`: 'summary' is not missing
        for f in self.fields:
            if f.name not in value.items:
                if f.required and f.name not in suggested:  # a typo, reported once
                    rep.error(
                        value.pos,
                        "missing-key",
                        _("{where} has no '{key}'").format(where=where, key=f.name),
                    )
                    errors[f.name] = rep.items[-1]
                elif f.required:
                    errors[f.name] = next(iter(errors.values()))
                elif f.default is not None:
                    values[f.name] = f.default() if callable(f.default) else f.default
        return Rec(value.pos, values, dict(value.key_pos), value_pos, errors)

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "object",
            "description": self.description,
            "properties": {f.name: f.spec.json_schema() for f in self.fields},
            "additionalProperties": False,
        }
        for name in self.passthrough:
            out["properties"].setdefault(name, {})
        if self.title:
            out["title"] = self.title
        required = [f.name for f in self.fields if f.required]
        if required:
            out["required"] = required
        return out


@record
class Tagged(Spec):
    """A mapping whose `key` field picks which Record describes the rest (node types)."""

    key: str
    variants: dict[str, Record]
    description: str = ""

    def check(self, value: YValue, rep: Reporter, where: str | Where) -> Any:
        if not isinstance(value, YMap):
            return self._type_error(value, rep, where, _("a mapping of keys to values"))
        tag = value.items.get(self.key)
        if tag is None:
            rep.error(
                value.pos,
                "missing-key",
                _("{where} has no '{key}' (one of: {values})").format(
                    where=where, key=self.key, values=", ".join(self.variants)
                ),
                self._by_keys_hint(value, None),
            )
            return INVALID
        if isinstance(tag, YScalar) and tag.value in self.variants:
            name = tag.value
            rec = self.variants[name].check(value, rep, where, self._elsewhere(name))
            if rec is not INVALID:
                rec.values[self.key] = name
            return rec
        shown = tag.raw if isinstance(tag, YScalar) else _got(tag)
        guess = self.guess(value, str(shown))
        rep.error(
            tag.pos,
            "unknown-type",
            _("'{value}' is not a {key} of node; known: {values}").format(
                value=shown, key=self.key, values=", ".join(self.variants)
            ),
            did_you_mean(str(shown), list(self.variants)) or self._by_keys_hint(value, guess),
        )
        cause = rep.items[-1]
        if guess is None:
            return INVALID
        # Check the rest as the type it most likely is: its other mistakes are
        # reported now, not after the type is fixed.
        rec = self.variants[guess].check(value, rep, where, self._elsewhere(guess))
        if rec is not INVALID:
            rec.values[self.key] = guess
            rec.errors = {self.key: cause, **rec.errors}
        return rec

    def guess(self, value: YMap, written: str) -> str | None:
        """The variant a mapping with an unknown tag most likely is: the one its
        spelling is close to, unless its keys clearly say another; None when
        nothing fits."""
        keys = [k for k in value.items if k != self.key]
        scores = {}
        for name, rec in self.variants.items():
            known = {f.name for f in rec.fields}
            scores[name] = sum(1 if k in known else -1 for k in keys)
        best = max(scores.values(), default=0)
        spelled = closest(written, list(self.variants))
        if spelled is not None and scores[spelled] >= best - 1:
            return spelled
        if best <= 0:
            return None
        winners = [name for name, score in scores.items() if score == best]
        return winners[0] if len(winners) == 1 else None

    def _by_keys_hint(self, value: YMap, guess: str | None) -> str | None:
        guess = guess or self.guess(value, "")
        if guess is None:
            return None
        return _("its keys are those of a '{type}'").format(type=guess)

    def _elsewhere(self, name: str) -> Callable[[str], str | None]:
        """For variant `name`: where a key it does not take belongs instead."""

        def hint(key: str) -> str | None:
            owners = [
                other
                for other, rec in self.variants.items()
                if other != name and any(f.name == key for f in rec.fields)
            ]
            if not owners:
                return None
            own = ", ".join(f.name for f in self.variants[name].fields)
            return _("'{key}' belongs in {owners} nodes; {type} nodes take: {keys}").format(
                key=key, owners=", ".join(owners), type=name, keys=own
            )

        return hint

    def json_schema(self) -> dict[str, Any]:
        """The key as an enum (completion, hover, a typo flagged), then one if/then per
        variant: an editor offers in a node only its own type's keys, and refuses
        the others (`additionalProperties: false` in each `then`)."""
        names = list(self.variants)
        rules = []
        for name, rec in self.variants.items():
            schema = rec.json_schema()
            props = {k: v for k, v in schema["properties"].items() if k != self.key}
            schema["properties"] = {
                self.key: {"const": name, "description": f"{rec.description} ({name})"},
                **props,
            }
            schema["required"] = [self.key, *schema.get("required", [])]
            rules.append(
                {
                    "if": {"properties": {self.key: {"const": name}}, "required": [self.key]},
                    "then": schema,
                }
            )
        return {
            "type": "object",
            "description": self.description,
            "required": [self.key],
            "properties": {
                self.key: {
                    "enum": names,
                    "description": (
                        f"What kind of node this is; it says which other keys the node "
                        f"takes. One of: {', '.join(names)}."
                    ),
                    "enumDescriptions": [rec.description for rec in self.variants.values()],
                    "markdownEnumDescriptions": [rec.description for rec in self.variants.values()],
                }
            },
            "allOf": rules,
        }


@record
class MapOf(Spec):
    """A mapping from ids to values (the `nodes:` of a troubleshooter)."""

    value: Spec
    key: Str = field(default_factory=lambda: Id("An id."))
    description: str = ""
    min_items: int = 0
    key_noun: str = N_("key")
    #: What one value is called in messages: "node" gives "node 'check-df'".
    item_noun: str = ""

    def check(self, value: YValue, rep: Reporter, where: str | Where) -> Any:
        if not isinstance(value, YMap):
            return self._type_error(value, rep, where, _("a mapping of ids to values"))
        if len(value.items) < self.min_items:
            rep.error(value.pos, "too-few-items", _("{where} is empty").format(where=where))
        out = Checked()
        key_noun = _words(self.key_noun)
        item_noun = _words(self.item_noun)
        for key, item in value.items.items():
            kpos = value.key_pos[key]
            before = len(rep.items)
            self.key.check(YScalar(kpos, key, "str", key), rep, key_noun)
            name = Where(N_("{noun} '{key}'"), noun=item_noun, key=key) if item_noun else f"'{key}'"
            checked = self.value.check(item, rep, name)
            if checked is not INVALID:
                # Kept even under a bad key (an error already): what it holds is
                # still checked across the mapping.
                out[key] = (kpos, checked)
            if len(rep.items) > before or checked is INVALID:
                error = first_error(rep.items, before, item)
                if error is not None:
                    out.broken[key] = (kpos, error, item)
        return out

    def json_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "description": self.description,
            "propertyNames": {"pattern": self.key.pattern} if self.key.pattern else {},
            "additionalProperties": self.value.json_schema(),
            "minProperties": self.min_items,
        }


@record
class Params(Spec):
    """Free-form parameters (a probe's `with:`): names to scalars or lists of
    scalars. What each probe accepts is checked later, by the probe registry."""

    description: str = ""

    def _scalar(self, value: YValue, rep: Reporter, where: str | Where) -> Any:
        if isinstance(value, YScalar) and value.kind in ("str", "int", "float", "bool"):
            if value.kind == "str":
                text, removed = clean_text(value.value)
                if removed:
                    rep.warning(
                        value.pos,
                        "control-characters",
                        _(
                            "{where} contains control characters or escape sequences; "
                            "they were removed"
                        ).format(where=where),
                    )
                return text
            return value.value
        return self._type_error(value, rep, where, _("a string, a number, true/false or a list"))

    def check(self, value: YValue, rep: Reporter, where: str | Where) -> Any:
        if not isinstance(value, YMap):
            return self._type_error(value, rep, where, _("a mapping of parameter names to values"))
        out: dict[str, Any] = {}
        for key, item in value.items.items():
            name = _of(key, where)
            if isinstance(item, YSeq):
                items = [self._scalar(v, rep, name) for v in item.items]
                if all(v is not INVALID for v in items):
                    out[key] = items
            else:
                checked = self._scalar(item, rep, name)
                if checked is not INVALID:
                    out[key] = checked
        return out

    def json_schema(self) -> dict[str, Any]:
        scalar = {"type": ["string", "number", "boolean"]}
        return {
            "type": "object",
            "description": self.description,
            "additionalProperties": {"anyOf": [scalar, {"type": "array", "items": scalar}]},
        }
