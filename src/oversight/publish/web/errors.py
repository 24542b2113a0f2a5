"""Error answers: HTML pages in the portal's look for people, JSON for the API.

A page path that does not exist (or names an unknown ICB or metric) gets the 404 page; an
unexpected failure gets the 500 page, never a traceback. Paths under /api/ keep FastAPI's JSON
`{"detail": ...}` so machines can read them.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)

TITLES = {404: "Page not found", 500: "Sorry, there is a problem with the service"}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/healthz" or path.startswith("/static/")


def _page(request: Request, status: int, detail: str | None) -> Response:
    title = TITLES.get(status, "Sorry, this page cannot be shown")
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"status": status, "title": title, "detail": detail},
        status_code=status,
    )


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if _wants_json(request) or exc.status_code < 400:
        return await http_exception_handler(request, exc)
    detail = exc.detail if isinstance(exc.detail, str) and exc.status_code == 404 else None
    return _page(request, exc.status_code, detail)


async def on_failure(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s", request.url.path, exc_info=exc)
    if _wants_json(request):
        return JSONResponse({"detail": "internal error"}, status_code=500)
    return _page(request, 500, None)


def install(app: FastAPI) -> None:
    """Answer errors in the portal's look (pages) or as JSON (API)."""
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_failure)
