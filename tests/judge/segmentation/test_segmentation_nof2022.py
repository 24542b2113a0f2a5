"""nof-2022: flags per theme, the proposal rule as data, and recorded decisions."""

from __future__ import annotations

from tests.judge.segmentation.segmentation_fixtures import Q3, metrics

from oversight.catalogue import load
from oversight.judge.segmentation import Inputs, SegmentDecision, segment
from oversight.judge.segmentation.inputs import replace_inputs

WORSE = {"vs_england": "worse"}
CONCERN = {"variation": "concern", "vs_england": "similar"}
MISSED = {"national_status": "missed"}
FINE = {"vs_england": "better", "variation": "improvement", "national_status": "met"}


def quarter(**kw: object) -> Inputs:
    outcomes = {
        ("A", "ae_4hr"): FINE,
        ("B", "ae_4hr"): WORSE,  # quality, access and outcomes
        ("B", "staff_leaver_rate"): CONCERN,  # people
        ("C", "ae_4hr"): WORSE,
        ("C", "rtt_18wk"): MISSED,  # the same theme again: still one theme
        ("C", "hypertension_treated"): MISSED,  # prevention
        ("C", "finance_vs_plan"): CONCERN,  # finance
        ("D", "ae_4hr"): WORSE,
        ("D", "sickness_absence"): CONCERN,
        ("D", "finance_vs_plan"): MISSED,
    }
    return Inputs(Q3, ("A", "B", "C", "D"), outcomes=outcomes, **kw)  # type: ignore[arg-type]


def run(inputs: Inputs) -> dict:
    rules = load().rule_sets["nof-2022"]
    return {r.org: r for r in segment(rules, metrics(), inputs)}


def test_flags_per_theme_and_the_proposal() -> None:
    got = run(quarter())
    assert [got[o].proposed_segment for o in "ABCD"] == [1, 2, 3, 3]
    c_themes = {t.theme: [m for m, _ in t.flagged] for t in got["C"].themes if t.is_flagged}
    assert c_themes == {
        "quality_access_outcomes": ["ae_4hr", "rtt_18wk"],
        "prevention_inequalities": ["hypertension_treated"],
        "finance_use_of_resources": ["finance_vs_plan"],
    }
    assert got["B"].themes[2].flagged == (("staff_leaver_rate", ("variation concern",)),)
    assert got["C"].cut == "flags in 3 of 6 themes, so proposed segment 3"
    assert (
        "Quality of care, access and outcomes: flagged by A&E: seen within 4 hours (vs_england "
        "worse); Waiting 18 weeks or less for treatment (national_status missed)."
    ) in got["C"].reasons


def test_a_proposal_without_decision_is_provisional() -> None:
    got = run(quarter())
    assert all(r.provisional for r in got.values())  # the proposal rule is unconfirmed
    assert got["A"].segment == 1 and got["A"].decision is None
    assert "no decision recorded" in got["A"].reasons[0]
    assert got["A"].to_dict()["average_score"] is None


def test_recorded_decision_may_differ_with_its_reason() -> None:
    decision = SegmentDecision("C", Q3, "NHSE North West", "RSP entry agreed after review", 4)
    got = run(quarter(decisions=(decision,)))
    c = got["C"]
    assert (c.proposed_segment, c.segment) == (3, 4)
    assert c.overrides[0].kind == "decision" and c.overrides[0].decided_by == "NHSE North West"
    assert not c.provisional  # a person decided it, not the unconfirmed proposal rule
    assert "decided by NHSE North West: RSP entry agreed after review." in c.reasons[0]
    assert c.to_dict()["decision"]["segment"] == 4
    assert [got[o].rank for o in "ABCD"] == [1, 2, 4, 3]  # by segment, then flagged themes


def test_flag_moves_are_checked_by_recompute() -> None:
    inputs = quarter()
    got = run(inputs)
    d_better = next(m for m in got["D"].moves if m.to_segment == 2)
    cleared = {**inputs.outcomes, ("D", d_better.metric): {}}
    assert (
        run(replace_inputs(inputs, outcomes=cleared))["D"].proposed_segment == d_better.reaches == 2
    )
    b_worse = next(m for m in got["B"].moves if m.to_segment == 3)
    rules = load().rule_sets["nof-2022"]
    flagged = {
        **inputs.outcomes,
        ("B", b_worse.metric): {rules.flag_when[0].outcome: rules.flag_when[0].equals},
    }
    assert (
        run(replace_inputs(inputs, outcomes=flagged))["B"].proposed_segment == b_worse.reaches == 3
    )
