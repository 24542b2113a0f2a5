"""Exit criteria hold only for their stated number of consecutive months; no data never counts."""

from __future__ import annotations

import math

import pytest

from oversight.judge.escalation.criteria import ExitCriterion, is_met, run_length
from oversight.period import Period

AE = ExitCriterion("ae_4hr", ">=", 78.0, 3)


def months(start: str, values: list[float | None]) -> dict[Period, float | None]:
    first = Period.parse_month(start)
    return {first + i: v for i, v in enumerate(values)}


@pytest.mark.parametrize(
    ("values", "run", "met"),
    [
        ([80, 79, 78], 3, True),  # exactly three months at or above
        ([70, 80, 79, 78], 3, True),
        ([80, 79], 2, False),  # two months are not three
        ([80, 79, 77.9], 0, False),  # the latest month misses
        ([80, 77, 79, 80], 2, False),  # an earlier miss breaks the run
        ([80, None, 79, 80], 2, False),  # a month with no value breaks it
        ([80, math.nan, 79, 80], 2, False),
        ([None, None, None], 0, False),
        ([], 0, False),
    ],
)
def test_met_only_for_the_stated_consecutive_months(
    values: list[float | None], run: int, met: bool
) -> None:
    series = months("2025-01", values)
    assert run_length(AE, series) == run
    assert is_met(AE, series) is met


def test_a_missing_month_in_the_middle_breaks_the_run() -> None:
    series = months("2025-01", [80, 80, 80])
    del series[Period.parse_month("2025-02")]
    assert run_length(AE, series) == 1


def test_the_run_ends_at_the_results_last_month() -> None:
    series = months("2025-01", [80, 80, 80])
    assert is_met(AE, series, through=Period.parse_month("2025-03"))
    # the organisation sent nothing for April: its run to April is nothing
    assert not is_met(AE, series, through=Period.parse_month("2025-04"))


@pytest.mark.parametrize(
    ("comparison", "value", "holds"),
    [(">=", 78, True), (">", 78, False), ("<=", 78, True), ("<", 78, False), ("<", 77, True)],
)
def test_comparisons(comparison: str, value: float, holds: bool) -> None:
    assert ExitCriterion("m", comparison, 78.0, 1).holds(value) is holds


def test_parse() -> None:
    assert ExitCriterion.parse("ae_4hr>=78x3") == AE
    assert ExitCriterion.parse(" rtt_52wk < 1.5x6 ") == ExitCriterion("rtt_52wk", "<", 1.5, 6)
    assert ExitCriterion.parse("max_wait<=10x2") == ExitCriterion("max_wait", "<=", 10, 2)


@pytest.mark.parametrize("bad", ["ae_4hr>=78", "ae_4hr=78x3", ">=78x3", "ae_4hr>=x3", "ae>=78x0"])
def test_parse_refuses_bad_text(bad: str) -> None:
    with pytest.raises(ValueError, match="must look like"):
        ExitCriterion.parse(bad)


def test_bad_criteria_are_refused() -> None:
    with pytest.raises(ValueError, match="comparison"):
        ExitCriterion("m", "==", 1.0, 1)
    with pytest.raises(ValueError, match="1 or more"):
        ExitCriterion("m", ">=", 1.0, 0)
    with pytest.raises(ValueError, match="number"):
        ExitCriterion("m", ">=", math.nan, 1)
