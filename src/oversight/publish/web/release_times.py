"""The release times of a set of figures, so what the embargo hides can be cached.

Between two consecutive release times nothing is released: whatever a view derives from the
embargo (oversight.publish.access) at one moment holds until the next release time. A cache key
that includes the release epoch (how many of the figures' release times have passed) therefore
stays correct without asking the embargo about every month on every request.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable

from oversight.period import MonthLike
from oversight.publish.access import Embargo


def release_times(
    embargo: Embargo, months: Iterable[tuple[str, MonthLike]]
) -> tuple[dt.datetime, ...]:
    """The distinct release times (UTC, sorted) of these metric × months; none when the
    embargo holds nothing back or every month is public as soon as validated."""
    if not embargo.any:
        return ()
    found = {embargo.released_at(str(metric), period) for metric, period in months}
    return tuple(sorted(t.astimezone(dt.UTC) for t in found if t is not None))


def epoch(times: tuple[dt.datetime, ...], now: dt.datetime) -> int:
    """How many of `times` have passed at `now` (naive: UTC): the same number, the same
    embargo."""
    aware = now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)
    return bisect_right(times, aware)
