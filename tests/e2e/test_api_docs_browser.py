"""`/api/docs` in a real browser with every request off the loopback blocked: Swagger UI's
script and stylesheet come from the portal itself, and the page lists the API's routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from tests.e2e.live_portal import serving
from tests.e2e.test_portal_browser import CHROMIUM, CHROMIUM_ARGS

from oversight.home import Home

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def docs_url(demo_home: Home) -> Iterator[str]:
    with serving(demo_home) as url:
        yield url


def test_api_docs_render_with_the_network_off(docs_url: str) -> None:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()

        def only_loopback(route: Any) -> None:
            if route.request.url.startswith(docs_url):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.route("**/*", only_loopback)
        page.goto(docs_url + "/api/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=20_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        title = page.locator(".swagger-ui .info .title").inner_text()
        browser.close()
    assert "/api/v1/results" in [p.replace("\u200b", "") for p in paths]
    assert "ics-oversight" in title
    assert blocked == []
