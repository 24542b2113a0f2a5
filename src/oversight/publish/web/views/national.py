"""The national page: every ICB's latest figure for one metric against the national target.

Figures come from the published results; which target stands, whether each ICB meets it and
England's coverage come from the judge's judgements. A count over ICBs names how many ICBs there
are and how many have no data (the coverage rule, oversight.judge.coverage).
"""

from __future__ import annotations

import pandas as pd

from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.judge.coverage import Coverage, published_total_label, tally
from oversight.publish.web.queries import judged_rows, metric_results, standing_target
from oversight.publish.web.views.common import all_metrics, metric_summary, number, text
from oversight.publish.web.views.context import NationalPage, OrgRow
from oversight.published_demo import published_national_total

ENGLAND = "ENG"  # the metric engine's org_code for England
TALLY_WORDS = {"met": "meet it", "missed": "miss it"}


def _latest_rows(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Each organisation's row for the latest period that has any figure nationally."""
    if frame.empty:
        return {}
    latest = frame.loc[frame["value"].notna(), "period"].max()
    if pd.isna(latest):
        latest = frame["period"].max()
    at = frame[frame["period"] == latest]
    return {str(r["org_code"]): r for _, r in at.iterrows()}


def _england_label(judged: pd.DataFrame, published_total: bool = False) -> str:
    row = judged[judged["org_code"] == ENGLAND]
    if row.empty or pd.isna(row["expected"].iloc[0]):
        return "England"
    cover = Coverage(int(row["reported"].iloc[0]), int(row["expected"].iloc[0]))
    return published_total_label(cover) if published_total else cover.label("England")


def national_page(home: Home, metric_id: str) -> NationalPage:
    catalogue = load_catalogue()
    metric = metric_summary(metric_id)
    frame = metric_results(home, metric_id)
    rows = _latest_rows(frame)
    latest_period = next(iter(rows.values()))["period"] if rows else None
    judged = (
        judged_rows(home, metric_id, latest_period)
        if latest_period
        else pd.DataFrame(columns=["org_code", "period", "national_status"])
    )
    status = dict(zip(judged["org_code"], judged["national_status"], strict=True))
    target = standing_target(judged)

    def org_row(code: str, name: str, region: str) -> OrgRow:
        r = rows.get(code)
        return OrgRow(
            code=code,
            name=name,
            region=region,
            value=number(r, "value") if r is not None else None,
            period=r["period"] if r is not None else None,
            status=status.get(code),
            missing_reason=text(r, "missing_reason") if r is not None else "no results",
        )

    icbs = [
        org_row(icb.code, icb.name, catalogue.regions[icb.region_code].name)
        for icb in sorted(
            catalogue.icbs.values() if latest_period is None else catalogue.icbs_on(latest_period),
            key=lambda i: i.name,
        )
    ]  # the ICBs of the month: merged ICBs from their start (published RTT, April 2026)
    regions = [org_row(r.code, r.name, r.name) for r in catalogue.regions.values()]
    england = org_row(ENGLAND, "England", "") if ENGLAND in rows else None
    members = [r.code for r in icbs]
    counted = tally({r.code: r.status or "no data" for r in icbs}, members)
    return NationalPage(
        metric=metric,
        metrics=all_metrics(),
        latest_period=latest_period,
        target=target,
        england=england,
        regions=regions,
        icbs=icbs,
        met_count=counted.counts.get("met", 0),
        judged_count=counted.coverage.reported,
        expected_count=counted.coverage.expected,
        target_tally=counted.sentence(TALLY_WORDS),
        england_label=_england_label(
            judged,
            latest_period is not None
            and published_national_total(home, metric_id, pd.Timestamp(latest_period).date()),
        ) if len(judged) else "England",
    )
