"""Records: the part of `dataclasses` the core uses, at a fraction of its start-up cost.

Why not `dataclasses` itself: importing it pulls in `inspect` (about 6 ms on our
2-core machine), and each class costs about 0.5 ms (one `exec` per generated method,
field by field), so the ~50 classes a plain-mode run defines took a third of its
start-up (docs/performance.md). A record's methods are generated in one `exec` per
class. The spelling and the behaviour are those of dataclasses for what we use:

- `@record`, `@record(frozen=True)`, `@record(slots=True)`;
- `field(default=..., default_factory=..., repr=False, compare=False)`;
- `ClassVar` annotations are not fields; fields are inherited from record bases;
- `__init__` (calling `__post_init__` when there is one), `__repr__`, `__eq__`;
  frozen records are immutable (`FrozenInstanceError`) and hashable, mutable ones
  are not hashable;
- `fields()`, `replace()`, `asdict()`; records pickle and copy.

The Textual frontend keeps `dataclasses`: Textual imports it anyway.
"""

from __future__ import annotations

import keyword
from operator import attrgetter

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record."""


class Field:
    """One field of a record, as `fields()` lists them."""

    __slots__ = ("compare", "default", "default_factory", "name", "repr")

    def __init__(
        self,
        default: Any = MISSING,
        default_factory: Any = MISSING,
        repr: bool = True,
        compare: bool = True,
    ) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare

    def __repr__(self) -> str:
        return f"Field(name={self.name!r})"


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | Any = MISSING,
    repr: bool = True,
    compare: bool = True,
) -> Any:
    return Field(default, default_factory, repr, compare)


_FIELDS = "__record_fields__"


def _is_classvar(annotation: object) -> bool:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return text.startswith(("ClassVar", "typing.ClassVar"))


def _collect(cls: type) -> dict[str, Field]:
    found: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        found.update(getattr(base, _FIELDS, {}))  # keeps a redefined field's place
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():  # noqa: RUF063
        if _is_classvar(annotation):
            continue
        value = cls.__dict__.get(name, MISSING)
        if isinstance(value, (list, dict, set)):  # shared by every record: as dataclasses
            raise ValueError(f"mutable default for field {name!r}: use default_factory")
        spec = value if isinstance(value, Field) else Field(default=value)
        spec.name = name
        found[name] = spec
        if isinstance(value, Field):  # the class attribute is the default, if any
            if spec.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, spec.default)
    return found


def _init_source(cls: type, specs: list[Field], frozen: bool) -> tuple[str, dict[str, Any]]:
    """The text of `__init__` and the names it refers to (the only generated method:
    the others are closures over the field names)."""
    env: dict[str, Any] = {"_MISSING": MISSING, "_set": object.__setattr__}
    params, body = [], []
    seen_default = False
    for f in specs:
        name = f.name
        if not name.isidentifier() or keyword.iskeyword(name):  # text for exec: names only
            raise TypeError(f"field name {name!r} is not an identifier")
        if f.default_factory is not MISSING:
            env[f"_f_{name}"] = f.default_factory
            params.append(f"{name}=_MISSING")
            value = f"_f_{name}() if {name} is _MISSING else {name}"
            seen_default = True
        elif f.default is not MISSING:
            env[f"_d_{name}"] = f.default
            params.append(f"{name}=_d_{name}")
            value = name
            seen_default = True
        else:
            if seen_default:
                raise TypeError(f"non-default argument {name!r} follows default argument")
            params.append(name)
            value = name
        body.append(f" _set(self, {name!r}, {value})" if frozen else f" self.{name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append(" self.__post_init__()")
    return "\n".join([f"def __init__(self, {', '.join(params)}):", *(body or [" pass"])]), env


def _values(names: list[str]) -> Callable[[object], tuple[object, ...]]:
    """A function from a record to the tuple of the named fields (in C)."""
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


def _methods(specs: list[Field]) -> dict[str, Any]:
    shown = [f.name for f in specs if f.repr]
    compared = _values([f.name for f in specs if f.compare])

    def __repr__(self: object) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{type(self).__qualname__}({inner})"

    def __eq__(self: object, other: object) -> bool:
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self: object) -> int:
        return hash(compared(self))

    return {"__repr__": __repr__, "__eq__": __eq__, "__hash__": __hash__}


def _frozen_setattr(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: object) -> list[object]:
    return [getattr(self, name) for name in getattr(self, _FIELDS)]


def _setstate(self: object, state: list[object]) -> None:
    for name, value in zip(getattr(self, _FIELDS), state, strict=True):
        object.__setattr__(self, name, value)  # also for frozen records


def _process(cls: type, frozen: bool, slots: bool) -> type:
    found = _collect(cls)
    specs = list(found.values())
    text, env = _init_source(cls, specs, frozen)
    # The only exec in selfhelp: text made above from the field names written in our
    # own classes (checked to be identifiers), as dataclasses does. No guide reaches it.
    exec(text, env)
    generated = {"__init__": env["__init__"], **_methods(specs)}
    own = cls.__dict__
    # A method the class writes itself stays, as with dataclasses.
    methods = {n: generated[n] for n in ("__init__", "__repr__", "__eq__") if n not in own}
    explicit_hash = own.get("__hash__") is not None
    if frozen:
        if not explicit_hash:
            methods["__hash__"] = generated["__hash__"]
        methods["__setattr__"] = _frozen_setattr
        methods["__delattr__"] = _frozen_delattr
    elif not explicit_hash:
        methods["__hash__"] = None  # mutable and compared by value: not hashable
    methods[_FIELDS] = found
    methods["__match_args__"] = tuple(found)
    if slots:
        namespace = {k: v for k, v in cls.__dict__.items() if k not in found}
        namespace.pop("__dict__", None)
        namespace.pop("__weakref__", None)
        inherited = {n for base in cls.__mro__[1:] for n in getattr(base, "__slots__", ())}
        namespace["__slots__"] = tuple(n for n in found if n not in inherited)
        namespace.update(methods, __getstate__=_getstate, __setstate__=_setstate)
        cls = type(cls)(cls.__name__, cls.__bases__, namespace)
        methods = {}
    for name, value in methods.items():
        if callable(value):
            value.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, value)
    return cls


def record(cls: type[T] | None = None, /, *, frozen: bool = False, slots: bool = False) -> Any:
    """`@record` or `@record(frozen=True, slots=True)`: see the module's docstring."""

    def wrap(cls: type[T]) -> type[T]:
        return _process(cls, frozen, slots)

    return wrap if cls is None else wrap(cls)


def fields(obj: object) -> tuple[Field, ...]:
    try:
        return tuple(getattr(obj, _FIELDS).values())
    except AttributeError:
        raise TypeError("fields() takes a record or a record class") from None


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of `obj` with some fields changed (through `__init__`, as dataclasses)."""
    for name in getattr(obj, _FIELDS):
        if name not in changes:
            changes[name] = getattr(obj, name)
    return type(obj)(**changes)


def asdict(obj: object) -> dict[str, Any]:
    """The fields as a dict, records inside records, lists and dicts converted too."""

    def convert(value: Any) -> Any:
        if hasattr(type(value), _FIELDS):
            return {name: convert(getattr(value, name)) for name in getattr(value, _FIELDS)}
        if isinstance(value, tuple) and hasattr(value, "_fields"):  # a named tuple
            return type(value)(*(convert(v) for v in value))
        if isinstance(value, (list, tuple)):
            return type(value)(convert(v) for v in value)
        if isinstance(value, dict):
            return {convert(k): convert(v) for k, v in value.items()}
        return value

    result = convert(obj)
    if not isinstance(result, dict):
        raise TypeError("asdict() takes a record")
    return result
