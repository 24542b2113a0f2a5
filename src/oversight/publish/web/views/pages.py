"""HTML pages."""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse

from oversight.publish.web.views.common import DEFAULT_METRIC
from oversight.publish.web.views.icb import icb_page
from oversight.publish.web.views.national import national_page


async def national(request: Request, metric: str = DEFAULT_METRIC) -> HTMLResponse:
    try:
        page = national_page(request.app.state.home, metric)
    except LookupError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    return request.app.state.templates.TemplateResponse(
        request, "national.html", {"page": page}
    )


async def icb(request: Request, code: str, metric: str = DEFAULT_METRIC) -> HTMLResponse:
    try:
        page = icb_page(request.app.state.home, code, metric)
    except LookupError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    return request.app.state.templates.TemplateResponse(request, "icb.html", {"page": page})


async def healthz() -> dict[str, str]:
    return {"status": "ok"}
