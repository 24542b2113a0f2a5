"""The public JSON API: the same figures the pages show, for machines.

The routes are plain functions, which FastAPI runs in the thread pool: a first request for an
ICB or metric builds its page context (up to seconds), which must not hold up the event
loop."""

from __future__ import annotations

import math
from typing import Any

from fastapi import HTTPException, Request

from oversight.period import Period, PeriodError
from oversight.publish.web.queries import metric_results
from oversight.publish.web.views.api_viewer import ViewerDep
from oversight.publish.web.views.icb import icb_page
from oversight.publish.web.views.national import national_page


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def latest(request: Request, metric_id: str) -> dict[str, Any]:
    """Every organisation's latest figure for a metric, with its target judgement: the
    national page's figures, so what the public sees (embargoed months left out)."""
    try:
        page = national_page(request.app.state.home, metric_id)
    except LookupError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    return {
        "metric": page.metric.id,
        "period": _clean(page.latest_period),
        "target": None if page.target is None else {
            "id": page.target.id, "value": page.target.value,
            "comparison": page.target.comparison, "planning_year": page.target.planning_year,
        },
        "coverage": {"reported": page.judged_count, "expected": page.expected_count},
        "summary": page.target_tally,
        "organisations": [
            {
                "code": row.code, "name": row.name, "region": row.region,
                "value": row.value,
                "status": row.status,
            }
            for row in page.icbs
        ],
    }


def series(
    request: Request, who: ViewerDep, code: str, metric_id: str, period: str | None = None
) -> dict[str, Any]:
    """One organisation's monthly series for a metric, every published column; `?period=`
    (2024-06, 2025-Q3 or 2025/26) keeps the months inside that period, 400 for anything else.
    Months still under embargo for the caller are left out."""
    try:
        within = None if period is None else Period.parse(period)
    except PeriodError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    try:
        icb_page(request.app.state.home, code, metric_id)  # validates code and metric
    except LookupError as exc:
        from oversight.publish.web.views.published import has_results

        # England, a region or a provider (published returns) with results is served too
        if not has_results(request.app.state.home, code.upper(), metric_id):
            raise HTTPException(status_code=404, detail=str(exc)) from exc
    frame = metric_results(
        request.app.state.home, metric_id, org=code.upper(), period=within, viewer=who
    )
    rows = [{k: _clean(v) for k, v in rec.items()} for rec in frame.to_dict(orient="records")]
    return {"metric": metric_id, "org": code.upper(), "points": rows}


def judgement(
    request: Request, who: ViewerDep, code: str, metric_id: str, period: str | None = None
) -> dict[str, Any]:
    """The judge's three judgements of one organisation's figure (default: its latest public
    month), as `oversight judge --json` prints them; 404 when not judged or, for the caller,
    still under embargo."""
    from oversight.publish.web.queries import judgement_of

    home = request.app.state.home
    try:
        month = None if period is None else Period.parse(period)
    except PeriodError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    try:
        page = icb_page(home, code, metric_id)
        org, last = page.code, page.latest.period if page.latest else None
    except LookupError as exc:
        from oversight.publish.web.views.published import has_results, latest_period

        # England or a region (judged too) when it has results
        org = code.upper()
        if not has_results(home, org, metric_id):
            raise HTTPException(status_code=404, detail=str(exc)) from exc
        last = latest_period(home, org, metric_id)
    at = month.start if month is not None else last
    found = None if at is None else judgement_of(home, org, metric_id, at, who)
    if found is None:
        raise HTTPException(status_code=404, detail=f"{org} {metric_id} is not judged then")
    return found.to_dict()
