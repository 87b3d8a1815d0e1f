"""`selfhelp_tui.record` stands in for dataclasses in the core: it must behave like
them wherever the core relies on it (construction, defaults, equality, hashing,
immutability, pickling, `replace`)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import ClassVar

import pytest

from selfhelp_tui.record import FrozenInstanceError, asdict, field, fields, record, replace


@record(frozen=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    note: str = field(default="", compare=False, repr=False)


@record
class Base:
    kind: ClassVar[str] = "base"
    id: str
    items: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.seen = len(self.items)


@record
class Child(Base):
    kind: ClassVar[str] = "child"
    extra: int = 1


@record(frozen=True, slots=True)
class Slotted:
    a: int
    b: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class DataPoint:
    x: int
    y: int = 0
    tags: tuple[str, ...] = ()
    note: str = dataclasses.field(default="", compare=False, repr=False)


def test_construction_defaults_and_repr_match_dataclasses() -> None:
    ours, theirs = Point(1, tags=("a",)), DataPoint(1, tags=("a",))
    assert (ours.x, ours.y, ours.tags, ours.note) == (theirs.x, theirs.y, theirs.tags, theirs.note)
    assert repr(ours) == repr(theirs).replace("DataPoint", "Point")
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, z=2)  # type: ignore[call-arg]


def test_equality_and_hash_leave_out_uncompared_fields() -> None:
    assert Point(1, note="a") == Point(1, note="b")
    assert hash(Point(1, note="a")) == hash(Point(1, note="b"))
    assert Point(1) != Point(2)
    assert Point(1) != DataPoint(1)  # another class is never equal
    assert len({Point(1), Point(1), Point(2)}) == 2


def test_frozen_records_cannot_change_and_mutable_ones_are_not_hashable() -> None:
    p = Point(1)
    with pytest.raises(FrozenInstanceError):
        p.x = 2  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del p.x
    assert isinstance(FrozenInstanceError(), AttributeError)
    b = Base("a")
    b.id = "b"
    assert b.id == "b"
    with pytest.raises(TypeError):
        hash(b)


def test_factories_give_each_record_its_own_value_and_post_init_runs() -> None:
    one, two = Base("a"), Base("b")
    one.items.append(1)
    assert two.items == []
    assert Base("c", [1, 2]).seen == 2


def test_fields_are_inherited_in_order_and_class_vars_are_not_fields() -> None:
    assert [f.name for f in fields(Child)] == ["id", "items", "extra"]
    child = Child("x", extra=5)
    assert (child.kind, Base.kind, child.extra) == ("child", "base", 5)
    assert repr(child) == "Child(id='x', items=[], extra=5)"


def test_a_required_field_after_a_default_is_refused() -> None:
    with pytest.raises(TypeError, match="non-default argument 'b'"):

        @record
        class Bad:
            a: int = 0
            b: int  # type: ignore[misc]


def test_a_mutable_default_is_refused() -> None:
    with pytest.raises(ValueError, match="default_factory"):

        @record
        class Shared:
            items: list[int] = []  # noqa: RUF012


def test_a_field_name_that_is_not_an_identifier_is_refused() -> None:
    """`__init__` is compiled from the names: only identifiers may reach it."""
    for name in ("a b", "x=1):\n import os\n def f(", "class"):
        with pytest.raises(TypeError, match="not an identifier"):
            record(type("Odd", (), {"__annotations__": {name: "int"}}))


def test_slotted_records_have_no_dict_and_survive_pickle_and_copy() -> None:
    s = Slotted(1, (2, 3))
    assert not hasattr(s, "__dict__")
    for again in (pickle.loads(pickle.dumps(s)), copy.copy(s), copy.deepcopy(s)):
        assert again == s and again is not s
    with pytest.raises(FrozenInstanceError):
        s.a = 2  # type: ignore[misc]


def test_pickle_replace_and_asdict() -> None:
    child = Child("x", [1])
    assert pickle.loads(pickle.dumps(child)) == child
    assert pickle.loads(pickle.dumps(Point(1, 2))) == Point(1, 2)
    changed = replace(child, extra=9)
    assert changed == Child("x", [1], 9) and child.extra == 1
    assert asdict(Child("x", [1])) == {"id": "x", "items": [1], "extra": 1}
    with pytest.raises(TypeError):
        replace(child, nope=1)
