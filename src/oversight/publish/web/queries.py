"""What the pages read: published metric results and the judgements made from them.

The portal never computes a statistic or a judgement itself: figures come from the published
`ResultsVersion`, and which target stands, whether it is met, the SPC assurance and the words
come from the judge stage's persisted `Judgements` (oversight.judge.stage).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

import pandas as pd

from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.period import Period
from oversight.publish import access
from oversight.publish.access import PUBLIC, Viewer
from oversight.published_demo import published_total

if TYPE_CHECKING:
    from oversight.judge.judgement import Judgement


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
    home: Home,
    metric_id: str,
    org: str | None = None,
    period: Period | None = None,
    viewer: Viewer = PUBLIC,
) -> pd.DataFrame:
    """Total (no breakdown) results of one metric, oldest period first; empty before compute.
    `period` (a month, quarter or planning year) keeps only the months inside it; figures
    still under embargo for `viewer` (the pages: the public) are left out."""
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
    return access.released(frame, viewer).reset_index(drop=True)


@lru_cache(maxsize=64)
def _judged_frame(home: Home, judged_id: str, metric_id: str) -> pd.DataFrame:
    """One metric's judgements (every organisation and month) of one judged results version;
    immutable per version, so cached by its id."""
    from oversight.judge.stage import Judgements

    return Judgements(judged_id, home.judgements_dir / judged_id).frame(metric=metric_id)


def judged_rows(
    home: Home, metric_id: str, period: date | None = None, viewer: Viewer = PUBLIC
) -> pd.DataFrame:
    """The judge's outcome rows for a metric (one month if given) that `viewer` may see;
    empty before judging."""
    from oversight.judge.stage import latest

    found = latest(home)
    if found is None:
        return pd.DataFrame(columns=["org_code", "period", "national_status"])
    frame = _judged_frame(home, found.id, metric_id)
    if period is not None:
        frame = frame[frame["period"] == period]
    return access.released(frame, viewer)


def judgement_of(
    home: Home, org: str, metric_id: str, period: date, viewer: Viewer = PUBLIC
) -> Judgement | None:
    """The judge's three judgements of one organisation's figure for one month, if judged
    and `viewer` may see it."""
    from oversight.judge.assess import judgement_of as read_row
    from oversight.judge.stage import names

    rows = judged_rows(home, metric_id, period, viewer)
    rows = rows[rows["org_code"] == org]
    if rows.empty:
        return None
    catalogue = load_catalogue()
    row = rows.iloc[0].to_dict()
    found = read_row(row, catalogue.metrics[metric_id], names(catalogue).get(org))
    if published_total(home, org, metric_id, period):
        found = replace(found, subject=replace(found.subject, published_total=True))
    return found


def standing_target(judged: pd.DataFrame) -> NationalTargetRef | None:
    """The national target the judge held a month's figures against (from its rows)."""
    ids = judged["target_id"].dropna().unique() if "target_id" in judged.columns else []
    if not len(ids):
        return None
    best = load_catalogue().targets[str(ids[0])]
    return NationalTargetRef(best.id, float(best.value), best.comparison, best.planning_year,
                             best.deadline)


def revisions_behind(home: Home, lineage_key: str | None) -> list[str]:
    """The revision ids behind a published figure's lineage key (empty when it has none)."""
    from oversight.metrics import published

    if not lineage_key:
        return []
    try:
        return sorted(published(home).revisions_behind(lineage_key))
    except KeyError:
        return []
