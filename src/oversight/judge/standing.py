"""Which target stands for a metric in a month: the judge decides, from the catalogue's targets.

National: the target set for the month's planning year, else the latest earlier one (a national
target stands until guidance replaces it; the highest version wins within a year); the catalogue's
`standing_national_target` holds that rule and is reused here.

Local: an ICS's own target stands from the month it was set until its deadline, and only once
published (a draft stands nowhere). When a revision is set, it stands from its own month onwards
and the version it revised still stands for the months before, so a past month is always judged
against the target that was in force then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from oversight.catalogue.models.targets import TargetLike, TargetT, standing_national_target


@dataclass(frozen=True)
class StandingTarget:
    """The target standing for one metric, organisation and month, with its planned value."""

    id: str
    scope: str
    """"national" or "local"."""
    value: float
    comparison: str
    trajectory: float | None = None
    """The trajectory's planned value for the month, if it has one."""


def trajectory_value(target: TargetLike, period: dt.date) -> float | None:
    """The target's planned value for a month (None when its trajectory has no such point)."""
    for point in target.trajectory:
        if point.period == period:
            return float(point.value)
    return None


def standing(target: TargetLike | None, period: dt.date) -> StandingTarget | None:
    """A catalogue target as it stands in one month."""
    if target is None:
        return None
    return StandingTarget(
        id=target.id,
        scope=target.scope,
        value=float(target.value),
        comparison=target.comparison,
        trajectory=trajectory_value(target, period),
    )


def national_target(targets: Iterable[TargetT], metric_id: str, period: dt.date) -> TargetT | None:
    """The national target standing for a metric in a month (the catalogue's rule)."""
    return standing_national_target(targets, metric_id, period)


def local_target(
    targets: Iterable[TargetT], icb_code: str, metric_id: str, period: dt.date
) -> TargetT | None:
    """The ICS's own published target standing for a metric in a month, or None."""
    month = period.replace(day=1)
    candidates = [
        t
        for t in targets
        if t.scope == "local"
        and t.status == "published"
        and t.icb_code == icb_code
        and t.metric_id == metric_id
        and t.date_set.replace(day=1) <= month <= t.deadline
    ]
    return max(candidates, key=lambda t: (t.date_set, t.version), default=None)
