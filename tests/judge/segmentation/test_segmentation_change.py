"""The change in average score since the previous quarter, with its interval."""

from __future__ import annotations

import math

from tests.judge.segmentation.segmentation_fixtures import Q3, column, metrics, quarter, rule_set

from oversight.judge.segmentation import segment
from oversight.judge.segmentation.change import change_since
from oversight.judge.segmentation.result import OrgSegment
from oversight.judge.segmentation.scoring import MetricScore


def result(period, scores: list[float], seg: int) -> OrgSegment:
    got = tuple(MetricScore(f"m{i}", 0.0, s, "percentile") for i, s in enumerate(scores))
    return OrgSegment(
        org="A", org_type="icb", rules="r", rules_version=1, method="scored", period=period,
        scores=got, scored_count=len(got), required_count=1,
        average=round(sum(scores) / len(scores), 2), raw_segment=seg, cut="", overrides=(),
        segment=seg,
    )  # fmt: skip


def test_a_large_improvement_is_significant() -> None:
    before = result(Q3 - 1, [4.0, 3.0, 2.0], 4)  # mean 3.00, sd 1, se 1/√3
    now = result(Q3, [1.0, 2.0, 1.0], 1)  # mean 1.33, sd 0.577, se 1/3
    got = change_since(before, now)
    assert got is not None
    half = 1.959963984540054 * math.sqrt(1 / 3 + 1 / 9)
    assert got.change == -1.67
    assert (got.low, got.high) == (round(1.33 - 3.0 - half, 2), round(1.33 - 3.0 + half, 2))
    assert got.significant
    assert got.sentence == (
        "Since 2025-Q2 the average score is better by 1.67 (95% interval -2.98 to -0.36; "
        "method unconfirmed); the move from segment 4 to 1 is significant."
    )


def test_a_small_change_across_a_cut_is_not_significant() -> None:
    got = change_since(result(Q3 - 1, [2.0, 3.0, 2.5], 3), result(Q3, [2.0, 2.9, 2.4], 2))
    assert got is not None and not got.significant
    assert got.sentence.endswith("the move from segment 3 to 2 is not significant.")


def test_no_interval_without_two_scores_each_quarter() -> None:
    assert change_since(result(Q3 - 1, [2.0], 2), result(Q3, [1.0, 2.0], 1)) is None


def test_segment_reports_the_change_since_the_previous_quarter() -> None:
    rules = rule_set([{"metric": "ae_4hr"}, {"metric": "rtt_18wk"}])
    orgs = {f"O{i}": float(i) for i in range(1, 9)}
    q2 = quarter({**column("ae_4hr", orgs), **column("rtt_18wk", orgs)})
    q2 = type(q2)(Q3 - 1, q2.orgs, q2.values)
    before = {r.org: r for r in segment(rules, metrics(), q2, explain_moves=False)}
    moved = {**orgs, "O1": 9.0}
    now = quarter({**column("ae_4hr", moved), **column("rtt_18wk", moved)})
    got = {r.org: r for r in segment(rules, metrics(), now, before, explain_moves=False)}
    change = got["O1"].change
    assert change is not None and change.previous_segment == 4 and got["O1"].segment == 1
    assert got["O1"].to_dict()["change"]["average_change"] == -3.0
    assert change.sentence in got["O1"].reasons
