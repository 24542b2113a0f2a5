"""The portal in a real browser (Debian's Chromium driven by Playwright), fully offline.

Every request that does not go to the portal on loopback is aborted (and fails the test). Each
page type is checked with axe-core (served from the npm package, injected into the page) for
WCAG 2.2 AA violations, walked with the keyboard alone, and photographed at 1280 and 390 px
wide; the screenshots are saved in the folder oversight.config.screenshots_dir names
($OVERSIGHT_SCREENSHOTS_DIR, else ./test-artefacts/screenshots; the path is printed).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.live_portal import serving

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
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGE_TYPES = {
    "overview": "/",
    "ics": "/icb/QMJ",
    "ics-metric": "/icb/QMJ/ae_4hr",
    "metric": "/metric/ae_4hr?icb=QMJ",
    "metrics": "/metrics",
    "region": "/region/Y56",
    "england": "/england",
    "methodology": "/methodology",
    "downloads": "/downloads",
    "accessibility": "/accessibility",
    "about": "/about",
    "equity": "/equity",
    "not-found": "/no/such/page",
}


@pytest.fixture(scope="module")
def portal_url(demo_home: Home) -> Iterator[str]:
    with serving(demo_home) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def screenshots() -> Path:
    """The screenshot folder from the configuration (oversight.config.screenshots_dir), kept
    after the run so CI can upload it."""
    from oversight.config import screenshots_dir

    where = screenshots_dir()
    where.mkdir(parents=True, exist_ok=True)
    print(f"portal screenshots: {where.resolve()}")
    return where


class Offline:
    """A browser page that may talk to the portal only: anything else is aborted and kept."""

    def __init__(self, browser: Any, portal_url: str, **options: Any) -> None:
        self.page = browser.new_page(**options)
        self.elsewhere: list[str] = []
        self.failed: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.portal_url = portal_url

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.portal_url + "/") or url == self.portal_url:
            route.continue_()
        else:
            self.elsewhere.append(url)
            route.abort()

    def check(self) -> None:
        assert self.elsewhere == [], f"the portal asked for resources elsewhere: {self.elsewhere}"
        assert self.failed == [], f"requests failed: {self.failed}"


def test_overview_to_ics_to_metric_to_region(browser: Any, portal_url: str) -> None:
    tab = Offline(browser, portal_url)
    page = tab.page
    page.goto(portal_url + "/")
    assert page.locator("[data-testid=overview-table] tbody tr").count() == 42
    # the stylesheet applied: NHS blue header, and a real sans-serif font stack, not the
    # browser's serif default
    assert page.eval_on_selector(".nhsuk-header", "e => getComputedStyle(e).backgroundColor") \
        == "rgb(0, 94, 184)"
    font = page.eval_on_selector("body", "e => getComputedStyle(e).fontFamily")
    assert font.lower().startswith("arial") and "serif" in font and "sans-serif" in font
    assert page.locator(".nhsuk-header__logo").count() == 1
    assert "0.2% scale" in page.locator("[data-testid=synthetic-banner]").inner_text()

    page.get_by_role("link", name="North Central London", exact=True).click()
    page.wait_for_url("**/icb/QMJ")
    assert page.locator("[data-testid=scorecard] tbody tr").count() >= 30
    page.locator("[data-testid=scorecard] tr[data-metric=ae_4hr] a").click()
    page.wait_for_url("**/icb/QMJ/ae_4hr")
    chart = page.locator("[data-testid=chart] svg[role=img]")
    assert chart.count() == 1
    # 13 monthly points, coloured by meaning, plus the mean and limit lines
    assert page.locator("[data-testid=chart] svg path.mark-symbol, [data-testid=chart] svg "
                        "g.mark-symbol path").count() >= 13
    assert page.locator("[data-testid=chart] svg g.mark-line path").count() >= 3
    assert page.locator("[data-testid=series-table] tbody tr").count() == 13

    page.get_by_role("link", name="Compare every ICS on this metric").click()
    page.wait_for_url("**/metric/ae_4hr?icb=QMJ")
    assert page.locator("[data-testid=funnel] svg[role=img]").count() == 1
    assert page.locator("[data-testid=multiples] svg[role=img]").count() == 1
    assert page.locator("[data-testid=league-table] tbody tr").count() == 42
    assert page.locator("[data-testid=league-table] tr.app-highlight[data-icb=QMJ]").count() == 1

    page.get_by_role("link", name="England and regions").click()
    page.wait_for_url("**/england")
    page.get_by_role("link", name="London", exact=True).click()
    page.wait_for_url("**/region/Y56")
    assert "London" in page.locator("h1").inner_text()
    assert page.locator("[data-testid=members] a").count() == 5
    tab.check()


def test_highlight_my_ics_by_name(browser: Any, portal_url: str) -> None:
    tab = Offline(browser, portal_url)
    page = tab.page
    page.goto(portal_url + "/")
    page.fill("#highlight", "Cornwall")
    page.get_by_role("button", name="Highlight").click()
    page.wait_for_url("**highlight=Cornwall**")
    marked = page.locator("tr[data-highlighted=true]")
    assert marked.count() == 1 and marked.get_attribute("data-icb") == "QT6"
    tab.check()


def test_overview_sorts_by_a_metric(browser: Any, portal_url: str) -> None:
    tab = Offline(browser, portal_url)
    page = tab.page
    page.goto(portal_url + "/")
    page.locator("[data-testid=overview-table] thead a").nth(2).click()
    page.wait_for_url("**sort=**")
    header = page.locator("[data-testid=overview-table] th[aria-sort]")
    assert header.get_attribute("aria-sort") == "ascending"
    tab.check()


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_page_type_has_no_wcag_aa_violations(
    browser: Any, portal_url: str, screenshots: Path, name: str
) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    for width in (1280, 390):
        tab = Offline(browser, portal_url, viewport={"width": width, "height": 900})
        response = tab.page.goto(portal_url + PAGE_TYPES[name])
        assert response is not None
        assert response.status == (404 if name == "not-found" else 200)
        assert "text/html" in response.headers["content-type"]
        tab.page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
        assert (screenshots / f"{name}-{width}.png").stat().st_size > 0
        overflow = tab.page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} is {overflow}px wider than a {width}px screen"
        violations = _axe(tab.page)
        assert violations == [], f"{name} at {width}px: {violations}"
        tab.check()
        tab.page.close()


DESCRIBE = (
    "const all = Array.from(document.querySelectorAll('*'));"
    " const describe = e => e.tagName + '|' + (e.id || e.getAttribute('href')"
    " || e.textContent.trim().slice(0, 40)) + '|' + all.indexOf(e);"
)
"""JavaScript defining describe(element): tag, id/href/text and its place in the document
(two links to "/" are two controls)."""


def _tab_through(page: Any, limit: int = 400) -> list[str]:
    """Press Tab until focus leaves the page; the focused elements' descriptions, in order."""
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; if (!e || e === document.body) return '';"
            f" {DESCRIBE} return describe(e); }}"
        )
        if not focused or (seen and focused == seen[0]):
            break
        seen.append(focused)
    return seen


@pytest.mark.parametrize("path", ["/", "/icb/QMJ", "/icb/QMJ/ae_4hr", "/metric/ae_4hr?icb=QMJ"])
def test_keyboard_reaches_every_control(browser: Any, portal_url: str, path: str) -> None:
    tab = Offline(browser, portal_url)
    page = tab.page
    page.goto(portal_url + path)
    # what sits inside a disclosure is reached once it is opened (Enter on its summary)
    summaries = page.locator("details > summary")
    for i in range(summaries.count()):
        summaries.nth(i).focus()
        page.keyboard.press("Enter")
    assert page.locator("details:not([open])").count() == 0
    # start the Tab order from the top of the page again (a click on the page's margin)
    page.evaluate("() => { document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.mouse.click(2, 2)
    reached = _tab_through(page)
    controls = page.evaluate(
        f"() => {{ {DESCRIBE} return Array.from(document.querySelectorAll('a[href], button,"
        " input:not([type=hidden]), select, summary, textarea')).filter(e =>"
        " e.offsetParent !== null && !e.closest('[hidden]')).map(describe); }"
    )
    assert reached, "Tab focused nothing"
    # (the skip link is checked below, from a fresh page: it is the first Tab stop)
    missing = [c for c in controls if c not in reached and "|#maincontent|" not in c]
    assert missing == [], f"not reachable by keyboard on {path}: {missing[:10]}"
    # the first Tab stop is the skip link, and it moves focus into the main content
    page.goto(portal_url + path)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#maincontent"
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#maincontent"
    tab.check()


def test_unknown_page_is_html_in_the_portal_look(browser: Any, portal_url: str) -> None:
    tab = Offline(browser, portal_url)
    response = tab.page.goto(portal_url + "/icb/ZZZ")
    assert response is not None and response.status == 404
    assert tab.page.locator("h1").inner_text() == "Page not found"
    assert tab.page.locator(".nhsuk-header").count() == 1
    tab.check()
