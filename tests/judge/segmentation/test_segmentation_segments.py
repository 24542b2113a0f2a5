"""Worked examples for cuts, the minimum, overrides, segment 5, the league table, provisional
results, determinism and the JSON shape."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from tests.judge.segmentation.segmentation_fixtures import (
    Q3,
    column,
    metrics,
    number,
    quarter,
    rule_set,
)

from oversight.judge.segmentation import (
    CapabilityReview,
    FinancialStatus,
    OrgSegment,
    segment,
)
from oversight.judge.segmentation.segments import (
    league_ranks,
    quartile_segments,
    threshold_segment,
)

EIGHT = {f"O{i}": float(i) for i in range(1, 9)}
"""Eight organisations on A&E 4-hour, 1% to 8%: O8 best."""


def by_org(results: tuple[OrgSegment, ...]) -> dict[str, OrgSegment]:
    return {r.org: r for r in results}


def run(rules, inputs, **kw):
    return by_org(segment(rules, metrics(), inputs, explain_moves=kw.pop("moves", False), **kw))


def test_quartile_cut() -> None:
    got = run(rule_set([{"metric": "ae_4hr"}]), quarter(column("ae_4hr", EIGHT)))
    # averages 4.00, 3.57, 3.14, 2.71, 2.29, 1.86, 1.43, 1.00; rank r → segment ceil(4r/8)
    assert [got[f"O{i}"].segment for i in range(1, 9)] == [4, 4, 3, 3, 2, 2, 1, 1]
    assert got["O3"].average == 3.14
    assert "rank 6 of 8 by average score, so quartile 3" in got["O3"].cut


def test_quartile_ties_share_a_segment() -> None:
    assert quartile_segments({"a": 1.0, "b": 1.0, "c": 2.0, "d": 3.0}) == {
        "a": 1,
        "b": 1,
        "c": 3,
        "d": 4,
    }
    # 42 organisations: 10 in segment 1 (ceil(4r/42) = 1 for r ≤ 10)
    many = quartile_segments({str(i): float(i) for i in range(42)})
    assert [list(many.values()).count(s) for s in (1, 2, 3, 4)] == [10, 11, 10, 11]


@pytest.mark.parametrize(
    ("avg", "seg"),
    [(1.0, 1), (1.75, 1), (1.76, 2), (2.5, 2), (2.51, 3), (3.25, 3), (3.26, 4), (4.0, 4)],
)
def test_threshold_cut(avg: float, seg: int) -> None:
    assert threshold_segment(avg, [1.75, 2.5, 3.25]) == seg


def test_threshold_cut_through_segment() -> None:
    rules = rule_set([{"metric": "ae_4hr"}], thresholds=[1.75, 2.5, 3.25])
    got = run(rules, quarter(column("ae_4hr", EIGHT)))
    assert [got[f"O{i}"].segment for i in range(1, 9)] == [4, 4, 3, 3, 2, 2, 1, 1]
    assert got["O5"].cut == "average above 1.75 and at most 2.5, so segment 2"


def test_missing_data_is_left_out_of_the_average() -> None:
    rules = rule_set([{"metric": "ae_4hr"}, {"metric": "rtt_18wk"}, {"metric": "cancer_62d"}])
    values = {
        **column("ae_4hr", {"A": 90.0, "B": 80.0}),
        **column("rtt_18wk", {"A": 70.0, "B": 60.0}),
        **column("cancer_62d", {"A": None, "B": 50.0}),
    }
    got = run(rules, quarter(values))
    # A: 1.00 and 1.00 scored, cancer missing: average 1.00 (not (1+1+4)/3, nor (1+1+0)/3)
    assert got["A"].average == 1.0 and got["A"].scored_count == 2
    assert got["B"].average == 3.0  # 4, 4 and cancer (alone, so best): 1 → 9/3
    assert got["A"].score_of("cancer_62d").basis == "missing"


def test_minimum_number_of_scored_metrics() -> None:
    four = [{"metric": m} for m in ("ae_4hr", "rtt_18wk", "cancer_62d", "diagnostics_6wk")]
    values = {
        **column("ae_4hr", {"A": 90.0, "B": 80.0, "C": 70.0}),
        **column("rtt_18wk", {"A": 70.0, "B": 60.0}),
    }
    got = run(rule_set(four, unconfirmed_share=True), quarter(values))
    assert got["A"].required_count == 2
    assert got["C"].segment is None and got["C"].raw_segment is None
    assert got["C"].cut == "not segmented: 1 of 4 metrics scored, 2 needed"
    assert got["C"].provisional  # the unconfirmed minimum decided it
    assert got["A"].segment is not None and got["B"].segment is not None
    assert got["C"].rank is None and got["A"].ranked_of == 2


def test_financial_override_caps_at_segment_3() -> None:
    rules = rule_set([{"metric": "ae_4hr"}])
    finance = {
        "O8": FinancialStatus(in_deficit=True),
        "O7": FinancialStatus(deficit_support=True),
        "O1": FinancialStatus(in_deficit=True),
    }
    got = run(rules, quarter(column("ae_4hr", EIGHT), finance=finance))
    assert (got["O8"].raw_segment, got["O8"].segment) == (1, 3)
    assert got["O8"].overrides[0].kind == "financial"
    assert got["O8"].overrides[0].reason == "in deficit, so no better than segment 3"
    assert got["O7"].segment == 3 and "receiving deficit support" in got["O7"].overrides[0].reason
    assert got["O1"].segment == 4 and got["O1"].overrides == ()  # already worse than 3
    assert got["O6"].segment == 2  # no deficit, no override


def review(org: str, intensive: bool = True) -> CapabilityReview:
    return CapabilityReview(
        org, Q3, "NHSE regional director", "leadership capability review", intensive
    )


def test_segment_5_only_from_4_by_a_capability_review() -> None:
    rules = rule_set([{"metric": "ae_4hr"}])
    inputs = quarter(
        column("ae_4hr", EIGHT), reviews=(review("O1"), review("O3"), review("O2", False))
    )
    got = run(rules, inputs)
    assert got["O1"].segment == 5 and got["O1"].raw_segment == 4
    assert got["O1"].overrides[-1].decided_by == "NHSE regional director"
    assert got["O3"].segment == 3  # a review cannot reach 5 from segment 3
    assert got["O2"].segment == 4  # a review that does not find intensive support needed


def test_no_metric_values_reach_segment_5_without_a_review() -> None:
    rng = random.Random(5)
    rules = rule_set([{"metric": "ae_4hr"}, {"metric": "rtt_18wk"}])
    for _ in range(20):
        values = {
            (f"O{i}", m): rng.uniform(0, 100) for i in range(12) for m in ("ae_4hr", "rtt_18wk")
        }
        assert {r.segment for r in run(rules, quarter(values)).values()} <= {1, 2, 3, 4}


def test_recorded_judgements_need_a_reason_and_a_decider() -> None:
    with pytest.raises(ValueError, match="needs a reason"):
        CapabilityReview("O1", Q3, "NHSE", " ", True)
    with pytest.raises(ValueError, match="needs who decided"):
        CapabilityReview("O1", Q3, "", "because", True)


def test_league_table_by_segment_then_average() -> None:
    assert league_ranks({"a": (1, 1.5), "b": (1, 1.2), "c": (3, 1.0), "d": (1, 1.5)}) == {
        "a": 2,
        "b": 1,
        "c": 4,
        "d": 2,
    }
    finance = {"O8": FinancialStatus(in_deficit=True)}
    got = run(rule_set([{"metric": "ae_4hr"}]), quarter(column("ae_4hr", EIGHT), finance=finance))
    # O8 has the best average but is capped at 3: it ranks after every segment 1 and 2
    # (O7; O6, O5) and first in segment 3, before O4 and O3.
    ranks = {org: r.rank for org, r in got.items()}
    assert ranks == {"O7": 1, "O6": 2, "O5": 3, "O8": 4, "O4": 5, "O3": 6, "O2": 7, "O1": 8}


def test_provisional_only_where_an_unconfirmed_number_decided() -> None:
    spec: list[dict[str, Any]] = [
        {"metric": "ae_4hr", "standard": number(6, unconfirmed=True)},
        {"metric": "rtt_18wk"},
    ]
    values = {**column("ae_4hr", EIGHT), **column("rtt_18wk", EIGHT)}
    confirmed = run(rule_set([{"metric": "ae_4hr"}]), quarter(column("ae_4hr", EIGHT)))
    assert not any(r.provisional for r in confirmed.values())
    got = run(rule_set(spec), quarter(values))
    assert got["O7"].provisional  # met the unconfirmed standard
    assert any("standard of ae_4hr" in b for b in got["O7"].provisional_because)
    cut = run(
        rule_set([{"metric": "ae_4hr"}], unconfirmed_cut=True), quarter(column("ae_4hr", EIGHT))
    )
    assert all("quartiles cut" in r.provisional_because[0] for r in cut.values())
    assert cut["O1"].to_dict()["provisional"] is True


def test_threshold_results_name_the_unconfirmed_cut_points_that_bound_them() -> None:
    rules = rule_set([{"metric": "ae_4hr"}], thresholds=[1.75, 2.5, 3.25], unconfirmed_cut=True)
    got = run(rules, quarter(column("ae_4hr", EIGHT)))
    named = " ".join(got["O5"].provisional_because)
    assert "threshold 1.75" in named and "threshold 2.5" in named and "3.25" not in named


def test_determinism_same_inputs_same_segments_whatever_the_order() -> None:
    rng = random.Random(11)
    ids = ("ae_4hr", "rtt_18wk", "cancer_62d", "finance_vs_plan")
    values = {(f"O{i:02}", m): round(rng.uniform(-50, 100), 1) for i in range(20) for m in ids}
    rules = rule_set([{"metric": m} for m in ids[:3]] + [{"metric": "finance_vs_plan"}])
    first = [r.to_dict() for r in segment(rules, metrics(), quarter(values))]
    shuffled = dict(rng.sample(list(values.items()), len(values)))
    again = [r.to_dict() for r in segment(rules, metrics(), quarter(shuffled))]
    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)


def test_to_dict_has_the_issue_11_shape() -> None:
    rules = rule_set([{"metric": "ae_4hr"}, {"metric": "rtt_18wk"}])
    values = {**column("ae_4hr", EIGHT), **column("rtt_18wk", {"O1": 50.0, "O2": None})}
    got = run(rules, quarter(values), moves=True)["O1"].to_dict()
    for key in (
        "org",
        "rules",
        "period",
        "segment",
        "average_score",
        "scores",
        "overrides",
        "reasons",
        "what_would_move",
        "provisional",
    ):
        assert key in got
    assert got["period"] == "2025-Q3" and got["rules"] == "test-rules"
    assert isinstance(got["segment"], int) and 1 <= got["segment"] <= 5
    assert {"metric", "value", "score"} <= set(got["scores"][0])
    assert all(isinstance(s, str) for s in got["reasons"] + got["what_would_move"])
    json.dumps(got)  # plain JSON


def test_why_sentences_name_scores_average_cut_and_overrides() -> None:
    spec: list[dict[str, Any]] = [
        {"metric": "ae_4hr", "standard": number(7)},
        {"metric": "rtt_18wk"},
    ]
    values = {**column("ae_4hr", EIGHT), **column("rtt_18wk", EIGHT)}
    got = run(rule_set(spec), quarter(values, finance={"O8": FinancialStatus(in_deficit=True)}))
    text = "\n".join(got["O8"].reasons)
    assert "Segment 3 (challenged) for 2025-Q3 under test-rules v1." in text
    assert "Average score 1.00 over 2 of 2 metrics (at least 1 needed)" in text
    assert "A&E: seen within 4 hours: 8%, meets the standard of 7%: score 1.00." in text
    assert "Override: in deficit, so no better than segment 3; segment 1 became 3." in text
    low = "\n".join(got["O1"].reasons)
    assert "A&E: seen within 4 hours: 1%, percentile rank 0, spread between 2 and 4" in low


def test_a_rule_set_built_outside_the_catalogue_is_checked() -> None:
    with pytest.raises(ValueError, match="names unknown metrics: ae_four_hour"):
        segment(rule_set([{"metric": "ae_four_hour"}]), metrics(), quarter({}))
    with pytest.raises(ValueError, match="scores ae_attendances, where neither higher nor lower"):
        segment(rule_set([{"metric": "ae_attendances"}]), metrics(), quarter({}))


def test_why_sentences_give_the_scores_worst_first_then_the_metrics_without_data() -> None:
    spec: list[dict[str, Any]] = [{"metric": m} for m in ("ae_4hr", "cancer_62d", "rtt_18wk")]
    falling = {o: 9.0 - v for o, v in EIGHT.items()}  # O1 best on rtt_18wk, worst on A&E
    values = {**column("ae_4hr", EIGHT), **column("rtt_18wk", falling)}
    values |= column("cancer_62d", {o: v for o, v in EIGHT.items() if o != "O1"})
    got = run(rule_set(spec), quarter(values))
    title = {m: metrics()[m].title for m in ("ae_4hr", "cancer_62d", "rtt_18wk")}
    assert got["O1"].reasons[2:5] == (
        f"{title['ae_4hr']}: 1%, percentile rank 0, spread between 1 and 4: score 4.00.",
        f"{title['rtt_18wk']}: 8%, percentile rank 100, spread between 1 and 4: score 1.00.",
        f"{title['cancer_62d']}: no data, not scored and left out of the average.",
    )
