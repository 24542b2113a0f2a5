"""`/api/v1/results` and `/api/v1/judgements`: every published figure (any level, any
breakdown) and the judge's judgements of them, filtered, embargoed for the viewer
(oversight.publish.access) and paged with signed cursors (api_paging).

Results are read through oversight.metrics.results' public functions only, pinned to the
version the first page read, so paging through never mixes two versions.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import HTTPException, Query, Request, Response
from pydantic import BaseModel

from oversight.home import Home
from oversight.period import Period, PeriodError
from oversight.publish import access
from oversight.publish.access import Viewer
from oversight.publish.web.api_cache import JSON, Answer, answer, current_version
from oversight.publish.web.release_times import release_times
from oversight.publish.web.views import api_paging as paging
from oversight.publish.web.views.api_catalogue import known_metric, known_org
from oversight.publish.web.views.api_models import (
    BreakdownName,
    JudgementRow,
    JudgementsPage,
    Level,
    ResultRow,
    ResultsPage,
    answers,
)
from oversight.publish.web.views.api_viewer import ViewerDep

Limit = Annotated[
    int, Query(ge=1, le=paging.MAX_LIMIT, description=f"rows per page, 1-{paging.MAX_LIMIT}")
]
Cursor = Annotated[str | None, Query(max_length=512, description="`next` of the previous page")]
PeriodText = Annotated[
    str | None, Query(max_length=20, description="a month (2024-06), quarter or planning year")
]
RENAMED = {"org_code": "org", "org_type": "level", "metric_id": "metric", "revisions": "lineage"}


def _period_bounds(period_from: str | None, period_to: str | None) -> tuple[Any, Any]:
    """The first and last day asked for; 400 naming the parameter for a malformed period."""
    bounds: list[dt.date | None] = []
    asked = (("period_from", period_from, "start"), ("period_to", period_to, "end"))
    for name, text, edge in asked:
        if text is None:
            bounds.append(None)
            continue
        try:
            bounds.append(getattr(Period.parse(text), edge))
        except PeriodError as error:
            raise HTTPException(400, f"{name}: {error}") from None
    start, end = bounds
    if start is not None and end is not None and start > end:
        raise HTTPException(422, f"period_from {period_from} is after period_to {period_to}")
    return start, end


def _check_known(metric: str | None, org: str | None) -> str | None:
    if metric is not None and not known_metric(metric):
        raise HTTPException(422, f"unknown metric {metric[:40]!r}: see /api/v1/metrics")
    if org is None:
        return None
    if not known_org(org.upper()):
        raise HTTPException(422, f"unknown organisation {org[:40]!r}: see /api/v1/organisations")
    return org.upper()


def _position(home: Home, cursor: str | None, scope: str, current: str | None) -> paging.Position:
    if cursor is None:
        return paging.Position(current or "", 0)
    try:
        return paging.decode(home, cursor, scope)
    except paging.CursorError as error:
        raise HTTPException(400, str(error)) from None


def _stale(version: str) -> HTTPException:
    return HTTPException(
        400, f"cursor is stale: version {version} is no longer kept; start again without a cursor"
    )


def _kept(home: Home, version: str) -> bool:
    """True while the results store still keeps `version` (a cached copy is not enough: a
    pruned version's cursor is stale)."""
    from oversight.metrics.results import published

    return published(home, version).manifest_path.exists()


@lru_cache(maxsize=32)
def _selected(
    home: Home, version: str, metric: str | None, org: str | None, breakdown: str | None,
    level: str | None, start: dt.date | None, end: dt.date | None,
) -> pd.DataFrame:
    """The rows of one immutable version matching the filters, canonical order (cached)."""
    from oversight.metrics.results import results
    from oversight.publish.downloads import whole

    if metric is None and org is None:  # the whole version: shared with the downloads
        frame = whole(home, version)
        if breakdown is not None:
            frame = frame[frame["breakdown"] == breakdown]
    else:
        frame = results(home, metric=metric, org=org, breakdown=breakdown, version=version)
    return _narrowed(frame, level, start, end)


def _narrowed(
    frame: pd.DataFrame, level: str | None, start: dt.date | None, end: dt.date | None
) -> pd.DataFrame:
    if frame.empty:
        return frame
    keep = np.ones(len(frame), dtype=bool)
    if level is not None:
        keep &= (frame["org_type"] == level).to_numpy()
    if start is not None:
        keep &= (frame["period"] >= start).to_numpy()
    if end is not None:
        keep &= (frame["period"] <= end).to_numpy()
    return frame[keep].reset_index(drop=True)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts: missing values None, months as YYYY-MM, API column names."""
    out = frame.rename(columns=RENAMED)
    out = out.astype(object).where(out.notna(), None)
    rows = out.to_dict(orient="records")
    for row in rows:
        period = row.get("period")
        if isinstance(period, dt.date):
            row["period"] = f"{period:%Y-%m}"
    return rows


def _page(
    home: Home, frame: pd.DataFrame, position: paging.Position, limit: int, scope: str
) -> tuple[list[dict[str, Any]], str | None]:
    stop = position.offset + limit
    rows = _records(frame.iloc[position.offset:stop])
    more = stop < len(frame)
    following = paging.encode(home, paging.Position(position.version, stop), scope)
    return rows, following if more else None


def _scope(viewer: Viewer, **filters: Any) -> str:
    return paging.scope_of(role=viewer.role, viewer_org=viewer.org_code, **filters)


@answers(ResultsPage)
async def results(
    request: Request,
    who: ViewerDep,
    metric: Annotated[str | None, Query(max_length=64, examples=["ae_4hr"])] = None,
    org: Annotated[str | None, Query(max_length=16, examples=["QMJ"])] = None,
    level: Level | None = None,
    breakdown: BreakdownName | None = None,
    period_from: PeriodText = None,
    period_to: PeriodText = None,
    limit: Limit = paging.DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Response:
    """Published figures for any level (England, region, ICB) and any breakdown, oldest first
    within each metric and organisation; figures still under embargo for the caller are left
    out. Without `breakdown` every breakdown is returned."""
    home: Home = request.app.state.home
    start, end = _period_bounds(period_from, period_to)
    code = _check_known(metric, org)
    scope = _scope(who, kind="results", metric=metric, org=code, level=level,
                   breakdown=breakdown, start=start, end=end)
    position = _position(home, cursor, scope, current_version(home))
    if not position.version:
        return _json(ResultsPage(version=None, total=0, next=None, results=[]))
    if not _kept(home, position.version):
        raise _stale(position.version)
    version = position.version

    def build(now: dt.datetime) -> Answer:
        try:
            selected = _selected(home, version, metric, code, breakdown, level, start, end)
        except (FileNotFoundError, LookupError):
            raise _stale(version) from None
        frame = access.released(selected, who, now).reset_index(drop=True)
        rows, following = _page(home, frame, position, limit, scope)
        page = ResultsPage(
            version=version, total=len(frame), next=following,
            results=[ResultRow(**{k: v for k, v in r.items() if k in ResultRow.model_fields})
                     for r in rows],
        )
        return Answer(_body(page), _times(selected, who))

    key = ("results", version, metric, code, level, breakdown, start, end, limit,
           position.offset, who)
    public = who == access.PUBLIC and cursor is None
    return await answer(request, key, build,
                        (lambda: current_version(home) == version) if public else None)


@lru_cache(maxsize=32)
def _judged(
    home: Home, judged_id: str, metric: str | None, org: str | None, level: str | None,
    start: dt.date | None, end: dt.date | None,
) -> pd.DataFrame:
    from oversight.judge.stage import judged

    found = judged(home, judged_id)
    if found is None:
        raise FileNotFoundError(judged_id)
    frame = _narrowed(found.frame(org=org, metric=metric), level, start, end)
    return frame.sort_values(["metric_id", "org_type", "org_code", "period"], kind="stable")


@answers(JudgementsPage)
async def judgements(
    request: Request,
    who: ViewerDep,
    metric: Annotated[str | None, Query(max_length=64, examples=["ae_4hr"])] = None,
    org: Annotated[str | None, Query(max_length=16, examples=["QMJ"])] = None,
    level: Level | None = None,
    period_from: PeriodText = None,
    period_to: PeriodText = None,
    limit: Limit = paging.DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Response:
    """The judge's judgements (target status and assurance, national and local; SPC
    variation; comparison with England; funnel; peer rank) of each organisation's monthly
    figure, from the latest judged results; embargoed like the figures."""
    from oversight.judge.stage import latest

    home: Home = request.app.state.home
    start, end = _period_bounds(period_from, period_to)
    code = _check_known(metric, org)
    scope = _scope(who, kind="judgements", metric=metric, org=code, level=level,
                   start=start, end=end)
    current = latest(home) if cursor is None else None
    position = _position(home, cursor, scope, None if current is None else current.id)
    if not position.version:
        return _json(JudgementsPage(version=None, total=0, next=None, judgements=[]))
    version = position.version

    def build(now: dt.datetime) -> Answer:
        try:
            selected = _judged(home, version, metric, code, level, start, end)
        except FileNotFoundError:
            raise _stale(version) from None
        frame = access.released(selected, who, now).reset_index(drop=True)
        rows, following = _page(home, frame, position, limit, scope)
        page = JudgementsPage(
            version=version, total=len(frame), next=following,
            judgements=[
                JudgementRow(**{k: v for k, v in r.items() if k in JudgementRow.model_fields})
                for r in rows
            ],
        )
        return Answer(_body(page), _times(selected, who))

    key = ("judgements", version, metric, code, level, start, end, limit, position.offset, who)
    return await answer(request, key, build)


def _body(page: BaseModel) -> bytes:
    """The page as FastAPI would send it for its response model."""
    return page.model_dump_json(by_alias=True).encode()


def _json(page: BaseModel) -> Response:
    return Response(_body(page), media_type=JSON)


def _times(frame: pd.DataFrame, who: Viewer) -> tuple[dt.datetime, ...]:
    """The release times that can change what `who` sees of `frame`."""
    if who.role in access.EARLY_ROLES or frame.empty:
        return ()
    months = frame[["metric_id", "period"]].drop_duplicates()
    return release_times(access.rules(), months.itertuples(index=False, name=None))
