"""What the pages read: published metric results, joined to the catalogue.

The portal never computes a statistic itself; it reads `oversight.metrics.results` and the
catalogue, and asks `oversight.judge` whether a figure meets its target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from oversight.catalogue import load as load_catalogue
from oversight.judge.targets import TargetJudgement, judge_value, planning_year


@dataclass(frozen=True)
class NationalTargetRef:
    id: str
    value: float
    comparison: str
    planning_year: str
    deadline: date | None


def _as_date(value: object) -> date:
    return pd.Timestamp(value).date()


def metric_results(home: Path, metric_id: str, org: str | None = None) -> pd.DataFrame:
    """Total (no breakdown) results of one metric, oldest period first."""
    from oversight.metrics import results

    frame = results(metric=metric_id, org=org, breakdown="total", home=home)
    if frame.empty:
        return frame
    frame = frame.copy()
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return frame.sort_values(["org_code", "period"]).reset_index(drop=True)


def national_target(metric_id: str, period: date) -> NationalTargetRef | None:
    """The national target in the planning year of `period`, else the latest earlier one."""
    catalogue = load_catalogue()
    wanted = planning_year(period)
    candidates = [
        t for t in catalogue.targets.values()
        if t.scope == "national" and t.metric_id == metric_id and t.planning_year <= wanted
    ]
    if not candidates:
        return None
    best = max(candidates, key=lambda t: (t.planning_year, t.version))
    return NationalTargetRef(best.id, float(best.value), best.comparison, best.planning_year,
                             best.deadline)


def judge_against(value: float | None, target: NationalTargetRef | None) -> TargetJudgement | None:
    return None if target is None else judge_value(value, target.value, target.comparison)
