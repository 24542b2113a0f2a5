""" "What would move you" details a sampled mutation run left untested (issue 18): which adjacent
segments are searched, a move's size in standard deviations, the search without shared
caches, and the step that passes a breakpoint strictly."""

from __future__ import annotations

import statistics

import pytest
from tests.judge.segmentation.segmentation_fixtures import Q3, column, metrics, quarter, rule_set

from oversight.judge.segmentation import CapabilityReview, segment
from oversight.judge.segmentation.moves import _nudge, what_would_move
from oversight.judge.segmentation.result import OrgSegment

ORGS = ("A", "B", "C", "D", "E", "F", "G", "H")
AE = dict(zip(ORGS, (60.0, 64.0, 70.0, 73.0, 80.0, 84.0, 90.0, 93.0), strict=True))
RTT = dict(zip(ORGS, (50.0, 58.0, 55.0, 66.0, 61.0, 70.0, 75.0, 72.0), strict=True))
RULES = rule_set([{"metric": "ae_4hr"}, {"metric": "rtt_18wk"}])


def _results(**kw: object) -> dict[str, OrgSegment]:
    inputs = quarter({**column("ae_4hr", AE), **column("rtt_18wk", RTT)}, **kw)
    return {r.org: r for r in segment(RULES, metrics(), inputs)}


def test_moves_are_searched_to_both_adjacent_segments_from_1_to_4() -> None:
    results = _results()
    for r in results.values():
        assert r.segment is not None
        wanted = {t for t in (r.segment - 1, r.segment + 1) if 1 <= t <= 4}
        assert {m.to_segment for m in r.moves if m.override is None} == wanted, r.org
    assert any(r.segment == 3 for r in results.values())  # so segment 4 is a target


def test_segment_5_has_only_the_capability_review_move() -> None:
    first = _results()
    org = next(o for o, r in first.items() if r.segment == 4)
    review = CapabilityReview(org, Q3, "a director", "failing", intensive_support=True)
    r = _results(reviews=(review,))[org]
    assert r.segment == 5
    assert [(m.to_segment, m.override) for m in r.moves] == [(4, "capability_review")]


def test_a_moves_size_is_its_change_in_standard_deviations_of_the_metric() -> None:
    results = _results()
    sized = [m for r in results.values() for m in r.moves if m.metric is not None]
    assert sized
    for m in sized:
        assert m.to_value is not None and m.from_value is not None
        spread = statistics.pstdev((AE if m.metric == "ae_4hr" else RTT).values())
        assert m.size == pytest.approx(abs(m.to_value - m.from_value) / spread)


def test_the_search_without_shared_caches_finds_the_same_moves() -> None:
    inputs = quarter({**column("ae_4hr", AE), **column("rtt_18wk", RTT)})
    for r in segment(RULES, metrics(), inputs):
        assert what_would_move(RULES, metrics(), inputs, r) == r.moves


def test_the_step_past_a_breakpoint_is_half_the_smallest_gap_or_a_millionth() -> None:
    assert _nudge([10.0], 0.5) == 1e-6  # the gap is wide: a millionth (of at least 1)
    assert _nudge([300.0], 200.0) == pytest.approx(2e-4)  # a millionth of the value
    assert _nudge([100.00006], 100.0) == pytest.approx(3e-5)  # half the gap
