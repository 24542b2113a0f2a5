"""The FastAPI application: pages, JSON API and locally served assets."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from oversight import __version__
from oversight.config import home as default_home
from oversight.publish.web.routes import ROUTES
from oversight.publish.web.templating import STATIC_DIR, make_templates

ASSETS_HINT = "run `npm ci && npm run build` in the project folder to build the portal's assets"


def create_app(home: Path | None = None) -> FastAPI:
    """Build the portal over an existing home (lake, results, database)."""
    if not (STATIC_DIR / "build" / "portal.css").exists():
        raise RuntimeError(f"the portal's stylesheet is missing: {ASSETS_HINT}")
    app = FastAPI(title="ics-oversight", version=__version__, docs_url="/api/docs",
                  openapi_url="/api/openapi.json")
    app.state.home = home or default_home()
    app.state.templates = make_templates()
    for method, path, endpoint, name in ROUTES:
        app.add_api_route(path, endpoint, methods=[method], name=name,
                          include_in_schema=path.startswith("/api/"))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
