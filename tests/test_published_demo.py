"""A home built from NHS England's published statistics (`oversight demo --data published`):
the published headline figures through the results API, regions and merged ICBs adding up to
their members, SPC and judgements on the real series, and the portal in a browser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from tests.e2e.live_portal import serving
from tests.shared_data import REAL

from oversight.home import Home

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    from oversight.published_demo import build_published

    if not (REAL / "published" / "ae_monthly").is_dir():
        pytest.skip(f"the published files are not at {REAL}")
    home = Home.at(tmp_path_factory.mktemp("published-home"))
    build_published(home, REAL, progress=False)
    return home


@pytest.fixture(scope="module")
def client(published_home: Home) -> TestClient:
    from oversight.publish.web.app import create_app

    return TestClient(create_app(published_home))


def _point(client: TestClient, org: str, metric: str, month: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/organisations/{org}/metrics/{metric}?period={month}")
    assert response.status_code == 200, response.text
    points = response.json()["points"]
    assert len(points) == 1
    return dict(points[0])


def test_england_headline_figures_through_the_results_api(client: TestClient) -> None:
    june = _point(client, "ENG", "ae_4hr", "2024-06")
    assert round(june["value"], 1) == 74.6 and june["denominator"] == 2_294_065
    assert round(_point(client, "ENG", "ae_4hr", "2024-12")["value"], 1) == 71.1
    waiting = _point(client, "ENG", "rtt_waiting_list", "2026-04")
    assert waiting["value"] == 7_123_980
    assert round(_point(client, "ENG", "rtt_18wk", "2026-04")["value"], 1) == 64.9
    assert june["missing_reason"] is None and june["revisions"].startswith("lin-")
    judged = client.get("/api/v1/organisations/ENG/metrics/ae_4hr/judgement?period=2024-12")
    assert judged.status_code == 200, judged.text
    assert "71.1%" in judged.json()["summary"]


def _lake(home: Home, dataset: str) -> pd.DataFrame:
    frames = [pd.read_parquet(p) for p in sorted((home.lake_dir / dataset).glob("*/*.parquet"))]
    frame = pd.concat(frames, ignore_index=True)
    frame["period"] = pd.to_datetime(frame["period"]).dt.date.astype(str)
    return frame


def test_a_region_adds_up_to_its_icbs_and_its_providers_without_an_icb(
    published_home: Home, client: TestClient
) -> None:
    from oversight.catalogue import load

    catalogue = load()
    june = pd.Timestamp("2024-06-01").date()
    london = [
        i.code for i in catalogue.icbs_on(june) if catalogue.region_of(i.code, june).code == "Y56"
    ]
    icbs = [_point(client, code, "ae_4hr", "2024-06") for code in london]
    rows = _lake(published_home, "ae_sitrep_providers")
    no_icb = rows[
        (rows["period"] == "2024-06-01") & (rows["region_code"] == "Y56") & rows["icb_code"].isna()
    ]
    region = _point(client, "Y56", "ae_4hr", "2024-06")
    assert len(london) == 5 and len(no_icb) > 0
    assert (
        region["denominator"] == sum(p["denominator"] for p in icbs) + no_icb["attendances"].sum()
    )
    assert (
        region["numerator"]
        == sum(p["numerator"] for p in icbs) + no_icb["attendances_within_4_hours"].sum()
    )
    regions = [_point(client, r, "ae_4hr", "2024-06") for r in catalogue.regions]
    assert sum(p["denominator"] for p in regions) == 2_294_065  # England, every provider


def test_a_merged_icb_adds_up_to_its_providers_and_its_trusts_sat_in_its_predecessors_before(
    published_home: Home, client: TestClient
) -> None:
    rows = _lake(published_home, "rtt_providers")
    mine = rows[rows["icb_code"] == "Z9B2Z"]
    merged = _point(client, "Z9B2Z", "rtt_waiting_list", "2026-04")
    assert merged["value"] == mine["waiting"].sum() > 400_000
    assert (
        _point(client, "Z9B2Z", "rtt_over_52wk", "2026-04")["value"]
        == mine["waiting_over_52_weeks"].sum()
    )
    # UCLH (RRV) is in Z9B2Z from April 2026 and in North Central London (QMJ) before
    ae = _lake(published_home, "ae_sitrep_providers")
    assert set(ae.loc[ae["ods_code"] == "RRV", "icb_code"]) == {"QMJ"}
    provider = _point(client, "RRV", "rtt_waiting_list", "2026-04")
    assert provider["value"] == rows.loc[rows["ods_code"] == "RRV", "waiting"].sum()


def test_spc_and_judgements_run_on_the_real_series(published_home: Home) -> None:
    from oversight.judge.stage import latest
    from oversight.metrics.results import current

    version = current(published_home)
    assert version is not None
    stats = version.statistics()
    assert stats is not None
    england = stats[
        (stats["metric_id"] == "ae_4hr")
        & (stats["org_code"] == "ENG")
        & (stats["breakdown"] == "total")
    ]
    assert england["spc_mean"].notna().sum() == 13  # June 2024 to June 2025
    assert 72 < float(england["spc_mean"].dropna().iloc[0]) < 76
    judged = latest(published_home)
    assert judged is not None
    rows = judged.frame(metric="ae_4hr")
    icb_rows = rows[(rows["org_code"] == "QMJ")]
    assert len(icb_rows) >= 13 and icb_rows["national_status"].notna().any()


def test_the_portal_says_which_figures_are_real_and_which_metrics_have_none(
    client: TestClient,
) -> None:
    home = client.get("/")
    assert "published statistics (real data)" in home.text
    sources = client.get("/sources")
    assert sources.status_code == 200
    assert "A&amp;E Attendances and Emergency Admissions" in sources.text
    assert "Referral to Treatment waiting times" in sources.text
    without = sources.text.split('data-testid="metrics-without-data"')[1]
    assert "GP appointments" in without and "A&amp;E: seen within 4 hours" not in without


def test_provider_page_and_waiting_times_by_provider_and_specialty(client: TestClient) -> None:
    page = client.get("/provider/RRV")
    assert page.status_code == 200
    assert "UNIVERSITY COLLEGE LONDON HOSPITALS" in page.text
    assert 'data-testid="value-ae_4hr"' in page.text and "rtt_waiting_list" in page.text
    assert client.get("/provider/NOPE").status_code == 404
    assert client.get("/provider/ENG").status_code == 404
    england = client.get("/area/ENG")
    assert england.status_code == 200 and 'data-testid="chart-ae_4hr"' in england.text
    assert 'data-testid="judgement-ae_4hr"' in england.text
    assert client.get("/area/RRV").status_code == 404
    # April 2026 is in the merged configuration: the national page lists the merged ICBs
    national = client.get("/?metric=rtt_waiting_list")
    assert 'data-icb="Z9B2Z"' in national.text and 'data-icb="QMJ"' not in national.text
    assert national.text.count("data-icb=") == 36
    assert "489,050" in client.get("/icb/Z9B2Z?metric=rtt_waiting_list").text
    waits = client.get("/waiting-times?icb=Z9B2Z&specialty=C_110")
    assert waits.status_code == 200
    assert 'data-specialty="C_110"' in waits.text and 'data-specialty="C_120"' not in waits.text
    assert 'data-provider="RRV"' in waits.text
    found = client.get("/waiting-times?q=moorfields")
    assert 'data-provider="RP6"' in found.text and 'data-provider="RRV"' not in found.text
    assert client.get("/waiting-times?icb=NOPE").status_code == 404
    assert client.get("/waiting-times?specialty=C_000").status_code == 404



@pytest.fixture(scope="module")
def portal_url(published_home: Home) -> Iterator[str]:
    with serving(published_home) as url:
        yield url


@pytest.mark.browser
def test_published_portal_in_a_browser(portal_url: str) -> None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=args)
        page = browser.new_page()
        elsewhere: list[str] = []
        page.on(
            "request", lambda r: None if r.url.startswith(portal_url) else elsewhere.append(r.url)
        )
        page.goto(portal_url + "/")
        assert page.locator("[data-testid=overview-table]").is_visible()
        assert page.locator("[data-testid=published-note]").is_visible()
        # an ICB's real series: the SPC chart and the judgement on its page
        page.goto(portal_url + "/icb/QMJ/ae_4hr")
        assert page.locator("[data-testid=chart] svg").count() == 1
        assert "June 2025" in page.locator("[data-testid=judgement-summary]").inner_text()
        page.click("[data-testid=published-note] a")
        page.wait_for_selector("[data-testid=sources-table]")  # the new page, not only its URL
        assert page.url.endswith("/sources")
        assert page.locator("[data-testid=sources-table] tbody tr").count() == 5
        # England's real 13 months: the SPC chart and the judge's reading of June 2025
        page.click("[data-testid=england-link]")
        page.wait_for_selector("[data-testid=chart-ae_4hr]")
        assert page.url.endswith("/area/ENG")
        assert page.locator("[data-testid=chart-ae_4hr] svg").count() == 1
        assert "75.5% in June 2025" in page.locator("[data-testid=judgement-ae_4hr]").inner_text()
        assert page.locator("[data-testid=value-rtt_waiting_list]").inner_text() == "7,123,980"
        page.goto(portal_url + "/waiting-times")
        page.select_option("#icb", "Z9B2Z")
        page.select_option("#specialty", "C_110")
        page.click("[data-testid=waiting-search] button[type=submit]")
        page.wait_for_url("**specialty=C_110**")
        assert "icb=Z9B2Z" in page.url and "specialty=C_110" in page.url
        assert page.locator("[data-testid=specialty-table] tr[data-specialty=C_110]").count() == 1
        assert page.locator("[data-testid=specialty-note]").is_visible()
        page.locator("[data-testid=provider-table] tr[data-provider=RRV] a").click()
        page.wait_for_selector("[data-testid=provider-name]")
        assert (
            page.locator("[data-testid=provider-name]")
            .inner_text()
            .startswith("UNIVERSITY COLLEGE LONDON")
        )
        assert page.locator("[data-testid=value-ae_4hr]").inner_text() == "73.9%"
        assert elsewhere == []
        browser.close()


def test_segmentation_runs_on_the_real_series(published_home: Home) -> None:
    import json

    from typer.testing import CliRunner

    from oversight.cli import app

    result = CliRunner().invoke(
        app,
        ["segment", "--home", str(published_home.root), "--period", "2025-Q1", "--json"],
    )
    assert result.exit_code == 0, result.output
    segments = json.loads(result.output)
    assert len(segments) == 42
    assert {s["segment"] for s in segments} <= {1, 2, 3, 4}


def test_coverage_counts_the_icbs_of_each_metrics_own_month(client: TestClient) -> None:
    """A&E's latest month (June 2025) is before the April 2026 mergers: 42 ICBs, not the 36
    of RTT's April 2026 (Frimley, QNQ, was split and has no commissioner in the extract, so it
    is no ICB that month and its RTT counts are not shown as 0). A metric no published source
    feeds says so instead of "0 of 36 ICBs have data"."""
    overview = client.get("/").text
    coverage = overview.split('data-testid="coverage"')[1].split("</ul>")[0]
    assert "A&amp;E: seen within 4 hours (June 2025): All 42 ICBs have data." in coverage
    assert "Waiting 18 weeks or less for treatment (April 2026): All 36 ICBs have data." in coverage
    assert "of 36 ICBs" not in coverage and "0 of" not in coverage
    unpublished = coverage.split("Dementia diagnosis rate (65+)")[1].split("</li>")[0]
    assert 'no published data</span> for this measure (<a href="/sources">' in unpublished
    assert 'data-icb="QNQ"' not in client.get("/?metric=rtt_waiting_list").text
    judged = client.get("/area/ENG").text.split('data-testid="judgement-rtt_18wk"')[1]
    assert "(England)" in judged.split("</p>")[0] and "partial" not in judged.split("</p>")[0]


def test_england_and_regions_are_published_totals_of_provider_sources(
    published_home: Home,
) -> None:
    """England's and a region's figures from a provider-level source count every provider
    (those with no ICB too), so they are NHS England's published totals whatever the ICB-level
    coverage; an ICB's, or a figure added up from ICB-level returns (cancer), is not."""
    import datetime as dt

    from oversight.published_demo import published_total

    june = dt.date(2024, 6, 1)
    assert published_total(published_home, "ENG", "ae_4hr", june)
    assert published_total(published_home, "Y56", "ae_4hr", june)
    assert not published_total(published_home, "QMJ", "ae_4hr", june)
    assert not published_total(published_home, "Y56", "ae_4hr", dt.date(2023, 6, 1))
    assert not published_total(published_home, "ENG", "cancer_62d", dt.date(2024, 7, 1))


def test_the_published_home_has_peer_groups_from_the_deprivation_file(
    published_home: Home,
) -> None:
    from oversight.judge.stage import deciles_file, latest

    assert deciles_file(published_home) == (
        published_home.reference_dir / "imd2019_icb22_population_by_decile.csv"
    )
    judged = latest(published_home)
    assert judged is not None
    rows = judged.frame(metric="ae_4hr")
    icb = rows[rows["org_code"] == "QMJ"]
    assert icb["peer_rank"].notna().any() and (icb["peer_size"].dropna() > 1).all()


def test_the_portal_shows_the_stored_segments(client: TestClient) -> None:
    """The newest quarter (2025-Q2, NoF 2025/26) segments nobody on published data, so the
    overview and ICS pages show the newest quarter that does: 2025-Q1 under NoF 2022/23."""
    overview = client.get("/").text
    cells = re.findall(r'data-testid="segment-cell">([^<]*)<', overview)
    assert len(cells) == 36 and {c for c in cells if c != "–"} <= {"1", "2", "3", "4"}
    assert sum(c != "–" for c in cells) >= 30  # every ICB but the April 2026 merged ones
    assert 'href="?sort=segment' in overview
    ics = client.get("/icb/QMJ").text
    card = ics.split('data-testid="segment"')[1].split("</div></div>")[0]
    assert "Oversight segment" in card and "2025-Q1" in card


def test_ambulance_response_times_are_stored_per_trust_and_say_so(
    published_home: Home, client: TestClient
) -> None:
    """AmbSYS (August 2017 to January 2021) is stored per ambulance trust: a trust's category 2
    mean is its published total seconds over its incidents, its 90th centile the published
    one; the months predate ICBs, so no ICB, region or England figure, and the portal says so."""
    rows = _lake(published_home, "ambulance_trust_responses")
    assert set(rows["ods_code"]) >= {"RX7", "RRU", "RYF"} and rows["icb_code"].isna().all()
    mean = _point(client, "RX7", "ambulance_c2_mean", "2021-01")
    assert mean["numerator"] == 114_828_291 and mean["denominator"] == 53_780
    assert round(mean["value"] * 60) == 2135  # AmbSYS's published mean, in seconds
    assert mean["sd"] is None and mean["ci_lower"] is None  # totals have no spread
    p90 = _point(client, "RX7", "ambulance_c2_p90", "2021-01")
    assert round(p90["value"] * 60) == 4678 and p90["denominator"] is None
    england = client.get("/api/v1/organisations/ENG/metrics/ambulance_c2_mean?period=2021-01")
    assert england.status_code in (200, 404)
    assert all(p["value"] is None for p in (england.json().get("points") or []))
    sources = client.get("/sources").text
    row = sources.split('data-source="ambulance_published"')[1].split("</tr>")[0]
    assert "Ambulance trusts only: the months predate ICBs" in row and 'href="/provider/RX7"' in row
    overview = client.get("/").text.split('data-testid="coverage"')[1].split("</ul>")[0]
    c2 = overview.split("Ambulance: category 2 mean response")[1].split("</li>")[0]
    assert "Ambulance trusts only" in c2 and "ICBs have data" not in c2
    page = client.get("/provider/RX7")
    assert page.status_code == 200 and "NORTH WEST AMBULANCE SERVICE" in page.text
    assert 'data-testid="chart-ambulance_c2_mean"' in page.text
    assert 'data-testid="provider-level">Ambulance trusts only' in page.text
    assert "(over 53,780 incidents)" in page.text and "counts in its region" not in page.text
