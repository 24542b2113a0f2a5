"""Segmentation results as plain JSON data and back, losslessly (for the stored artefact).

`OrgSegment.to_dict` is the public shape and leaves detail out (the cut's words, each score's
unconfirmed numbers, the moves); storing needs everything, so these walk the frozen
dataclasses by their type hints: a value read back is equal to the one written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from typing import Any, TypeVar

from oversight.period import Period

T = TypeVar("T")


def dump(value: Any) -> Any:
    """A dataclass (or tuple, Period, date, primitive) as JSON-able data."""
    how = _HOW.get(type(value))
    if how is None:
        how = _HOW[type(value)] = _how(type(value))
    if how is _SAME:
        return value
    if type(how) is tuple:  # a dataclass's field names
        return {
            name: v if type(v := getattr(value, name)) in _PLAIN else dump(v) for name in how
        }
    if how is _LIST:
        return [v if type(v) in _PLAIN else dump(v) for v in value]
    if how is _DATE:
        return value.isoformat()
    return str(value)  # a Period


_PLAIN = frozenset({str, int, float, bool, type(None)})
"""Written as they are (checked before calling `dump`, which would say so too)."""
_SAME, _LIST, _DATE, _PERIOD = "same", "list", "date", "period"
_HOW: dict[type, Any] = {}
"""How `dump` writes a value of each type, decided once per type (the checks in the order
they were made for every value before: Period, dataclass, tuple or list, date, the rest)."""


def _how(kind: type) -> Any:
    if issubclass(kind, Period):
        return _PERIOD
    if dataclasses.is_dataclass(kind):
        return tuple(f.name for f in dataclasses.fields(kind))
    if issubclass(kind, tuple | list):
        return _LIST
    if issubclass(kind, dt.date):
        return _DATE
    return _SAME


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def load(cls: type[T], data: Any) -> T:
    """The dataclass `cls` from what `dump` gave."""
    return typing.cast(T, _load(cls, data))


def _load(hint: Any, data: Any) -> Any:
    return _loader(hint)(data)


Loader = typing.Callable[[Any], Any]


@functools.cache
def _loader(hint: Any) -> Loader:
    """How to read a value of type `hint`, worked out once per type (the checks `load` made
    for every value before: None, a union's one other type, tuples, Period, date, float, a
    dataclass by its fields' hints, the rest as it is)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _loader(inner)
    read: Loader
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            each = _loader(args[0])

            def read(data: Any) -> Any:
                return tuple(map(each, data))
        else:
            parts = [_loader(a) for a in args]

            def read(data: Any) -> Any:
                return tuple(f(v) for f, v in zip(parts, data, strict=True))
    elif hint is Period:
        def read(data: Any) -> Any:
            return Period.parse(str(data))
    elif hint is dt.date:
        def read(data: Any) -> Any:
            return dt.date.fromisoformat(str(data))
    elif hint is float:
        read = float
    elif isinstance(hint, type) and dataclasses.is_dataclass(hint):
        cls, hints = hint, _hints(hint)
        fields: dict[str, Loader] = {}

        def read(data: Any) -> Any:
            if not fields:  # the fields' readers, once (after this type's own is cached)
                fields.update({f.name: _loader(hints[f.name]) for f in dataclasses.fields(cls)})
            return cls(**{k: fields[k](v) for k, v in data.items() if k in fields})
    else:
        return _none_or_same

    def none_or(data: Any) -> Any:
        return None if data is None else read(data)

    return none_or


def _none_or_same(data: Any) -> Any:
    return data
