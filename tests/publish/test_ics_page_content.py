"""The ICS page's "what would move it" (stored by the judge), the ICS × metric page's tables by
group (published results with the judge's comparisons with England), and pounds shown as £k."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge import stage
from oversight.judge.formats import format_value
from oversight.judge.segmentation import artefact
from oversight.judge.segmentation.text import move_sentences
from oversight.metrics import published
from oversight.period import Period
from oversight.publish.web.app import create_app
from oversight.publish.web.views.breakdowns import counted, coverage_sentence, tables
from oversight.publish.web.views.scorecard import ics_page


@pytest.fixture(scope="module")
def client(demo_home: Home) -> TestClient:
    return TestClient(create_app(demo_home), raise_server_exceptions=False)


def _segment_card(html: str) -> str:
    start = html.index('data-testid="segment"')
    return html[start:html.index("</div></div>", start)]


def test_the_ics_page_says_what_would_move_it_from_the_stored_search(
    demo_home: Home, client: TestClient
) -> None:
    where = artefact.current(demo_home)
    assert where is not None
    stored = artefact.read(where, "nof-2022", Period.parse_quarter("2024-Q1"))
    assert stored is not None and stored.moves_searched
    results = {r.org: r for r in stored.results()}
    moved = next(r for r in results.values() if r.moves)  # a demo ICB with a move found
    for code in (moved.org, "QMJ"):
        card = _segment_card(client.get(f"/icb/{code}").text)
        assert "What would move it" in card
        said = move_sentences(results[code])
        assert said  # at least "Nothing computed would move it."
        for sentence in said:
            assert str(escape(sentence)) in card
    assert str(escape(moved.moves[0].sentence)) in _segment_card(
        client.get(f"/icb/{moved.org}").text)


def test_the_ics_metric_page_shows_the_latest_month_by_group(
    demo_home: Home, client: TestClient
) -> None:
    html = client.get("/icb/QMJ/ae_4hr").text
    assert 'id="breakdowns"' in html
    shown = [b.split('"')[0] for b in html.split('data-breakdown="')[1:]]
    assert shown == ["imd_decile", "imd_quintile", "ethnicity_group", "age_band", "sex"]
    version = published(demo_home)
    rows = version.rows(metric="ae_4hr", org="QMJ", breakdown="sex")
    latest = rows[rows["period"] == rows["period"].max()]
    found = stage.latest(demo_home, version.id)
    assert found is not None
    judged = found.frame(org="QMJ", metric="ae_4hr", breakdown="sex")
    sex = html[html.index('data-breakdown="sex"'):]
    sex = sex[:sex.index("</table>")]
    for r in latest.to_dict(orient="records"):
        j = judged[judged["group"] == r["group"]].iloc[0]
        assert f'scope="row" class="nhsuk-table__cell">{r["group"].capitalize()}</th>' in sex
        assert format_value(r["value"], "percent") in sex
        assert (f'{format_value(r["ci_lower"], "percent")} to '
                f'{format_value(r["ci_upper"], "percent")}') in sex
        assert f'{str(j["vs_england"]).capitalize()} <span class="app-note app-nowrap">' \
               f'(England {format_value(j["england"], "percent")})' in sex
    total = version.rows(metric="ae_4hr", org="QMJ", breakdown="total")
    whole = total[total["period"] == total["period"].max()]["denominator"].iloc[0]
    assert (f"Coverage: {whole:,.0f} of {whole:,.0f} A&amp;E attendances (all department types) "
            "(100%) are in a known group.") in html


def test_the_ics_page_links_each_metric_by_group(demo_home: Home, client: TestClient) -> None:
    """Every metric the catalogue breaks down that has a latest figure for the ICS."""
    html = client.get("/icb/QMJ").text
    links = html[html.index('data-testid="breakdown-links"'):]
    links = links[:links.index("</ul>")]
    metrics = load().metrics
    with_groups = [r.metric.id for r in ics_page(demo_home, "QMJ").rows
                   if metrics[r.metric.id].breakdowns and r.value is not None]
    assert len(with_groups) >= 15
    assert links.count("#breakdowns") == len(with_groups)
    for metric_id in with_groups:
        assert f"/icb/QMJ/{metric_id}#breakdowns" in links
    assert "/icb/QMJ/ae_4hr#breakdowns" in links
    assert "/icb/QMJ/finance_vs_plan#" not in links  # finance has no breakdowns


def test_coverage_counts_the_unknown_group_out() -> None:
    metric = load().metrics["ae_4hr"]
    rows = pd.DataFrame([
        {"breakdown": "ethnicity_group", "group": g, "period": pd.Timestamp("2024-04-01").date(),
         "numerator": n, "denominator": d, "value": 100 * n / d, "ci_lower": None,
         "ci_upper": None, "missing_reason": None}
        for g, n, d in (("White", 8, 10), ("Not known", 1, 2), ("Asian", 3, 4))
    ])
    noun = counted(metric, load().data_items)
    assert noun == "A&E attendances (all department types)"
    (table,) = tables(metric, rows, pd.DataFrame(), {"denominator": 16.0, "numerator": 12.0},
                      noun)
    assert [g.group for g in table.groups] == ["Asian", "White", "Not known"]
    assert table.coverage == ("14 of 16 A&E attendances (all department types) (88%) are in a "
                              "known group; 2 not recorded.")
    assert not table.compared
    assert coverage_sentence(0, 0).startswith("No one counted")


def test_pounds_show_as_thousands_of_pounds(client: TestClient) -> None:
    html = client.get("/icb/QMJ/finance_vs_plan").text
    table = html[html.index('data-testid="series-table"'):]
    table = table[:table.index("</table>")]
    cells = table.split('<td class="nhsuk-table__cell app-table-numeric">')[1:]
    numerator, denominator = cells[0], cells[1]
    assert "£" in numerator and "£" in denominator  # actual and planned surplus, in £k


def test_chart_axes_of_pounds_read_in_thousands_of_pounds() -> None:
    """Small multiples have no axis title, so the tick labels carry the unit."""
    import datetime as dt

    from oversight.publish.charts import SeriesPoint, render_svg, series_spec
    from oversight.publish.charts_multiples import multiples_spec

    points = [SeriesPoint(period=dt.date(2024, m, 1), value=v, mean=-5.0, lpl=-30.0, upl=20.0)
              for m, v in ((1, -20.0), (2, 10.0), (3, -5.0))]
    big = render_svg(series_spec(points, title="Finance", unit="gbp_k"), label="finance")
    small = render_svg(multiples_spec({"QMJ": points}, unit="gbp_k", target=None),
                       label="finance")
    for svg in (big, small):
        assert "-£20k" in svg and "£0k" in svg
    assert "£k" in big  # the axis title
    plain = render_svg(series_spec(points, title="Waits", unit="minutes"), label="waits")
    assert "£" not in plain


def test_coverage_says_what_was_counted() -> None:
    """The noun is the denominator's item, else the numerator's, lower-cased unless it opens
    with an abbreviation."""
    catalogue = load()
    assert counted(catalogue.metrics["ambulance_c2_mean"], catalogue.data_items) == \
        "ambulance incidents responded to in the figure"
    value_metric = next(m for m in catalogue.metrics.values() if m.denominator is None)
    item = catalogue.data_items[value_metric.numerator].description
    assert counted(value_metric, catalogue.data_items).lower() == item.lower()
    assert coverage_sentence(3, 4, "referrals") == \
        "3 of 4 referrals (75%) are in a known group; 1 not recorded."


def test_a_means_coverage_counts_incidents_not_seconds() -> None:
    """A mean's rows hold summed seconds as numerator and incidents as denominator: the
    coverage is in incidents."""
    metric = load().metrics["ambulance_c2_mean"]
    rows = pd.DataFrame([
        {"breakdown": "sex", "group": g, "period": pd.Timestamp("2024-04-01").date(),
         "numerator": secs, "denominator": n, "value": secs / n / 60, "ci_lower": None,
         "ci_upper": None, "missing_reason": None}
        for g, secs, n in (("female", 3000.0, 10.0), ("male", 2400.0, 8.0),
                           ("unknown", 600.0, 2.0))
    ])
    (table,) = tables(metric, rows, pd.DataFrame(), {"numerator": 6000.0, "denominator": 20.0},
                      counted(metric, load().data_items))
    assert table.coverage == ("18 of 20 ambulance incidents responded to in the figure (90%) "
                              "are in a known group; 2 not recorded.")
