"""Months of a generation run and the season of each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from oversight.period import Period


@dataclass(frozen=True)
class Month:
    """One calendar month; `index` counts from the first generated month."""

    index: int
    year: int
    month: int

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def key(self) -> int:
        return self.year * 100 + self.month

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> dt.date:
        year, month = divmod(self.year * 12 + self.month, 12)
        return dt.date(year, month + 1, 1)

    @property
    def days(self) -> int:
        return (self.next_first_day - self.first_day).days

    @property
    def first_day_number(self) -> int:
        """Days since 1970-01-01 (the date32 value of the first day)."""
        return (self.first_day - dt.date(1970, 1, 1)).days


def months(start: Period | str, count: int) -> tuple[Month, ...]:
    """`count` consecutive months from `start` (a month, or its text like 2024-06)."""
    if count < 1:
        raise ValueError(f"months must be at least 1, not {count}")
    first = Period.month_of(start)
    span = first.through(first + count - 1)
    return tuple(Month(i, m.start.year, m.start.month) for i, m in enumerate(span))


def winter(month: int) -> float:
    """Winter pressure in [0, 1]: 1 in January, 0 in July, a smooth cosine between."""
    return float(0.5 + 0.5 * np.cos(2 * np.pi * (month - 1) / 12))
