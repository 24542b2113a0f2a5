"""The portal in a real browser (Debian's Chromium driven by Playwright), fully offline."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from oversight.home import Home

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def portal_url(demo_home: Home) -> Iterator[str]:
    import uvicorn

    from oversight.publish.web.app import create_app

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(demo_home), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the portal did not start within 30 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_national_page_to_icb_page_offline(browser, portal_url: str, tmp_path: Path) -> None:
    page = browser.new_page()
    elsewhere: list[str] = []
    failed: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(portal_url) else elsewhere.append(r.url),
    )
    page.on("requestfailed", lambda r: failed.append(r.url))

    page.goto(portal_url + "/")
    rows = page.locator("[data-testid=icb-table] tbody tr")
    assert rows.count() == 42
    assert page.locator("[data-testid=latest-period]").inner_text() == "April 2024"
    # the stylesheet really applied: NHS.UK frontend's header is NHS blue
    header_colour = page.eval_on_selector(
        ".nhsuk-header", "e => getComputedStyle(e).backgroundColor"
    )
    assert header_colour == "rgb(0, 94, 184)"

    page.select_option("#metric", "rtt_18wk")
    page.click("form button[type=submit]")
    page.wait_for_url("**metric=rtt_18wk**")
    assert "18 weeks" in page.locator("h1").inner_text()

    page.locator("[data-testid=icb-table] tbody tr a").first.click()
    page.wait_for_url("**/icb/**")
    assert page.locator("[data-testid=chart] svg").count() == 1
    assert page.locator("[data-testid=series-table] tbody tr").count() == 13
    page.screenshot(path=str(tmp_path / "icb.png"), full_page=True)

    assert elsewhere == [], f"the portal asked for resources elsewhere: {elsewhere}"
    assert failed == [], f"requests failed: {failed}"


def test_pages_fit_a_phone_screen(browser, portal_url: str) -> None:
    """At 390 px wide a page never runs off the right edge: wide tables scroll inside their
    own container (the national table's last column was cut off)."""
    page = browser.new_page(viewport={"width": 390, "height": 900})
    for path in ("/", "/icb/QMJ?metric=ae_4hr"):
        page.goto(portal_url + path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px wider than a 390px screen"
