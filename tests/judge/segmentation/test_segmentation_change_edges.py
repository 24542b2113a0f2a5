"""The change since the previous quarter at its edges: an interval ending on 0, a worsening,
an average on three decimals, and a quarter that was not segmented.

Each quarter has three scores one apart (sample sd 1, se 1/sqrt(3)), so the half width is
1.959964 * sqrt(1/3 + 1/3) = 1.6003 (rounded intervals below are worked from that).
"""

from __future__ import annotations

from tests.judge.segmentation.segmentation_fixtures import Q3

from oversight.judge.segmentation.change import change_since
from oversight.judge.segmentation.result import OrgSegment
from oversight.judge.segmentation.scoring import MetricScore
from oversight.period import Period


def result(period: Period, scores: list[float], seg: int | None, average: float) -> OrgSegment:
    got = tuple(MetricScore(f"m{i}", 0.0, s, "percentile") for i, s in enumerate(scores))
    return OrgSegment(
        org="A", org_type="icb", rules="r", rules_version=1, method="scored", period=period,
        scores=got, scored_count=len(got), required_count=1, average=average,
        raw_segment=seg, cut="", overrides=(), segment=seg,
    )  # fmt: skip


def test_an_interval_ending_on_zero_is_not_significant() -> None:
    # worse by 1.60: interval 1.60 -/+ 1.6003 rounds to (0.00, 3.20), which does not exclude 0
    up = change_since(result(Q3 - 1, [1, 2, 3], 3, 2.0), result(Q3, [2.6, 3.6, 4.6], 4, 3.6))
    assert up is not None and (up.change, up.low, up.high) == (1.6, 0.0, 3.2)
    assert not up.significant
    assert up.sentence.endswith("the move from segment 3 to 4 is not significant.")
    assert "(95% interval +0.00 to +3.20;" in up.sentence  # never "-0.00"
    # better by 1.60: (-3.20, 0.00)
    down = change_since(result(Q3 - 1, [2.6, 3.6, 4.6], 4, 3.6), result(Q3, [1, 2, 3], 3, 2.0))
    assert down is not None and (down.change, down.low, down.high) == (-1.6, -3.2, 0.0)
    assert "(95% interval -3.20 to +0.00;" in down.sentence
    assert not down.significant


def test_a_worsening_whose_interval_starts_above_zero_is_significant() -> None:
    # worse by 1.90: (0.30, 3.50)
    got = change_since(result(Q3 - 1, [1, 2, 3], 2, 2.0), result(Q3, [2.9, 3.9, 4.9], 3, 3.9))
    assert got is not None and (got.low, got.high) == (0.3, 3.5) and got.significant
    assert got.sentence == (
        "Since 2025-Q2 the average score is worse by 1.90 (95% interval +0.30 to +3.50; "
        "method unconfirmed); the move from segment 2 to 3 is significant."
    )


def test_a_small_worsening_is_called_worse() -> None:
    # scores 0.5 apart: sd 0.5, half = 1.959964 * 0.5 * sqrt(2/3) = 0.80; worse by 0.50
    got = change_since(result(Q3 - 1, [2, 2.5, 3], 2, 2.5), result(Q3, [2.5, 3, 3.5], 2, 3.0))
    assert got is not None and (got.change, got.low, got.high) == (0.5, -0.3, 1.3)
    assert got.sentence == (
        "Since 2025-Q2 the average score is worse by 0.50 (95% interval -0.30 to +1.30; "
        "method unconfirmed); the segment is unchanged at 2."
    )


def test_the_change_is_given_to_two_decimals_whatever_the_averages() -> None:
    # averages kept to three decimals: 3.125 - 2.0 = 1.125, shown half up as 1.13
    got = change_since(result(Q3 - 1, [1, 2, 3], 2, 2.0), result(Q3, [2, 3, 4], 2, 3.125))
    assert got is not None and got.change == 1.13
    assert "worse by 1.13" in got.sentence


def test_a_quarter_that_was_not_segmented_gives_no_verdict_on_a_move() -> None:
    got = change_since(result(Q3 - 1, [1, 2, 3], None, 2.0), result(Q3, [1, 2, 3], 3, 2.0))
    assert got is not None and got.previous_segment is None and not got.significant
    assert got.sentence == (
        "Since 2025-Q2 the average score is unchanged; segment then None, now 3."
    )
