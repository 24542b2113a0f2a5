"""What the pages read: published metric results, joined to the catalogue.

The portal never computes a statistic itself; it reads the published `ResultsVersion` and the
catalogue, and asks `oversight.judge` whether a figure meets its target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pandas as pd

from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.judge.targets import TargetJudgement, judge_value
from oversight.period import Period


@dataclass(frozen=True)
class NationalTargetRef:
    id: str
    value: float
    comparison: str
    planning_year: str
    deadline: date | None


def _as_date(value: object) -> date:
    return pd.Timestamp(value).date()


@lru_cache(maxsize=64)
def _metric_frame(home: Home, version: str, metric_id: str) -> pd.DataFrame:
    """One metric's total rows for every organisation in one results version.

    Versions are immutable, so caching by version is safe; a newly published version is
    picked up on the next request because the key changes.
    """
    from oversight.metrics import published

    frame = published(home, version).rows(metric=metric_id, breakdown="total")
    if not frame.empty:
        frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return frame.sort_values(["org_code", "period"]).reset_index(drop=True)


def metric_results(
    home: Home, metric_id: str, org: str | None = None, period: Period | None = None
) -> pd.DataFrame:
    """Total (no breakdown) results of one metric, oldest period first; empty before compute.
    `period` (a month, quarter or planning year) keeps only the months inside it."""
    from oversight.metrics.results import current_version

    version = current_version(home)
    if version is None:
        return pd.DataFrame(columns=["org_code", "period", "value"])
    frame = _metric_frame(home, version, metric_id)
    if org is not None:
        frame = frame[frame["org_code"] == org].reset_index(drop=True)
    if period is not None:
        inside = (frame["period"] >= period.start) & (frame["period"] <= period.end)
        frame = frame[inside].reset_index(drop=True)
    return frame


def national_target(metric_id: str, period: date) -> NationalTargetRef | None:
    """The national target in the planning year of `period`, else the latest earlier one."""
    best = load_catalogue().standing_national_target(metric_id, period)
    if best is None:
        return None
    return NationalTargetRef(best.id, float(best.value), best.comparison, best.planning_year,
                             best.deadline)


def judge_against(value: float | None, target: NationalTargetRef | None) -> TargetJudgement | None:
    return None if target is None else judge_value(value, target.value, target.comparison)


def revisions_behind(home: Home, lineage_key: str | None) -> list[str]:
    """The revision ids behind a published figure's lineage key (empty when it has none)."""
    from oversight.metrics import published

    if not lineage_key:
        return []
    try:
        return sorted(published(home).revisions_behind(lineage_key))
    except KeyError:
        return []
