"""Worked examples for the special-cause rules A-D and their labels (statistics.md §1.4).

Series are built so that only the rule under test can fire: wide limits come from large
alternating swings elsewhere in the series; the numbers are worked out in each comment.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oversight.stats.spc import spc

CC = "Common Cause"
UP = "7 Point Trend (Increasing)"
DOWN = "7 Point Trend (Decreasing)"


def labels(y: Sequence[float], **kw: Any) -> list[str]:
    return list(spc(y, **kw).points["special_cause_type"].astype(str))


def test_seven_strictly_rising_points_are_a_trend() -> None:
    # mean 82/15 = 5.47, AMR 82/14 = 5.86 (nothing screened): limits ± 15.6, near ± 10.4,
    # so nothing is outside or close; no 7 points on one side. 3..9 is the trend.
    y = [0, 10, 0, 10, 0, 10, 3, 4, 5, 6, 7, 8, 9, 0, 10]
    assert labels(y) == [CC] * 6 + [UP] * 7 + [CC] * 2


def test_a_tie_breaks_a_trend() -> None:
    y = [0, 10, 0, 10, 0, 10, 3, 4, 5, 5, 7, 8, 9, 0, 10]
    assert labels(y) == [CC] * 15


def test_a_trend_longer_than_seven_is_flagged_in_full() -> None:
    y = [0, 10, 0, 10, 0, 10, 2, 3, 4, 5, 6, 7, 8, 9, 0, 10]
    assert labels(y) == [CC] * 6 + [UP] * 8 + [CC] * 2


def test_a_shared_peak_takes_the_label_of_the_step_after_it() -> None:
    # mean 129/21, AMR 170/20 = 8.5: limits ± 22.6, near ± 15.1; 20 is not close.
    # 1..7 rises, 7..1 falls; the peak 7 belongs to both and reads "Decreasing".
    y = [0, 20, 0, 20, 0, 20, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1, 20, 0]
    assert labels(y) == [CC] * 6 + [UP] * 6 + [DOWN] * 7 + [CC] * 2


def test_outside_limits_beats_a_trend() -> None:
    # mean 49/13 = 3.769, AMR 1: limits 1.109 / 6.429. 7 is above, the 1s are below; the rest
    # are trend points (the 2-in-3 around the peak is outranked by the trend).
    y = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    assert labels(y) == ["Below LCL"] + [UP] * 5 + ["Above UCL"] + [DOWN] * 5 + ["Below LCL"]


def test_two_of_three_flags_only_the_close_points() -> None:
    # 20 points alternating 10/11, then 13, 11, 13, 10, 11. mean 268/25 = 10.72,
    # AMR 29/24 = 1.208: near line 12.86, limit 13.93. Both 13s are close, 11 is above the
    # mean but not close: the window fires and flags the 13s only.
    y = [10, 11] * 10 + [13, 11, 13, 10, 11]
    assert labels(y) == [CC] * 20 + ["2 in 3 Above CL", CC, "2 in 3 Above CL", CC, CC]


def test_two_of_three_needs_all_three_points_on_one_side() -> None:
    # As above with the middle point 10, below the mean 10.68: no window has 3 on one side.
    y = [10, 11] * 10 + [13, 10, 13, 10, 11]
    assert labels(y) == [CC] * 25


def test_two_of_three_is_broken_by_a_point_on_the_mean() -> None:
    # mean 60/15 = 4 exactly, AMR 26/14 = 1.857: near line 7.30, limit 8.94. The two 8s are
    # close, but each window holding both also holds a 4, exactly on the mean: no window
    # has all three points on one side, so nothing fires (issue 18's mutant "at least 2 on
    # one side" flagged the 8s).
    y = [4, 3, 2, 4, 8, 8, 4, 7, 5, 1, 2, 3, 3, 4, 2]
    assert labels(y) == [CC] * 15


def test_two_of_three_below() -> None:
    y = [10, 11] * 10 + [8, 10, 8, 11, 10]
    # mean 257/25 = 10.28, AMR 30/24 = 1.25: near line 8.06, limit 6.96; 10 is below the mean.
    assert labels(y) == [CC] * 20 + ["2 in 3 Below CL", CC, "2 in 3 Below CL", CC, CC]


def test_seven_points_on_one_side_of_the_mean_are_a_run() -> None:
    # mean 70/14 = 5 exactly, AMR 32/13: limits 5 ± 6.55, near ± 4.37; 9 and 1 are inside.
    y = [9, 6, 9, 9, 9, 6, 9, 1, 4, 1, 1, 1, 4, 1]
    assert labels(y) == ["7 Points Above CL"] * 7 + ["7 Points Below CL"] * 7


def test_a_point_exactly_on_the_mean_breaks_a_run() -> None:
    # mean 70/14 = 5 exactly; the 5s sit on it (relative_to_mean 0) and break both runs.
    y = [9, 6, 9, 5, 9, 6, 9, 1, 4, 1, 5, 1, 4, 1]
    p = spc(y).points
    assert list(p["relative_to_mean"].iloc[[3, 10]]) == [0, 0]
    assert list(p["special_cause_type"].astype(str)) == [CC] * 14


def test_runs_do_not_cross_a_rebase() -> None:
    y = [9, 6, 9, 9, 9, 6, 9, 1, 4, 1, 1, 1, 4, 1]
    r = spc(y, rebase=[4])  # positions are 1-based when no dates are given
    assert list(r.points["rebase_group"]) == [0] * 3 + [1] * 11
    assert "7 Points Above CL" not in labels(y, rebase=[4])


def test_point_type_follows_the_improvement_direction() -> None:
    y = [1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    inc = spc(y, improvement="increase").points["point_type"].astype(str)
    dec = spc(y, improvement="decrease").points["point_type"].astype(str)
    neu = spc(y, improvement="neutral").points["point_type"].astype(str)
    assert (inc.iloc[0], inc.iloc[1], inc.iloc[6], inc.iloc[7]) == (
        "special_cause_concern",
        "special_cause_improvement",
        "special_cause_improvement",
        "special_cause_concern",
    )
    assert (dec.iloc[0], dec.iloc[6]) == ("special_cause_improvement", "special_cause_concern")
    assert (neu.iloc[0], neu.iloc[6], neu.iloc[1]) == (
        "special_cause_neutral_low",
        "special_cause_neutral_high",
        "special_cause_neutral_high",
    )
    flat = spc([1, 2] * 7, improvement="neutral").points["point_type"].astype(str)
    assert (flat == "common_cause").all()


def test_the_frame_flags_points_outside_and_close_to_the_limits() -> None:
    # the 13s are close, not outside (test_two_of_three_flags_only_the_close_points)
    close = spc([10, 11] * 10 + [13, 11, 13, 10, 11]).points
    assert close["close_to_limits"].tolist() == [False] * 20 + [True, False, True, False, False]
    assert not close["outside_limits"].any()
    # mean 240/21 = 11.43; the jump to 30 is screened out, AMR 1: upper limit 14.09
    far = spc([10, 11] * 10 + [30]).points
    assert far["outside_limits"].tolist() == [False] * 20 + [True]
