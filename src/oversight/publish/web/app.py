"""The FastAPI application: pages, JSON API and locally served assets."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from oversight import __version__, config
from oversight.collect import api as submissions
from oversight.publish.web.routes import ROUTES
from oversight.publish.web.templating import STATIC_DIR, make_templates

ASSETS_HINT = "run `npm ci && npm run build` in the project folder to build the portal's assets"


def create_app(home: Path | None = None) -> FastAPI:
    """Build the portal over an existing home (lake, results, database)."""
    if not (STATIC_DIR / "build" / "portal.css").exists():
        raise RuntimeError(f"the portal's stylesheet is missing: {ASSETS_HINT}")
    app = FastAPI(title="ics-oversight", version=__version__, docs_url="/api/docs",
                  openapi_url="/api/openapi.json")
    app.state.home = config.home(home)
    app.state.templates = make_templates()
    for method, path, endpoint, name in ROUTES:
        app.add_api_route(path, endpoint, methods=[method], name=name,
                          include_in_schema=path.startswith("/api/"))
    _include_submissions(app, app.state.home)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _include_submissions(app: FastAPI, home: Path) -> None:
    """The submission API, bound to this app's home rather than the environment's."""

    def services() -> submissions.Services:
        from oversight.catalogue import load
        from oversight.store import database
        from oversight.store.lake import Lake

        return submissions.Services(
            database.connect(config.database_url(home)),
            Lake(config.lake_dir(home)),
            load(),
            home / "incoming",
        )

    app.include_router(submissions.router)
    app.dependency_overrides[submissions.services] = services
