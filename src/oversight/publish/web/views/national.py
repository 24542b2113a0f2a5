"""The national page: every ICB's latest figure for one metric against the national target."""

from __future__ import annotations

import pandas as pd

from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.publish.web.queries import judge_against, metric_results, national_target
from oversight.publish.web.views.common import all_metrics, metric_summary, number, text
from oversight.publish.web.views.context import NationalPage, OrgRow

ENGLAND = "ENG"  # the metric engine's org_code for England


def _latest_rows(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Each organisation's row for the latest period that has any figure nationally."""
    if frame.empty:
        return {}
    latest = frame.loc[frame["value"].notna(), "period"].max()
    if pd.isna(latest):
        latest = frame["period"].max()
    at = frame[frame["period"] == latest]
    return {str(r["org_code"]): r for _, r in at.iterrows()}


def national_page(home: Home, metric_id: str) -> NationalPage:
    catalogue = load_catalogue()
    metric = metric_summary(metric_id)
    frame = metric_results(home, metric_id)
    rows = _latest_rows(frame)
    latest_period = next(iter(rows.values()))["period"] if rows else None
    target = national_target(metric_id, latest_period) if latest_period else None

    def org_row(code: str, name: str, region: str) -> OrgRow:
        r = rows.get(code)
        value = number(r, "value") if r is not None else None
        return OrgRow(
            code=code,
            name=name,
            region=region,
            value=value,
            period=r["period"] if r is not None else None,
            judgement=judge_against(value, target),
            missing_reason=text(r, "missing_reason") if r is not None else "no results",
        )

    icbs = [
        org_row(icb.code, icb.name, catalogue.regions[icb.region_code].name)
        for icb in sorted(catalogue.icbs.values(), key=lambda i: i.name)
        if icb.valid_to is None or latest_period is None or icb.valid_to >= latest_period
    ]
    regions = [org_row(r.code, r.name, r.name) for r in catalogue.regions.values()]
    england = org_row(ENGLAND, "England", "") if ENGLAND in rows else None
    judged = [r for r in icbs if r.judgement is not None and r.judgement.status != "missing"]
    return NationalPage(
        metric=metric,
        metrics=all_metrics(),
        latest_period=latest_period,
        target=target,
        england=england,
        regions=regions,
        icbs=icbs,
        met_count=sum(1 for r in judged if r.judgement and r.judgement.status == "met"),
        judged_count=len(judged),
    )
