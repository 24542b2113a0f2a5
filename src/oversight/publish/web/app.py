"""The FastAPI application: pages, JSON API, the submission API and locally served assets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from oversight import __version__, config
from oversight.collect import api as submissions
from oversight.home import Home
from oversight.publish.web import errors
from oversight.publish.web.api_cache import AnswerCache
from oversight.publish.web.caching import CachingMiddleware
from oversight.publish.web.page_cache import PageCache
from oversight.publish.web.routes import ROUTES, mount
from oversight.publish.web.shortcuts import ShortcutMiddleware, Shortcuts
from oversight.publish.web.templating import STATIC_DIR, make_templates
from oversight.publish.web.warm import warm as warm_pages

API_DESCRIPTION = (
    "Open data of the ICS oversight platform: organisations, the metric dictionary, every "
    "published figure (any level, any breakdown), judgements, targets and bulk downloads. "
    "No token: what the public sees; `Authorization: Bearer <token>` for a role's view "
    "before release (docs/open-data.md)."
)
ASSETS_HINT = "run `npm ci && npm run build` in the project folder to build the portal's assets"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Expire submissions that waited too long, then run the publish worker (if any) while
    the app serves: it publishes what was accepted while the server was down first. With
    `warm`, the overview and ICS pages are built in the background meanwhile."""
    async with submissions.expire_at_startup(app):
        worker = app.state.publish_worker
        if worker is not None:
            worker.start()
        warming = asyncio.create_task(warm_pages(app)) if app.state.warm else None
        try:
            yield
        finally:
            if warming is not None:
                warming.cancel()
            if worker is not None:
                worker.stop()


def create_app(home: Home, *, publish: bool = False, warm: bool = False) -> FastAPI:
    """Build the portal over an existing home (lake, results, database); every route reads
    the home from `app.state.home`. With `publish` (the server), a background worker
    publishes every accepted submission (oversight.publish.queue); with `warm` (the server),
    the most visited pages are cached at start (oversight.publish.web.warm)."""
    if not (STATIC_DIR / "build" / "portal.css").exists():
        raise RuntimeError(f"the portal's stylesheet is missing: {ASSETS_HINT}")
    app = FastAPI(title="ics-oversight", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", lifespan=_lifespan,
                  description=API_DESCRIPTION)
    app.state.home = home
    app.state.publish_worker = None
    app.state.on_accepted = None
    if publish:
        from oversight.publish.queue import Worker

        app.state.publish_worker = Worker(home)
        app.state.on_accepted = app.state.publish_worker.notify
    app.state.waiting = config.waiting_policy()
    app.state.templates = make_templates()
    app.state.page_cache = PageCache()
    app.state.answer_cache = AnswerCache()
    app.state.shortcuts = Shortcuts()
    app.state.warm = warm
    mount(app, ROUTES)
    errors.install(app)
    app.add_middleware(CachingMiddleware)
    app.add_middleware(ShortcutMiddleware, shortcuts=app.state.shortcuts)  # outermost
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
