"""The portal over a real (small) demo home: pages, JSON API, offline assets."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from oversight.catalogue import load
from oversight.collect import tokens
from oversight.home import Home
from oversight.metrics import published
from oversight.publish.web.app import create_app
from oversight.publish.web.templating import format_month, format_value
from oversight.publish.web.views.context import IcbPage, NationalPage
from oversight.publish.web.views.icb import icb_page
from oversight.publish.web.views.national import national_page


@pytest.fixture(scope="module")
def client(demo_home: Home) -> TestClient:
    return TestClient(create_app(demo_home))


def _latest_icb_values(home: Home, metric: str) -> dict[str, float]:
    frame = published(home).rows(metric=metric)
    frame = frame[frame["org_type"] == "icb"]
    latest = frame["period"].max()
    at = frame[frame["period"] == latest]
    return dict(zip(at["org_code"], at["value"].astype(float), strict=True))


def test_national_page_lists_every_icb_with_its_latest_value(
    client: TestClient, demo_home: Home
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    codes = re.findall(r'data-icb="([A-Z0-9]{3})"', html)
    assert len(codes) == len(set(codes)) == 42
    assert "April 2024" in html  # 13 months from April 2023
    values = _latest_icb_values(demo_home, "ae_4hr")
    assert f"{values['QMJ']:.1f}%" in html


def test_national_page_context_judges_against_the_planning_years_target(demo_home: Home) -> None:
    page = national_page(demo_home, "ae_4hr")
    assert isinstance(page, NationalPage)
    assert len(page.icbs) == 42
    assert page.target is not None
    assert page.target.planning_year == "2024/25"  # April 2024 is in 2024/25
    assert (page.target.value, page.target.comparison) == (78.0, ">=")
    values = _latest_icb_values(demo_home, "ae_4hr")
    assert page.met_count == sum(v >= 78.0 for v in values.values())
    assert page.judged_count == 42
    assert page.england is not None and page.england.value is not None


def test_icb_page_shows_the_monthly_series_and_chart(client: TestClient, demo_home: Home) -> None:
    page = icb_page(demo_home, "QMJ", "ae_4hr")
    assert isinstance(page, IcbPage)
    assert len(page.series) == 13
    assert page.chart_svg.startswith("<svg")
    # the latest figure is traced to the revisions it was computed from
    assert page.latest_revisions
    assert all("QMJ" in r for r in page.latest_revisions)
    response = client.get("/icb/QMJ?metric=ae_4hr")
    assert response.status_code == 200
    assert response.text.count('<tr class="nhsuk-table__row">') >= 13
    assert "<svg" in response.text
    # lineage is summarised for people (the ids stay in the JSON API)
    assert page.lineage is not None and page.lineage.count == len(page.latest_revisions)
    assert page.lineage.sentence in response.text
    assert page.latest_revisions[0] not in response.text
    # the judge's three judgements of the latest figure, against the target standing then
    judged = page.judgement
    assert page.target is not None and judged is not None
    assert judged.change.target is not None and page.latest is not None
    assert page.target.id == judged.change.target.id == "2024-25-UEC1"  # 2024/25: 78%
    assert judged.subject.period == page.latest.period
    for words in (
        judged.change_sentence,
        judged.position_sentence,
        judged.target_sentence,
        judged.summary,
    ):
        assert str(escape(words)) in response.text
    assert f"assurance: {judged.change.assurance}" in response.text
    assert client.get("/api/v1/organisations/QMJ/metrics/ae_4hr/judgement").json() == (
        judged.to_dict()
    )


def test_icb_series_table_shows_each_months_published_figures(
    client: TestClient, demo_home: Home
) -> None:
    """Each row's cells are that month's numerator, denominator and value from results()."""
    html = client.get("/icb/QMJ?metric=ae_4hr").text
    table = html.split('data-testid="series-table"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody", 1)[1]
    rows = [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    ]
    rows_out = published(demo_home).rows(metric="ae_4hr", org="QMJ", breakdown="total")
    rows_out = rows_out.sort_values("period", ascending=False)
    expect = [
        [
            format_month(p.period),
            format_value(p.numerator, "count"),
            format_value(p.denominator, "count"),
            format_value(p.value, "percent"),
        ]
        for p in rows_out.itertuples()
    ]
    assert len(rows) == len(expect) == 13
    assert [r[:4] for r in rows] == expect
    # the value (a percentage) differs from the numerator (a count) in every month
    assert all(r[1] != r[3].rstrip("%") for r in rows)


@pytest.mark.parametrize("url", ["/icb/ZZZ", "/?metric=no_such_metric", "/icb/QMJ?metric=nope"])
def test_unknown_organisation_or_metric_is_404(client: TestClient, url: str) -> None:
    assert client.get(url).status_code == 404


def test_every_catalogue_metric_renders(client: TestClient) -> None:
    for metric_id in load().metrics:
        assert client.get(f"/?metric={metric_id}").status_code == 200, metric_id


def test_api_latest_matches_published_results(client: TestClient, demo_home: Home) -> None:
    body = client.get("/api/v1/metrics/ae_4hr/latest").json()
    assert body["period"] == "2024-04-01"
    values = _latest_icb_values(demo_home, "ae_4hr")
    got = {o["code"]: o["value"] for o in body["organisations"]}
    assert got == pytest.approx(values)
    assert {o["status"] for o in body["organisations"]} <= {"met", "missed"}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/metrics/no_such_metric/latest",
        "/api/v1/organisations/QMJ/metrics/no_such_metric",
        "/api/v1/organisations/QQQ/metrics/ae_4hr",
    ],
)
def test_api_unknown_metric_or_organisation_is_404_in_plain_words(
    client: TestClient, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "no_such_metric" in detail or "QQQ" in detail
    assert "Traceback" not in detail and "Error" not in detail


def test_api_series_returns_every_month(client: TestClient) -> None:
    body = client.get("/api/v1/organisations/QMJ/metrics/ae_4hr").json()
    assert [p["period"][:7] for p in body["points"]][:2] == ["2023-04", "2023-05"]
    assert len(body["points"]) == 13
    assert client.get("/api/v1/organisations/QQQ/metrics/ae_4hr").status_code == 404


@pytest.mark.parametrize(
    ("period", "months"),
    [
        ("2023-06", ["2023-06"]),
        ("2023-Q3", ["2023-07", "2023-08", "2023-09"]),
        ("2024-Q1", ["2024-01", "2024-02", "2024-03"]),
        ("2023/24", [f"2023-{m:02d}" for m in range(4, 13)] + ["2024-01", "2024-02", "2024-03"]),
        ("2024/25", ["2024-04"]),
        ("2022-01", []),
    ],
)
def test_api_series_keeps_the_months_of_a_period(
    client: TestClient, period: str, months: list[str]
) -> None:
    url = f"/api/v1/organisations/QMJ/metrics/ae_4hr?period={period}"
    body = client.get(url).json()
    assert [p["period"][:7] for p in body["points"]] == months


@pytest.mark.parametrize("period", ["March", "0000-01", "2024-13", "2024-6", "2025/27", ""])
def test_api_series_answers_a_bad_period_with_400_and_the_message(
    client: TestClient, period: str
) -> None:
    response = client.get("/api/v1/organisations/QMJ/metrics/ae_4hr", params={"period": period})
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"period must look like 2024-06, 2025-Q3 or 2025/26; got {period!r}"
    )


def test_pages_and_assets_need_no_internet(client: TestClient) -> None:
    html = client.get("/").text + client.get("/icb/QMJ").text
    # every link and asset is served by the portal itself, by path
    external = re.findall(r'(?:src|href|action)="((?:https?:)?//[^"]+)"', html)
    assert external == []
    assert '<link rel="stylesheet" href="/static/build/portal.css">' in html
    css = client.get("/static/build/portal.css")
    assert css.status_code == 200
    assert "assets.nhs.uk" not in css.text
    assert "https://" not in css.text
    assert client.get("/static/nhsuk/nhsuk-frontend.min.js").status_code == 200


def test_submission_api_is_served_and_needs_a_token(client: TestClient) -> None:
    response = client.get("/api/v1/submissions/1")
    assert response.status_code == 401
    assert "/api/v1/submissions" in client.get("/api/openapi.json").json()["paths"]


def test_submission_api_works_on_the_apps_own_home(client: TestClient, demo_home: Home) -> None:
    token = tokens.create("pages-test", "QMJ", engine=demo_home.database())
    response = client.get("/api/v1/submissions/none", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404  # the token was found in this home's database
