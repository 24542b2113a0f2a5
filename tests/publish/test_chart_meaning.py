"""Charts: special-cause colours tested against what each point means, plain-English signal
labels, axes kept inside the metric's natural range, and a text alternative on every chart."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import pytest

from oversight.publish.charts import (
    ChartAnnotation,
    SeriesPoint,
    render_svg,
    series_spec,
    spc_alt_text,
    y_domain,
)
from oversight.publish.signals import COLOURS, Meaning, describe_point, meaning, signal_words
from oversight.stats.spc import spc

BLUE, ORANGE, GREY = "#005eb8", "#ed8b00", "#768692"
STEP_DOWN = [50, 51, 49, 50, 52, 48, 50, 51, 49, 50, 40, 39, 41, 40, 38, 40, 39, 41]
ONE_LOW = [50.0, 52.0, 49.0, 51.0, 48.0, 50.0, 53.0, 49.0, 51.0, 47.0, 50.0, 52.0, 30.0]
"""Ordinary months, then one far below the lower process limit."""


def _points(values: Sequence[float], improvement: str) -> list[SeriesPoint]:
    months = [dt.date(2023 + (i // 12), i % 12 + 1, 1) for i in range(len(values))]
    frame = spc(values, improvement=improvement).points
    return [
        SeriesPoint(period=m, value=float(r.y), mean=float(r.mean), lpl=float(r.lpl),
                    upl=float(r.upl), point_type=str(r.point_type),
                    rule=str(r.special_cause_type))
        for m, r in zip(months, frame.itertuples(), strict=True)
    ]


def _symbol_fills(svg: str) -> list[str]:
    """The fill colour of every point symbol Vega drew, in drawing order."""
    block = svg.split('class="mark-symbol', 1)[1].split("</g>", 1)[0]
    return re.findall(r'<path[^>]*fill="(#[0-9a-f]{6})"', block)


@pytest.mark.parametrize(
    ("improvement", "fall_colour"),
    [("decrease", BLUE), ("increase", ORANGE)],
)
def test_a_fall_is_blue_where_lower_is_better_and_orange_where_higher_is(
    improvement: str, fall_colour: str
) -> None:
    points = _points(ONE_LOW, improvement)
    fills = _symbol_fills(render_svg(series_spec(points, title="t", unit="count")))
    assert len(fills) == len(ONE_LOW)
    # the last month fell below the process: special cause, coloured by what it means
    expected = Meaning.IMPROVEMENT if improvement == "decrease" else Meaning.CONCERN
    assert meaning(points[-1].point_type) is expected
    assert points[-1].rule == "Below LCL"
    assert fills[-1] == fall_colour
    # the ordinary months before it are common cause, grey
    assert {meaning(p.point_type) for p in points[:-1]} == {Meaning.COMMON}
    assert set(fills[:-1]) == {GREY}


def test_neutral_metrics_colour_special_cause_purple() -> None:
    points = _points(ONE_LOW, "neutral")
    fills = _symbol_fills(render_svg(series_spec(points, title="t", unit="count")))
    assert fills[-1] == COLOURS[Meaning.NEUTRAL] and set(fills[:-1]) == {GREY}


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("7 Points Below CL", "7 points in a row below the mean"),
        ("6 Points Above CL", "6 points in a row above the mean"),
        ("Above UCL", "above the upper process limit"),
        ("Below LCL", "below the lower process limit"),
        ("7 Point Trend (Increasing)", "7 points in a row going up"),
        ("7 Point Trend (Decreasing)", "7 points in a row going down"),
        ("2 in 3 Above CL", "2 of 3 points close to the upper process limit"),
        ("2 in 3 Below CL", "2 of 3 points close to the lower process limit"),
    ],
)
def test_signal_codes_read_as_plain_english(code: str, words: str) -> None:
    assert signal_words(code) == words


def test_common_cause_has_no_signal_words() -> None:
    assert signal_words("Common Cause") is None and signal_words(None) is None
    assert describe_point("Common Cause", "common_cause") == "common cause"
    assert describe_point("7 Points Below CL", "special_cause_concern") == (
        "special cause (concern): 7 points in a row below the mean"
    )


def test_a_percentage_axis_stays_between_0_and_100() -> None:
    # limits of a near-100% proportion run past 100 and below 0 in XmR arithmetic
    assert y_domain([99.0, 100.0, 140.0, 60.0], "percent") == [60.0 - 4.0, 100.0]
    assert (y_domain([1.0, 0.0, -20.0], "percent") or [-1.0])[0] == 0.0
    assert (y_domain([5.0, -3.0], "count") or [-1.0])[0] == 0.0
    # a unit without a natural range keeps its padded extent (finance can be negative)
    low, _ = y_domain([-5.0, 5.0], "gbp_k") or [0, 0]
    assert low < -5.0


def test_percent_chart_spec_clamps_every_layer_to_the_natural_range() -> None:
    points = [SeriesPoint(dt.date(2024, m, 1), v, mean=90.0, lpl=70.0, upl=110.0,
                          point_type="common_cause") for m, v in ((1, 95.0), (2, 99.0))]
    spec = series_spec(points, title="t", unit="percent", target=95.0)
    domains = {tuple(layer["encoding"]["y"]["scale"]["domain"])
               for layer in spec["layer"] if "y" in layer["encoding"]}
    assert domains == {(68.0, 100.0)}  # 110% upper limit clipped at 100%


def test_chart_svg_is_one_named_image() -> None:
    points = _points(STEP_DOWN, "decrease")
    alt = spc_alt_text(points, what="Waits", unit="count", target=45.0)
    svg = render_svg(series_spec(points, title="Waits", unit="count"), label=alt)
    assert svg.startswith('<svg role="img" aria-label="SPC chart of Waits, 18 months')
    assert svg.count('role="') == 1  # Vega's per-mark roles are gone
    assert "Special cause in 10 months (concern), 8 months (improvement)." in alt
    assert "Target 45." in alt


def test_annotations_and_rebase_segments_are_drawn() -> None:
    points = [SeriesPoint(dt.date(2024, m, 1), float(m), mean=2.0 if m < 4 else 5.0,
                          lpl=0.0, upl=9.0, point_type="common_cause",
                          segment=0 if m < 4 else 1) for m in range(1, 7)]
    notes = [ChartAnnotation(dt.date(2024, 4, 1), "new triage model", "rebase")]
    spec = series_spec(points, title="t", unit="count", annotations=notes)
    mean_layer = next(la for la in spec["layer"] if la["encoding"]["y"].get("field") == "mean")
    assert mean_layer["encoding"]["detail"] == {"field": "segment"}
    svg = render_svg(spec)
    # the note is numbered on the chart (its words go in the list under it)
    assert re.search(r"<text[^>]*>1</text>", svg)
    assert "new triage model" not in svg
    alt = spc_alt_text(points, what="t", unit="count", annotations=notes)
    assert "1 numbered note on the chart, listed below it." in alt


def test_limit_segments_break_where_the_published_mean_changes() -> None:
    from oversight.publish.charts import limit_segments

    assert limit_segments([5.0, 5.0, None, 5.0, 7.5, 7.5, None]) == [0, 0, 0, 0, 1, 1, 1]
    assert limit_segments([None, None]) == [0, 0]


def test_a_trajectory_is_drawn_where_the_target_plans_one() -> None:
    points = [SeriesPoint(dt.date(2024, m, 1), 70.0 + m, trajectory=None if m == 1 else 72.0 + m)
              for m in range(1, 5)]
    spec = series_spec(points, title="t", unit="percent", target=78.0)
    lines = [la for la in spec["layer"] if la["encoding"].get("y", {}).get("field") == "trajectory"]
    assert len(lines) == 1 and lines[0]["mark"]["color"] == "#d5281b"
    plain = series_spec([SeriesPoint(p.period, p.value) for p in points], title="t", unit="percent")
    assert not any(la["encoding"].get("y", {}).get("field") == "trajectory"
                   for la in plain["layer"])


def test_the_first_and_last_months_points_are_drawn_whole_inside_the_plot() -> None:
    """A point centred on the plot's edge is cut in half by the clip; the time axis is padded
    so the first and last months sit inside it by more than a symbol's radius."""
    svg = render_svg(series_spec(_points(STEP_DOWN, "increase"), title="t", unit="count"))
    width = float(re.search(r'class="background" d="M0,0h([0-9.]+)v', svg).group(1))  # type: ignore[union-attr]
    block = svg.split('class="mark-symbol', 1)[1].split("</g>", 1)[0]
    xs = [float(x) for x in re.findall(r'<path[^>]*transform="translate\(([-0-9.]+),', block)]
    radius = (55 / 3.14159) ** 0.5  # the symbol's area is 55 square pixels
    assert len(xs) == len(STEP_DOWN)
    assert min(xs) > radius and max(xs) < width - radius
