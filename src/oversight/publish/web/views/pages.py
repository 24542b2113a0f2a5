"""HTML pages: each builds its typed context and renders its template. An unknown ICB,
region or metric is a 404 page (publish.web.errors); the API's JSON answers are elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from oversight.publish.web.page_cache import render
from oversight.publish.web.views import info
from oversight.publish.web.views.area import ENGLAND, area_page
from oversight.publish.web.views.icb import icb_page
from oversight.publish.web.views.metric import metric_page, metrics_index
from oversight.publish.web.views.overview import overview_page
from oversight.publish.web.views.scorecard import ics_page


def _render(request: Request, template: str, page: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, template, {"page": page})


async def _cached(request: Request, template: str, build: Callable[[], Any]) -> HTMLResponse:
    try:
        return await render(request, template, build)
    except LookupError as exc:
        raise _not_found(exc) from exc


def _not_found(exc: LookupError) -> HTTPException:
    return HTTPException(status_code=404, detail=str(exc))


async def national(request: Request, sort: str = "name", order: str = "asc",
                   highlight: str = "", metric: str | None = None) -> Response:
    """The national overview; `?metric=` (the old per-metric national page) moved to
    /metric/{id}."""
    if metric is not None:
        url = request.app.url_path_for("metric", metric_id=metric)
        return RedirectResponse(str(url), status_code=301)
    home = request.app.state.home
    return await _cached(request, "overview.html",
                   lambda: overview_page(home, sort, order, highlight))


async def metrics(request: Request) -> HTMLResponse:
    return await _cached(request, "metrics.html", metrics_index)


async def metric(request: Request, metric_id: str, icb: str = "") -> HTMLResponse:
    home = request.app.state.home
    return await _cached(request, "metric.html", lambda: metric_page(home, metric_id, icb or None))


async def icb(request: Request, code: str, metric: str | None = None) -> Response:
    """An ICS's scorecard; `?metric=` goes to that metric's page for the ICS."""
    if metric is not None:
        url = request.app.url_path_for("icb_metric", code=code, metric_id=metric)
        return RedirectResponse(str(url), status_code=301)
    home = request.app.state.home
    return await _cached(request, "ics.html", lambda: ics_page(home, code))


async def icb_metric(request: Request, code: str, metric_id: str) -> HTMLResponse:
    home = request.app.state.home
    return await _cached(request, "icb.html", lambda: icb_page(home, code, metric_id))


async def region(request: Request, code: str) -> HTMLResponse:
    if code.upper() == ENGLAND:
        raise HTTPException(status_code=404, detail="England's page is /england")
    home = request.app.state.home
    return await _cached(request, "area.html", lambda: area_page(home, code))


async def england(request: Request) -> HTMLResponse:
    home = request.app.state.home
    return await _cached(request, "area.html", lambda: area_page(home, ENGLAND))


async def methodology(request: Request) -> HTMLResponse:
    return _render(request, "methodology.html", info.methodology())


async def downloads(request: Request) -> HTMLResponse:
    return _render(request, "downloads.html", info.downloads(request.app))


async def accessibility(request: Request) -> HTMLResponse:
    return _render(request, "accessibility.html", None)


async def about(request: Request) -> HTMLResponse:
    home = request.app.state.home
    return await _cached(request, "about.html", lambda: info.about(home))


async def healthz() -> dict[str, str]:
    return {"status": "ok"}
