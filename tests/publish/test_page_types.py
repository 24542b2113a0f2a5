"""Every page type of the portal over the small demo home: the NHS.UK look, the synthetic
banner, HTML error pages (JSON for the API), and what each page shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from oversight.catalogue import load
from oversight.home import Home
from oversight.metrics import published
from oversight.publish.web.app import create_app
from oversight.publish.web.templating import STATIC_DIR
from oversight.publish.web.views.overview import overview_page
from oversight.publish.web.views.scorecard import ics_page

PAGES = {
    "/": "How every integrated care system is doing",
    "/metrics": "Metrics",
    "/metric/ae_4hr": "A&amp;E: seen within 4 hours: the integrated care systems",
    "/icb/QMJ": "NHS North Central London Integrated Care Board",
    "/icb/QMJ/ae_4hr": "A&amp;E: seen within 4 hours",
    "/region/Y56": "London",
    "/england": "England",
    "/methodology": "Methodology: how every figure is computed",
    "/downloads": "Downloads and data for machines",
    "/accessibility": "Accessibility statement",
    "/about": "About the data",
}


@pytest.fixture(scope="module")
def client(demo_home: Home) -> TestClient:
    return TestClient(create_app(demo_home), raise_server_exceptions=False)


def _h1(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S)
    assert found, "no h1"
    return found.group(1).strip()


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_type_renders_in_the_nhs_look(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    html = response.text
    assert _h1(html) == PAGES[path]
    assert '<a class="nhsuk-skip-link" href="#maincontent">' in html
    assert 'id="maincontent"' in html
    assert '<footer class="nhsuk-footer"' in html
    # the synthetic demo home says so, with the generator's scale (0.002 → 0.2%)
    assert "generated at 0.2% scale" in html


def test_header_and_footer_reach_every_top_level_page(client: TestClient) -> None:
    html = client.get("/").text
    links = set(re.findall(r'href="(/[^"#?]*)"', html))
    for path in ("/", "/metrics", "/england", "/methodology", "/downloads", "/about",
                 "/accessibility"):
        assert path in links, path
    # ICS and region pages from the overview; metric pages from the metrics list
    assert "/icb/QMJ" in links and "/region/Y56" in links
    assert "/metric/ae_4hr" in client.get("/metrics").text


def test_stylesheet_sets_a_font_stack_and_the_header_has_the_nhs_logo(
    client: TestClient,
) -> None:
    css = client.get("/static/build/portal.css").text
    assert re.search(r'html\{font-family:Arial,"Helvetica Neue",Helvetica,[^}]*sans-serif\}', css)
    assert "@font-face" not in css and "https://" not in css
    if not (STATIC_DIR / "nhsuk" / "nhsuk-logo.svg").exists():
        pytest.fail("the NHS logo was not built: run `npm run build`")
    html = client.get("/").text
    assert '<svg class="nhsuk-header__logo"' in html and 'aria-label="NHS"' in html


@pytest.mark.parametrize("path", ["/no/such/page", "/icb/ZZZ", "/metric/nope", "/region/Y99",
                                  "/icb/QMJ/nope", "/?sort=nonsense"])
def test_unknown_pages_are_html_404s_in_the_portal_look(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert _h1(response.text) == "Page not found"
    assert '<header class="nhsuk-header"' in response.text


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/metrics/nope/latest"])
def test_api_paths_keep_json_errors(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert "detail" in response.json()


def test_a_failure_is_a_500_page_for_people_and_json_for_the_api(demo_home: Home) -> None:
    app = create_app(demo_home)

    async def broken() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/broken", broken)
    app.add_api_route("/api/v1/broken", broken)
    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/broken")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert _h1(page.text) == "Sorry, there is a problem with the service"
    assert "secret internal detail" not in page.text and "Traceback" not in page.text
    api = client.get("/api/v1/broken")
    assert api.status_code == 500 and api.json() == {"detail": "internal error"}


def test_old_national_and_icb_addresses_redirect(client: TestClient) -> None:
    response = client.get("/?metric=rtt_18wk", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == "/metric/rtt_18wk"
    response = client.get("/icb/QMJ?metric=rtt_18wk", follow_redirects=False)
    assert response.headers["location"] == "/icb/QMJ/rtt_18wk"


def test_overview_covers_the_headline_metrics_and_sorts(demo_home: Home) -> None:
    page = overview_page(demo_home)
    catalogue = load()
    assert len(page.rows) == 42
    ids = [c.metric.id for c in page.columns]
    assert "ae_4hr" in ids
    for c in page.columns:
        at = c.period
        standing = [t for t in catalogue.targets.values() if t.metric_id == c.metric.id
                    and t.scope == "national" and t.headline]
        assert standing, c.metric.id
        assert c.coverage.expected == 42 and c.coverage.reported <= 42
        assert at is not None
    i = ids.index("ae_4hr")
    ascending = overview_page(demo_home, sort="ae_4hr", order="asc")
    values = [v for r in ascending.rows if (v := r.cells[i].value) is not None]
    assert values == sorted(values)
    descending = overview_page(demo_home, sort="ae_4hr", order="desc")
    assert descending.rows[0].code == ascending.rows[-1].code
    # every cell is the published figure and the judge's outcomes
    latest = published(demo_home).rows(metric="ae_4hr", org="QMJ", breakdown="total")
    qmj = next(r for r in page.rows if r.code == "QMJ")
    assert qmj.cells[i].value == pytest.approx(float(latest["value"].iloc[-1]))
    assert qmj.cells[i].status in ("met", "missed")


def test_overview_highlights_an_ics_by_name(client: TestClient) -> None:
    html = client.get("/", params={"highlight": "north central london"}).text
    assert re.findall(r'data-icb="([A-Z0-9]{3})" data-highlighted="true"', html) == ["QMJ"]
    assert "highlighted in the table" in html
    missing = client.get("/", params={"highlight": "Atlantis"}).text
    assert "No ICS matches “Atlantis”" in missing


def test_ics_page_is_a_scorecard_of_every_metric(client: TestClient, demo_home: Home) -> None:
    page = ics_page(demo_home, "qmj")
    assert [r.metric.id for r in page.rows] == list(load().metrics)
    ae = next(r for r in page.rows if r.metric.id == "ae_4hr")
    assert ae.summary and len(ae.sentences) == 3
    assert ae.targets and ae.targets[0].scope == "national" and "78.0%" in ae.targets[0].text
    assert ae.lineage is not None and ae.lineage.sentence.startswith("Computed from 1 submission")
    html = client.get("/icb/QMJ").text
    scorecard = html.split('data-testid="scorecard"', 1)[1].split("</table>", 1)[0]
    assert scorecard.count('data-metric="') == len(page.rows)
    assert ae.summary.replace("&", "&amp;") in html
    # without inequality measures or breakdowns the page says so rather than showing empty
    # tables
    if not page.equity and not page.breakdowns:
        assert "No breakdowns by deprivation" in html


def test_metric_page_ranks_every_ics_with_intervals(client: TestClient) -> None:
    html = client.get("/metric/ae_4hr", params={"icb": "QMJ"}).text
    table = html.split('data-testid="league-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("data-icb=") == 42
    assert re.search(r'app-highlight" data-icb="QMJ"', table)
    assert re.search(r"\d+\.\d% to \d+\.\d%", table)  # 95% intervals
    for chart in ("funnel", "multiples"):
        block = html.split(f'data-testid="{chart}"', 1)[1]
        assert '<svg role="img" aria-label="' in block.split("</figure>", 1)[0]
    assert client.get("/metric/ae_4hr", params={"icb": "ZZZ"}).status_code == 404


def test_region_and_england_pages_list_members_and_every_metric(client: TestClient) -> None:
    london = client.get("/region/Y56").text
    assert london.count('data-metric="') == len(load().metrics)
    assert london.count('href="/icb/') == 5
    england = client.get("/england").text
    assert england.count('href="/region/') >= 7


def test_downloads_page_shows_what_exists(client: TestClient) -> None:
    html = client.get("/downloads").text
    assert "/api/v1/metrics/{metric_id}/latest" in html
    routes = {getattr(r, "path", "") for r in client.app.routes}  # type: ignore[attr-defined]
    if "/api/v1/downloads" in routes:
        assert 'href="/api/v1/downloads"' in html
    else:
        assert "Bulk download files are not published by this portal yet" in html


def test_about_page_states_scale_coverage_and_release_times(client: TestClient) -> None:
    html = client.get("/about").text
    assert "synthetic generator at 0.2% scale" in html
    assert "All 42 ICBs have data." in html
    assert "working days after the end of the month" in html


def test_chart_notes_list_the_annotations_of_the_series(
    client: TestClient, demo_home: Home
) -> None:
    from oversight.annotations.annotation_store import annotations_for

    notes = annotations_for(demo_home.database())
    if not notes:
        pytest.skip("this demo planted no annotations")
    note = notes[0]
    html = client.get(f"/icb/{note.org}/{note.metric}").text
    listed = html.split('data-testid="annotations"', 1)[1].split("</ol>", 1)[0]
    assert str(escape(note.text)) in listed


def test_ics_page_shows_the_judges_inequality_measures(
    client: TestClient, demo_home: Home
) -> None:
    from oversight.judge.assessment.inequality_store import inequality

    try:
        frame = inequality(demo_home, org="QMJ", window="12 months")
    except FileNotFoundError:
        pytest.skip("this demo's judgements hold no inequality measures")
    page = ics_page(demo_home, "QMJ")
    assert {e.metric.id for e in page.equity} == set(frame["metric_id"])
    html = client.get("/icb/QMJ").text
    table = html.split('data-testid="equity"', 1)[1].split("</table>", 1)[0]
    measured = next(e for e in page.equity if e.sii is not None)
    row = table.split(f'data-metric="{measured.metric.id}"', 1)[1].split("</tr>", 1)[0]
    assert measured.sii is not None
    shown = f"{measured.sii[0]:,.1f}"
    assert shown in row


@pytest.mark.parametrize("damage", ["missing", "unreadable"])
def test_overview_without_readable_judgements_shows_the_figures_and_says_so(
    demo_home: Home, tmp_path: Path, damage: str
) -> None:
    import shutil

    from tests.publish.publish_support import copy_home

    from oversight.judge.stage import latest

    home = copy_home(demo_home, tmp_path / "home")
    found = latest(home)
    assert found is not None
    if damage == "missing":
        shutil.rmtree(found.path)
    else:
        for part in found.path.rglob("*.parquet"):
            part.write_bytes(b"not parquet")
    page = TestClient(create_app(home)).get("/")
    assert page.status_code == 200, page.text
    assert 'data-testid="no-judgements"' in page.text
    assert "Judgements are not available" in page.text
    assert 'data-testid="overview-table"' in page.text and "A&amp;E" in page.text
    assert 'data-testid="no-judgements"' not in TestClient(create_app(demo_home)).get("/").text
