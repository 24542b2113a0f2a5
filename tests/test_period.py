"""Period: months, calendar quarters and planning years; one parser, one message."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import oversight.period as period_module
from oversight.period import Kind, Period, PeriodError, parse

months = st.builds(Period.month, st.integers(1, 9999), st.integers(1, 12))
quarters = st.builds(Period.quarter, st.integers(1, 9999), st.integers(1, 4))
planning_years = st.builds(Period.planning_year, st.integers(1, 9998))
periods = st.one_of(months, quarters, planning_years)


# --- the three shapes ------------------------------------------------------------------------


def test_a_month_runs_from_its_first_to_its_last_day() -> None:
    june = Period.parse_month("2024-06")
    assert june.kind is Kind.MONTH
    assert (june.start, june.end) == (dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    assert Period.parse_month("2024-02").end == dt.date(2024, 2, 29)
    assert Period.parse_month("2023-02").end == dt.date(2023, 2, 28)
    assert Period.parse_month("2024-12").end == dt.date(2024, 12, 31)


def test_a_quarter_is_a_calendar_quarter_numbered_also_in_its_planning_year() -> None:
    q3 = Period.parse_quarter("2025-Q3")
    assert (q3.start, q3.end) == (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    assert [str(m) for m in q3.months()] == ["2025-07", "2025-08", "2025-09"]
    assert q3.planning_quarter == 2  # July to September is Q2 of 2025/26
    assert str(q3.to(Kind.PLANNING_YEAR)) == "2025/26"
    q1 = Period.quarter(2026, 1)
    assert (q1.start, q1.end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert q1.planning_quarter == 4 and str(q1.to(Kind.PLANNING_YEAR)) == "2025/26"
    assert Period.parse_month("2025-04").planning_quarter == 1


def test_a_planning_year_runs_april_to_march() -> None:
    year = Period.parse_planning_year("2025/26")
    assert (year.start, year.end) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert len(year.months()) == 12 and str(year.months()[-1]) == "2026-03"
    assert str(Period.parse_planning_year("1999/00")) == "1999/00"
    assert Period.parse_planning_year("1999/00").end == dt.date(2000, 3, 31)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2024, 3, 31), "2023/24"),
        (dt.date(2024, 4, 1), "2024/25"),
        (dt.date(2025, 1, 15), "2024/25"),
        (dt.date(1999, 12, 1), "1999/00"),
    ],
)
def test_the_planning_year_of_a_day(day: dt.date, year: str) -> None:
    assert str(Period.of(day, Kind.PLANNING_YEAR)) == year
    assert str(Period.of(day).to(Kind.PLANNING_YEAR)) == year


def test_the_any_kind_parser_tells_the_shapes_apart() -> None:
    assert Period.parse("2024-06") == Period.month(2024, 6)
    assert Period.parse("2025-Q3") == Period.quarter(2025, 3)
    assert Period.parse("2025-q3") == Period.quarter(2025, 3)
    assert Period.parse("2025/26") == Period.planning_year(2025)
    assert Period.parse("  2024-06\t") == Period.month(2024, 6)


# --- bad input: one message ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "March",
        "0000-01",
        "2024-13",
        "2024-00",
        "2024-6",
        "24-06",
        "2024-06-01",
        "2024/06",
        "2024-06x",
        "2024 -06",
        "2024-06\n1",
        "２０２４-06",  # full-width digits are not ASCII digits
        "",
        "   ",
        "2025-Q3",
        "2025/26",
    ],
)
def test_a_bad_month_gets_the_message(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Period.parse_month(text)
    assert str(caught.value) == f"period must look like 2024-06; got {text!r}"


@pytest.mark.parametrize("text", ["2025-Q0", "2025-Q5", "2025-Q", "0000-Q1", "2025-07", "Q3"])
def test_a_bad_quarter_names_the_quarter_shape(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Period.parse_quarter(text)
    assert str(caught.value) == f"period must look like 2025-Q3; got {text!r}"


@pytest.mark.parametrize("text", ["2025/27", "2025/2026", "2025-26", "0000/01", "9999/00"])
def test_a_bad_planning_year_names_the_planning_year_shape(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        Period.parse_planning_year(text)
    assert str(caught.value) == f"period must look like 2025/26; got {text!r}"


def test_the_any_kind_parser_names_every_shape() -> None:
    with pytest.raises(PeriodError) as caught:
        Period.parse("March")
    assert str(caught.value) == "period must look like 2024-06, 2025-Q3 or 2025/26; got 'March'"
    with pytest.raises(PeriodError, match=r"2025-Q3 or 2025/26; got '2024-06'"):
        parse("2024-06", Kind.QUARTER, Kind.PLANNING_YEAR)


def test_the_message_shortens_a_huge_input_and_names_a_non_text_one() -> None:
    with pytest.raises(PeriodError) as caught:
        Period.parse_month("9" * 10_000)
    assert len(str(caught.value)) < 100 and str(caught.value).endswith("...'")
    with pytest.raises(PeriodError, match=r"got 202406$"):
        Period.parse_month(202406)  # type: ignore[arg-type]


def test_a_period_error_is_a_value_error() -> None:
    assert issubclass(PeriodError, ValueError)


def test_constructors_refuse_what_the_parser_refuses() -> None:
    for build in (
        lambda: Period.month(2024, 13),
        lambda: Period.month(0, 1),
        lambda: Period.quarter(2024, 5),
        lambda: Period.planning_year(9999),
        lambda: Period(Kind.QUARTER, 2024 * 12 + 1),  # February cannot start a quarter
        lambda: Period(Kind.PLANNING_YEAR, 2024 * 12),  # nor January a planning year
    ):
        with pytest.raises(PeriodError):
            build()


# --- dates and conversions -------------------------------------------------------------------


def test_a_date_datetime_or_timestamp_gives_its_month() -> None:
    june = Period.month(2024, 6)
    assert Period.of(dt.date(2024, 6, 30)) == june
    assert Period.of(dt.datetime(2024, 6, 1, 23, 59)) == june
    assert Period.of(pd.Timestamp("2024-06-15")) == june
    with pytest.raises(PeriodError):
        Period.of("2024-06")  # type: ignore[arg-type]


def test_month_of_takes_a_month_a_day_or_text_and_nothing_longer() -> None:
    june = Period.month(2024, 6)
    assert Period.month_of(june) is june
    assert Period.month_of(dt.date(2024, 6, 9)) == june
    assert Period.month_of("2024-06") == june
    with pytest.raises(PeriodError, match="period must look like 2024-06; got '2024-Q2'"):
        Period.month_of(Period.quarter(2024, 2))


def test_a_longer_period_contains_its_days_and_shorter_periods() -> None:
    year = Period.planning_year(2024)
    assert dt.date(2025, 3, 31) in year and dt.date(2025, 4, 1) not in year
    assert dt.datetime(2024, 4, 1, 0, 0) in year
    assert Period.month(2024, 4) in year and Period.quarter(2025, 1) in year
    assert Period.quarter(2024, 1) not in year and "2024-06" not in year
    with pytest.raises(PeriodError):
        Period.quarter(2024, 1).to(Kind.MONTH)


# --- order and arithmetic --------------------------------------------------------------------


def test_months_step_across_years() -> None:
    december = Period.month(2024, 12)
    assert str(december.next()) == "2025-01"
    assert str(Period.month(2025, 1).previous()) == "2024-12"
    assert str(december + 14) == "2026-02" and str(14 + december) == "2026-02"
    assert str(december - 12) == "2023-12"
    assert Period.month(2026, 2) - december == 14
    assert december - Period.month(2026, 2) == -14
    assert [str(m) for m in Period.month(2024, 11).through(Period.month(2025, 2))] == [
        "2024-11",
        "2024-12",
        "2025-01",
        "2025-02",
    ]
    assert december.through(december.previous()) == []


def test_quarters_and_planning_years_step_by_their_own_length() -> None:
    assert str(Period.quarter(2025, 4).next()) == "2026-Q1"
    assert Period.quarter(2026, 1) - Period.quarter(2024, 2) == 7
    assert str(Period.planning_year(2025).next()) == "2026/27"
    assert str(Period.planning_year(2099).next()) == "2100/01"


def test_steps_beyond_the_calendar_are_refused() -> None:
    with pytest.raises(PeriodError, match="between 0001-01 and 9999-12"):
        Period.month(9999, 12).next()
    with pytest.raises(PeriodError):
        Period.month(1, 1).previous()


def test_only_periods_of_one_kind_are_ordered() -> None:
    assert Period.month(2024, 6) < Period.month(2024, 7) <= Period.month(2024, 7)
    assert sorted([Period.month(2025, 1), Period.month(2024, 12)])[0] == Period.month(2024, 12)
    assert max(Period.parse("2024/25"), Period.parse("2023/24")) == Period.parse("2024/25")
    with pytest.raises(TypeError, match="a month and a quarter cannot be compared"):
        _ = Period.month(2024, 6) < Period.quarter(2024, 3)
    with pytest.raises(TypeError):
        _ = Period.month(2024, 6) - Period.planning_year(2024)
    assert Period.month(2024, 4) != Period.planning_year(2024)
    assert Period.month(2024, 6) != "2024-06"


def test_periods_are_values() -> None:
    assert {Period.parse("2024-06"), Period.month(2024, 6)} == {Period.month(2024, 6)}
    with pytest.raises(AttributeError):
        Period.month(2024, 6).ordinal = 0  # type: ignore[misc]


# --- properties ------------------------------------------------------------------------------


@given(periods)
def test_text_and_repr_round_trip(period: Period) -> None:
    assert Period.parse(str(period)) == period
    assert eval(repr(period)) == period


@given(periods)
def test_a_period_is_its_months_end_to_end(period: Period) -> None:
    inside = period.months()
    assert inside[0].start == period.start and inside[-1].end == period.end
    assert all(b.start - a.end == dt.timedelta(days=1) for a, b in itertools.pairwise(inside))
    assert all(m in period and m.to(period.kind) == period for m in inside)


@given(months, st.integers(-500, 500))
def test_adding_then_subtracting_months(month: Period, steps: int) -> None:
    try:
        moved = month + steps
    except PeriodError:
        return  # off either end of the calendar
    assert moved - month == steps and moved - steps == month
    assert (moved > month) == (steps > 0)
    assert moved.start.year * 12 + moved.start.month == (
        month.start.year * 12 + month.start.month + steps
    )


@given(months)
def test_the_next_month_starts_the_day_after_this_one_ends(month: Period) -> None:
    if month == Period.month(9999, 12):
        return
    assert month.next().start == month.end + dt.timedelta(days=1)
    assert month.next().previous() == month


@given(st.dates(min_value=dt.date(1, 4, 1), max_value=dt.date(9999, 3, 31)))
def test_every_day_lies_in_its_month_quarter_and_planning_year(day: dt.date) -> None:
    for kind in Kind:
        assert day in Period.of(day, kind)
    month = Period.of(day)
    year = Period.of(day, Kind.PLANNING_YEAR)
    assert year.start == dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)
    assert month in Period.of(day, Kind.QUARTER) and month.to(Kind.QUARTER) in year


@given(st.text(max_size=12))
def test_any_text_parses_or_fails_with_the_message(text: str) -> None:
    try:
        period = Period.parse(text)
    except PeriodError as error:
        assert str(error).startswith("period must look like 2024-06, 2025-Q3 or 2025/26; got ")
    else:
        assert str(period) == text.strip().replace("q", "Q")


def test_importing_it_loads_no_heavy_library() -> None:
    code = (
        "import sys, oversight.period as p; "
        "print(sorted(m for m in ('pandas', 'ibis', 'duckdb', 'pyarrow', 'numpy') "
        "if m in sys.modules))"
    )
    source = str(Path(period_module.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": source}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "[]"
