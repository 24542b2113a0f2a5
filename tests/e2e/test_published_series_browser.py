"""The SPC, judgement and segmentation layers on a real published series, seen in a browser.

A published-data home built once from the smallest folder that carries England's A&E 4-hour
series: NHS England's 13 monthly A&E CSVs as published (June 2024 to June 2025), the trust
lookups and the ICB population by deprivation decile (linked, not copied, from the shared real
data). Chromium then reads England's SPC chart (a mark per month, December 2024 a special
cause of concern), the judge's sentence, and an ICB's oversight segment.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.e2e.live_portal import serving
from tests.shared_data import REAL

from oversight.home import Home

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
LOOKUPS = (
    "lookup_trust_icb_region_ods.csv",
    "lookup_sicbl22_icb22_nhser22_ons.csv",
    "imd2019_icb22_population_by_decile.csv",
)
CONCERN = "#ed8b00"  # publish.signals.COLOURS[Meaning.CONCERN]
COMMON = "#768692"


@pytest.fixture(scope="session")
def ae_only_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    from oversight.published_demo import build_published

    monthly = REAL / "published" / "ae_monthly"
    if not monthly.is_dir() or not all((REAL / name).is_file() for name in LOOKUPS):
        pytest.skip(f"the published A&E files and lookups are not at {REAL}")
    source = tmp_path_factory.mktemp("ae-source")
    (source / "published" / "ae_monthly").mkdir(parents=True)
    for csv in monthly.glob("*.csv"):
        (source / "published" / "ae_monthly" / csv.name).symlink_to(csv)
    for name in LOOKUPS:
        (source / name).symlink_to(REAL / name)
    home = Home.at(tmp_path_factory.mktemp("ae-home"))
    manifest = build_published(home, source, progress=False)
    assert [s["collection"] for s in manifest["sources"]] == ["ae_sitrep_published"]
    return home


@pytest.fixture(scope="module")
def portal_url(ae_only_home: Home) -> Iterator[str]:
    with serving(ae_only_home) as url:
        yield url


@pytest.fixture(scope="module")
def page(portal_url: str) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=args)
        tab = browser.new_page()
        elsewhere: list[str] = []
        tab.on(
            "request",
            lambda r: None if r.url.startswith(portal_url) else elsewhere.append(r.url),
        )
        yield tab
        assert elsewhere == [], f"the portal asked for resources elsewhere: {elsewhere}"
        browser.close()


def test_englands_ae_series_spc_chart_and_judgement(page: Any, portal_url: str) -> None:
    page.goto(portal_url + "/area/ENG")
    chart = page.locator("[data-testid=chart-ae_4hr] svg")
    assert chart.count() == 1
    # one point mark per month, June 2024 to June 2025, in date order; December 2024 (71.1%,
    # below the lower process limit) is the one special cause, coloured as a concern
    marks = chart.locator("g.mark-symbol path")
    assert marks.count() == 13
    fills = [marks.nth(i).get_attribute("fill") for i in range(13)]
    assert fills[6] == CONCERN
    assert [f for i, f in enumerate(fills) if i != 6] == [COMMON] * 12
    label = chart.get_attribute("aria-label") or ""
    assert "Special cause in 1 month (concern)" in label and "Target 78.0%" in label
    # the national target (78%) is drawn as a rule, the mean and both limits as lines
    assert chart.locator("g.mark-rule.role-mark path, g.mark-rule.role-mark line").count() >= 1
    assert chart.locator("g.mark-line.role-mark path").count() >= 4
    page.click("[data-testid=chart-ae_4hr] ~ details summary")
    december = page.locator("tr[data-period='2024-12'] [data-testid=spc-reading]").first
    assert december.inner_text().startswith("special cause (concern)")
    judgement = page.locator("[data-testid=judgement-ae_4hr]").inner_text()
    assert "75.5% in June 2025" in judgement
    assert "missing the national target of at least 78.0%" in judgement


def test_an_icbs_oversight_segment_from_the_real_series(page: Any, portal_url: str) -> None:
    page.goto(portal_url + "/icb/QMJ")
    segment = page.locator("[data-testid=segment]")
    assert segment.is_visible()
    heading = segment.locator("h2").inner_text()
    assert heading.startswith("Oversight segment ")
    assert heading.removeprefix("Oversight segment ")[:1] in {"1", "2", "3", "4"}
    assert "2025-Q1" in segment.inner_text()
