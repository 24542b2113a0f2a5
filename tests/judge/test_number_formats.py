"""Judgement sentences write numbers and months exactly as the portal does."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.judge.formats import format_month, format_value, ordinal
from oversight.publish.web import templating


def test_the_portal_writes_figures_with_the_same_functions() -> None:
    assert templating.format_value is format_value
    assert templating.format_month is format_month
    templates = templating.make_templates()
    assert templates.env.filters["value"] is format_value
    assert templates.env.filters["month"] is format_month


@pytest.mark.parametrize("unit", ["percent", "count", "bed_days", "minutes", "gbp_k", ""])
@pytest.mark.parametrize("value", [72.06, 0.0, 1234567.891, -3.25, None, float("nan")])
def test_values_match_the_portal(value: float | None, unit: str) -> None:
    assert format_value(value, unit) == templating.format_value(value, unit)


def test_examples() -> None:
    assert format_value(72.06, "percent") == "72.1%"
    assert format_value(1234.4, "count") == "1,234"
    assert format_value(31.96, "minutes") == "32.0 min"
    assert format_value(None, "percent") == "–"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (-5.03, "-£5.03k"),
        (5.03, "£5.03k"),
        (-5030.0, "-£5.03m"),
        (999.999, "£1.00m"),
        (-1_400_000.0, "-£1.40bn"),
        (0.0, "£0.00k"),
        (-0.001, "£0.00k"),
    ],
)
def test_money_in_thousands_puts_the_sign_before_the_pound(value: float, text: str) -> None:
    assert format_value(value, "gbp_k") == text


@pytest.mark.parametrize("month", [dt.date(2024, 3, 1), None])
def test_months_match_the_portal(month: dt.date | None) -> None:
    assert format_month(month) == templating.format_month(month)
    if month:
        assert format_month(month) == "March 2024"


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (42, "42nd"),
        (111, "111th"),
    ],
)
def test_ordinal(n: int, word: str) -> None:
    assert ordinal(n) == word
