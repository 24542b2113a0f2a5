"""Period: a month, a quarter or an NHS planning year, with one parser and one error message.

Every stage names time the same way: the lake's directories and the store's `period` column
hold a month's text (`2024-06`), frames hold the first day of the month (a date). A `Period`
is the value between them, parsed once at the edge (command line, HTTP API, lake directory
names, store rows) so no stage splits strings itself.

Shapes (surrounding whitespace is ignored; nothing else is accepted):

- month `2024-06`: June 2024, a four-digit year and a two-digit month 01 to 12.
- quarter `2025-Q3`: a calendar quarter (Q1 = January to March, Q3 = July to September).
  Calendar numbering keeps the year in the text the year of every month in it; each calendar
  quarter is also one NHS financial quarter, numbered by `planning_quarter` (July to September
  2025 is Q2 of 2025/26).
- planning year `2025/26`: the NHS planning (financial) year, 1 April 2025 to 31 March 2026.

Periods of one kind are ordered and step by their own length (`p + 1` is the next one,
`later - earlier` counts them); periods of different kinds are never ordered against each
other. Imports only the standard library, so any module may use it at no start-up cost.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import total_ordering
from typing import overload


class Kind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    PLANNING_YEAR = "planning year"


_LENGTH = {Kind.MONTH: 1, Kind.QUARTER: 3, Kind.PLANNING_YEAR: 12}
"""Months in one period of each kind."""

_FIRST_MONTH = {Kind.MONTH: None, Kind.QUARTER: (1, 4, 7, 10), Kind.PLANNING_YEAR: (4,)}
"""The calendar months a period of each kind may start in (None: any)."""

EXAMPLES = {Kind.MONTH: "2024-06", Kind.QUARTER: "2025-Q3", Kind.PLANNING_YEAR: "2025/26"}
"""What each kind looks like, as the error message shows it."""

_SHAPES = {
    Kind.MONTH: re.compile(r"(\d{4})-(\d{2})", re.ASCII),
    Kind.QUARTER: re.compile(r"(\d{4})-[Qq](\d)", re.ASCII),
    Kind.PLANNING_YEAR: re.compile(r"(\d{4})/(\d{2})", re.ASCII),
}

_MIN = 1 * 12  # January of year 1: the first month a date can hold
_MAX = 9999 * 12 + 11  # December 9999: the last
_SHOWN = 40
"""Longest input echoed back in an error message (an HTTP field may be megabytes)."""


class PeriodError(ValueError):
    """A value that is not a period of the wanted kind; the message is fit for a user."""


def _shown(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 3] + "..."
    return repr(text) if isinstance(value, str) else text


def _error(value: object, kinds: tuple[Kind, ...]) -> PeriodError:
    shapes = [EXAMPLES[k] for k in kinds]
    wanted = shapes[0] if len(shapes) == 1 else f"{', '.join(shapes[:-1])} or {shapes[-1]}"
    return PeriodError(f"period must look like {wanted}; got {_shown(value)}")


def _ordinal(year: int, month: int) -> int:
    return year * 12 + month - 1


@total_ordering
@dataclass(frozen=True, slots=True)
class Period:
    """One month, calendar quarter or planning year. Build with `parse`, `month`, `quarter`,
    `planning_year` or `of`; `ordinal` is the first month counted from January of year 0."""

    kind: Kind
    ordinal: int

    def __post_init__(self) -> None:
        year, month = divmod(self.ordinal, 12)
        starts = _FIRST_MONTH[self.kind]
        if starts is not None and month + 1 not in starts:
            raise PeriodError(f"a {self.kind} cannot start in {year:04d}-{month + 1:02d}")
        if self.ordinal < _MIN or self.ordinal + _LENGTH[self.kind] - 1 > _MAX:
            raise PeriodError(f"a period must lie between 0001-01 and 9999-12; got {self}")

    # --- building ---------------------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Period:
        """A month, quarter or planning year from its text."""
        return parse(text, Kind.MONTH, Kind.QUARTER, Kind.PLANNING_YEAR)

    @classmethod
    def parse_month(cls, text: str) -> Period:
        """A month from text like 2024-06; "period must look like 2024-06; got …" otherwise."""
        return parse(text, Kind.MONTH)

    @classmethod
    def parse_quarter(cls, text: str) -> Period:
        return parse(text, Kind.QUARTER)

    @classmethod
    def parse_planning_year(cls, text: str) -> Period:
        return parse(text, Kind.PLANNING_YEAR)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise PeriodError(f"a month is numbered 1 to 12; got {month}")
        return cls(Kind.MONTH, _ordinal(year, month))

    @classmethod
    def quarter(cls, year: int, number: int) -> Period:
        """Calendar quarter `number` (1 = January to March) of `year`."""
        if not 1 <= number <= 4:
            raise PeriodError(f"a quarter is numbered 1 to 4; got {number}")
        return cls(Kind.QUARTER, _ordinal(year, 3 * number - 2))

    @classmethod
    def planning_year(cls, start_year: int) -> Period:
        """The planning year from 1 April `start_year` to 31 March of the next year."""
        return cls(Kind.PLANNING_YEAR, _ordinal(start_year, 4))

    @classmethod
    def of(cls, day: dt.date, kind: Kind = Kind.MONTH) -> Period:
        """The period of `kind` a day falls in (a date, datetime or pandas Timestamp)."""
        if not isinstance(day, dt.date):
            raise PeriodError(f"a period is found from a date; got {_shown(day)}")
        return cls(Kind.MONTH, _ordinal(day.year, day.month)).to(kind)

    @classmethod
    def month_of(cls, value: Period | dt.date | str) -> Period:
        """The month a value names: a month Period, a day in it, or its text (2024-06)."""
        if isinstance(value, Period):
            if value.kind is not Kind.MONTH:
                raise _error(str(value), (Kind.MONTH,))
            return value
        if isinstance(value, dt.date):
            return cls.of(value)
        return parse(value, Kind.MONTH)

    # --- reading ----------------------------------------------------------------------------

    @property
    def start(self) -> dt.date:
        """The first day."""
        year, month = divmod(self.ordinal, 12)
        return dt.date(year, month + 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day (inclusive)."""
        year, month = divmod(self.ordinal + _LENGTH[self.kind] - 1, 12)
        return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])

    @property
    def planning_quarter(self) -> int:
        """The NHS financial quarter (1 = April to June) of a month or quarter."""
        if self.kind is Kind.PLANNING_YEAR:
            raise PeriodError(f"a planning year has no quarter; got {self}")
        return (self.ordinal - 3) % 12 // 3 + 1

    def months(self) -> tuple[Period, ...]:
        """Its months, in order."""
        return tuple(
            Period(Kind.MONTH, self.ordinal + i) for i in range(_LENGTH[self.kind])
        )

    def to(self, kind: Kind) -> Period:
        """The period of `kind` this one lies in (a month's quarter or planning year)."""
        if _LENGTH[kind] < _LENGTH[self.kind]:
            raise PeriodError(f"a {self.kind} does not lie in one {kind}")
        starts = _FIRST_MONTH[kind] or (self.ordinal % 12 + 1,)
        offset = min((self.ordinal % 12 + 1 - s) % 12 for s in starts)
        return Period(kind, self.ordinal - offset)

    def through(self, last: Period) -> list[Period]:
        """This period, every one after it, and `last` (empty when `last` is earlier)."""
        return [self + i for i in range(last - self + 1)]

    def __contains__(self, item: object) -> bool:
        """A day, or a period of the same or a shorter kind, inside this period."""
        if isinstance(item, Period):
            return self.start <= item.start and item.end <= self.end
        if isinstance(item, dt.date):
            day = item.date() if isinstance(item, dt.datetime) else item
            return self.start <= day <= self.end
        return False

    # --- arithmetic and order ---------------------------------------------------------------

    def __add__(self, steps: int) -> Period:
        if not isinstance(steps, int):
            return NotImplemented
        return Period(self.kind, self.ordinal + steps * _LENGTH[self.kind])

    __radd__ = __add__

    @overload
    def __sub__(self, other: int) -> Period: ...

    @overload
    def __sub__(self, other: Period) -> int: ...

    def __sub__(self, other: int | Period) -> Period | int:
        if isinstance(other, int):
            return self + (-other)
        if isinstance(other, Period):
            self._same_kind(other)
            return (self.ordinal - other.ordinal) // _LENGTH[self.kind]
        return NotImplemented

    def next(self) -> Period:
        return self + 1

    def previous(self) -> Period:
        return self + (-1)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        self._same_kind(other)
        return self.ordinal < other.ordinal

    def _same_kind(self, other: Period) -> None:
        if other.kind is not self.kind:
            raise TypeError(f"a {self.kind} and a {other.kind} cannot be compared or subtracted")

    # --- text -------------------------------------------------------------------------------

    def __str__(self) -> str:
        year, month = divmod(self.ordinal, 12)
        if self.kind is Kind.MONTH:
            return f"{year:04d}-{month + 1:02d}"
        if self.kind is Kind.QUARTER:
            return f"{year:04d}-Q{month // 3 + 1}"
        return f"{year:04d}/{(year + 1) % 100:02d}"

    def __repr__(self) -> str:
        return f"Period.parse({str(self)!r})"


MonthLike = Period | dt.date | str
"""What names a month where one is taken: a month Period, a day in it, or its text."""


def parse(text: str, *kinds: Kind) -> Period:
    """The one parser: text of one of `kinds` (all when none given), else a PeriodError whose
    message shows what each kind looks like and what was given."""
    kinds = kinds or tuple(Kind)
    if not isinstance(text, str):
        raise _error(text, kinds)
    stripped = text.strip()
    for kind in kinds:
        found = _SHAPES[kind].fullmatch(stripped)
        if found is None:
            continue
        year, number = int(found[1]), int(found[2])
        if year < 1:
            break
        if kind is Kind.MONTH and 1 <= number <= 12:
            return Period.month(year, number)
        if kind is Kind.QUARTER and 1 <= number <= 4:
            return Period.quarter(year, number)
        if kind is Kind.PLANNING_YEAR and (year + 1) % 100 == number and year < 9999:
            return Period.planning_year(year)
        break
    raise _error(text, kinds)

