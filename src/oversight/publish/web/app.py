"""The FastAPI application: pages, JSON API, the submission API and locally served assets."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from oversight import __version__, config
from oversight.collect import api as submissions
from oversight.home import Home
from oversight.publish.web import errors
from oversight.publish.web.page_cache import PageCache
from oversight.publish.web.routes import ROUTES, mount
from oversight.publish.web.templating import STATIC_DIR, make_templates

ASSETS_HINT = "run `npm ci && npm run build` in the project folder to build the portal's assets"


def create_app(home: Home) -> FastAPI:
    """Build the portal over an existing home (lake, results, database); every route reads
    the home from `app.state.home`."""
    if not (STATIC_DIR / "build" / "portal.css").exists():
        raise RuntimeError(f"the portal's stylesheet is missing: {ASSETS_HINT}")
    app = FastAPI(title="ics-oversight", version=__version__, docs_url="/api/docs",
                  openapi_url="/api/openapi.json", lifespan=submissions.expire_at_startup)
    app.state.home = home
    app.state.waiting = config.waiting_policy()
    app.state.templates = make_templates()
    app.state.page_cache = PageCache()
    mount(app, ROUTES)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
