"""`/api/docs`: Swagger UI over the API's OpenAPI description, its script and stylesheet
served by the portal itself (npm's swagger-ui-dist, copied by scripts/build-assets.mjs), so
the page renders with no network: FastAPI's default loads them from a CDN."""

from __future__ import annotations

from fastapi import Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response

from oversight.publish.web.templating import STATIC_DIR

ASSETS = STATIC_DIR / "swagger"


async def swagger(request: Request) -> Response:
    """The interactive API documentation; 503 naming the build step when its assets are
    missing (never a page that silently fetches them from elsewhere)."""
    if not (ASSETS / "swagger-ui-bundle.js").exists():
        return JSONResponse(
            {"detail": "Swagger UI's assets are missing: run `npm ci && npm run build`"},
            status_code=503,
        )
    static = "/static/swagger"
    page: HTMLResponse = get_swagger_ui_html(
        openapi_url=request.app.openapi_url or "/api/openapi.json",
        title="ics-oversight API",
        swagger_js_url=f"{static}/swagger-ui-bundle.js",
        swagger_css_url=f"{static}/swagger-ui.css",
        swagger_favicon_url=f"{static}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},  # no badge fetched from swagger.io
    )
    return page
