"""Interval bounds that round to zero from below read +0.00 on either side of the change, and
a small significant change with a move the same way is a significant move."""

from __future__ import annotations

from dataclasses import replace

from tests.judge.segmentation.segmentation_fixtures import Q3

from oversight.judge.segmentation.change import change_since
from oversight.judge.segmentation.result import OrgSegment
from oversight.judge.segmentation.scoring import MetricScore
from oversight.period import Period


def _result(scores: list[float], average: float, quarter: Period = Q3) -> OrgSegment:
    got = tuple(MetricScore(f"m{i}", 0.0, s, "percentile") for i, s in enumerate(scores))
    return OrgSegment(
        org="A", org_type="icb", rules="r", rules_version=1, method="scored", period=quarter,
        scores=got, scored_count=len(got), required_count=1, average=average,
        raw_segment=3, cut="", overrides=(), segment=3,
    )  # fmt: skip


def test_an_upper_bound_just_below_zero_reads_plus_zero() -> None:
    # better by 1.603; the half-width is 1.6003, so the upper bound is -0.0027: -0.00 rounded
    change = change_since(_result([1, 2, 3], 3.603, Q3 - 1), _result([1, 2, 3], 2.0))
    assert change is not None
    assert str(change.high) == "0.0" and str(change.low) == "-3.2"
    assert "(95% interval -3.20 to +0.00;" in change.sentence


def test_a_lower_bound_just_below_zero_reads_plus_zero() -> None:
    change = change_since(_result([1, 2, 3], 2.0, Q3 - 1), _result([1, 2, 3], 3.598))
    assert change is not None
    assert str(change.low) == "0.0"
    assert "(95% interval +0.00 to +3.20;" in change.sentence


def test_a_small_significant_worsening_with_a_move_down_is_significant() -> None:
    # worse by 0.60 with scores 0.1 apart: interval (0.44, 0.76), and segment 3 -> 4
    before = replace(_result([2.0, 2.1, 2.2], 2.1, Q3 - 1), segment=3, raw_segment=3)
    after = replace(_result([2.6, 2.7, 2.8], 2.7), segment=4, raw_segment=4)
    change = change_since(before, after)
    assert change is not None and change.significant
    assert change.sentence.endswith("the move from segment 3 to 4 is significant.")
