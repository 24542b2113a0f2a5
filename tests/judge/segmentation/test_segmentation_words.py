"""How the segmentation's sentences write numbers (judge.segmentation.words.number)."""

from __future__ import annotations

import pytest

from oversight.judge.formats import money_k
from oversight.judge.segmentation.words import number


@pytest.mark.parametrize(
    ("value", "unit", "decimals", "text"),
    [
        (-5000.0, "gbp_k", 2, "-£5,000k"),
        (5000.0, "gbp_k", 2, "£5,000k"),
        (-5.03, "gbp_k", 2, "-£5.03k"),
        (-0.001, "gbp_k", 2, "£0k"),  # rounds to nothing: no sign
        (-1.5, "percent", 2, "-1.5%"),
        (71.23, "percent", 2, "71.23%"),
        (-0.004, "percent", 2, "0%"),
        (18.5, "minutes", 2, "18.5 minutes"),
        (-2.25, "minutes", 1, "-2.2 minutes"),
        (1200.0, "count", 0, "1,200"),  # no decimals: trailing zeros of the whole part stay
        (1200.0, "count", 2, "1,200"),
        (0.5, "percent", 2, "0.5%"),  # positive below one: no sign
        (0.25, "gbp_k", 2, "£0.25k"),
    ],
)
def test_number(value: float, unit: str, decimals: int, text: str) -> None:
    assert number(value, unit, decimals) == text


def test_money_has_its_sign_where_the_judge_text_has_it() -> None:
    assert number(-5.03, "gbp_k").split("£")[0] == money_k(-5.03).split("£")[0] == "-"
