"""Synthetic arrival times for registered returns: deterministic from a seed, mostly on time.

Each organisation has a seeded propensity to be late (so some ICBs look worse than others in the
burden report); each return then arrives a few working days before its due date or, by that
chance, some working days after it, in office hours in Europe/London.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable

from oversight.collect.burden import LONDON, is_working_day
from oversight.period import Period

Submitted = Callable[[str, str, dt.date, dt.date], dt.datetime]
"""(collection id, submitting organisation, period, due date) → when the return arrived."""
LATE_BASE = 0.04
LATE_SPREAD = 0.26
"""An organisation's chance of a late return: 4% plus up to 26% (its seeded propensity²)."""
MAX_LATE_DAYS = 10
MAX_EARLY_DAYS = 3


def _uniforms(*key: object) -> tuple[float, float, float]:
    digest = hashlib.blake2b("\x1f".join(map(str, key)).encode(), digest_size=24).digest()
    return tuple(int.from_bytes(digest[i : i + 8], "big") / 2**64 for i in (0, 8, 16))  # type: ignore[return-value]


def shift_working_days(day: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `day` (before it when negative; 0 = `day`)."""
    step = dt.timedelta(days=1 if days > 0 else -1)
    for _ in range(abs(days)):
        day += step
        while not is_working_day(day):
            day += step
    return day


def synthetic_times(seed: int) -> Submitted:
    """Deterministic arrival times: each organisation has a seeded propensity to be late; an
    on-time return arrives 0-3 working days before its due date, a late one 1-10 after, in
    office hours (Europe/London)."""

    @functools.cache
    def propensity(org: str) -> float:
        return LATE_BASE + LATE_SPREAD * _uniforms(seed, "late", org)[0] ** 2

    def submitted(collection: str, org: str, period: dt.date, due: dt.date) -> dt.datetime:
        late, lateness, clock = _uniforms(seed, collection, org, period.isoformat())
        if late < propensity(org):
            day = shift_working_days(due, 1 + int(lateness * MAX_LATE_DAYS))
        else:
            day = shift_working_days(due, -int(lateness * (MAX_EARLY_DAYS + 1)))
            day = max(day, Period.of(period).end + dt.timedelta(days=1))
        local = dt.datetime.combine(day, dt.time(8), tzinfo=LONDON)
        return (local + dt.timedelta(minutes=int(clock * 9 * 60))).astimezone(dt.UTC)

    return submitted
