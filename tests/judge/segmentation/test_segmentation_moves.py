""" "What would move you" is checked the only way that counts: apply it and recompute."""

from __future__ import annotations

import random

import pytest
from tests.judge.segmentation.segmentation_fixtures import (
    Q3,
    column,
    metrics,
    number,
    quarter,
    rule_set,
)

from oversight.catalogue import load
from oversight.judge.segmentation import CapabilityReview, FinancialStatus, Inputs, segment
from oversight.judge.segmentation.inputs import replace_inputs
from oversight.judge.segmentation.words import safe_round

TYPICAL = {
    "ae_4hr": 75, "ae_12hr_pct": 8, "ambulance_c2_mean": 35, "rtt_18wk": 60,
    "rtt_over_52wk_pct": 2, "cancer_fds_28d": 77, "cancer_62d": 74, "diagnostics_6wk": 80,
    "oap_bed_days": 500, "tt_recovery": 48, "finance_vs_plan": -3000, "sickness_absence": 5,
    "staff_leaver_rate": 9, "ucr_2hr": 72, "gp_appointments_2wk": 85,
    "dementia_diagnosis_rate": 64, "ld_health_checks": 72, "hypertension_treated": 72,
}  # fmt: skip


def random_quarter(rule_ids: tuple[str, ...], seed: int, n: int = 14) -> Inputs:
    rng = random.Random(seed)
    values = {
        (f"O{i:02}", m): round(TYPICAL[m] * (1 + rng.gauss(0, 0.12)), 1)
        for i in range(n)
        for m in rule_ids
        if rng.random() > 0.05
    }
    finance = {
        "O00": FinancialStatus(in_deficit=True),
        "O01": FinancialStatus(deficit_support=True),
    }
    return Inputs(Q3, tuple(f"O{i:02}" for i in range(n)), values, finance=finance)


def final(rules, inputs: Inputs, org: str) -> int | None:
    results = segment(rules, metrics(), inputs, explain_moves=False)
    return next(r.segment for r in results if r.org == org)


@pytest.mark.parametrize("seed", [3, 6])
@pytest.mark.parametrize("rule_id", ["nof-2025", "nof-2026"])
def test_every_metric_move_reaches_its_segment_and_is_the_smallest(rule_id: str, seed: int) -> None:
    rules = load().rule_sets[rule_id]
    inputs = random_quarter(rules.metric_ids, seed=seed)
    checked = 0
    for result in segment(rules, metrics(), inputs):
        for move in result.moves:
            if move.metric is None:
                continue
            assert result.segment is not None and move.to_value is not None
            improving = move.to_segment < result.segment

            def segment_with(metric: str, value: float) -> int | None:
                return final(rules, inputs.with_value(result.org, metric, value), result.org)  # noqa: B023

            got = final(
                rules, inputs.with_value(result.org, move.metric, move.to_value), result.org
            )
            assert got == move.reaches
            assert got is not None and (
                got <= move.to_segment if improving else got >= move.to_segment
            )
            up = metrics()[move.metric].improvement == "increase"
            better = 1.0 if up == improving else -1.0  # the direction of the move
            edge, shown = move.breakpoint, move.shown_value
            assert edge is not None and shown is not None
            hair = 1e-7 * max(1.0, abs(edge))
            # the smallest: one step less does not move it (the breakpoint itself when the
            # move passes it, a hair before the breakpoint when the move reaches it)
            short = edge if move.beyond else edge - better * hair
            assert segment_with(move.metric, short) == result.segment
            # acting on the figure the sentence shows makes the move too
            acted = shown + better * hair if move.beyond else shown
            got = segment_with(move.metric, acted)
            assert got is not None
            assert got <= move.to_segment if improving else got >= move.to_segment
            checked += 1
    assert checked > 5  # the search found moves to check



def test_the_search_tries_each_value_once_per_move(monkeypatch: pytest.MonkeyPatch) -> None:
    """The value a move reaches was tried by the search already: its segment is kept, not
    worked out again (a quarter's search is most of an incremental judgement's CPU)."""
    from oversight.judge.segmentation import trial

    tried: list[tuple[trial.Trial, float]] = []  # each search has a trial of its own
    real = trial.Trial.segment

    def counted(self: trial.Trial, value: float) -> int | None:
        tried.append((self, value))
        return real(self, value)

    monkeypatch.setattr(trial.Trial, "segment", counted)
    rules = load().rule_sets["nof-2025"]
    results = segment(rules, metrics(), random_quarter(rules.metric_ids, seed=3))
    assert sum(1 for r in results for m in r.moves if m.metric is not None) > 5
    assert len({(id(t), v) for t, v in tried}) == len(tried)


def test_worsening_move_needs_to_pass_the_breakpoint_not_reach_it() -> None:
    rules = rule_set([{"metric": "ae_4hr"}])
    eight = {f"O{i}": float(i) for i in range(1, 9)}
    inputs = quarter(column("ae_4hr", eight))
    o5 = next(r for r in segment(rules, metrics(), inputs) if r.org == "O5")
    assert o5.segment == 2
    worse = next(m for m in o5.moves if m.to_segment == 3 and m.metric)
    # O5 (5%) falls to segment 3 once it is below O4 (4%): tying with O4 keeps it level.
    assert (
        worse.sentence
        == "Would fall to segment 3 if A&E: seen within 4 hours fell below 4% (now 5%)."
    )
    assert final(rules, inputs.with_value("O5", "ae_4hr", 4.0), "O5") == 2
    assert final(rules, inputs.with_value("O5", "ae_4hr", 3.99), "O5") == 3
    better = next(m for m in o5.moves if m.to_segment == 1 and m.metric)
    assert (
        better.sentence
        == "To reach segment 1: raise A&E: seen within 4 hours from 5% to at least 7%."
    )


def test_override_moves_are_checked_by_recompute() -> None:
    rules = rule_set([{"metric": "ae_4hr"}])
    eight = {f"O{i}": float(i) for i in range(1, 9)}
    review = CapabilityReview("O1", Q3, "NHSE", "capability review found serious concerns", True)
    inputs = quarter(
        column("ae_4hr", eight), finance={"O8": FinancialStatus(in_deficit=True)}, reviews=(review,)
    )
    got = {r.org: r for r in segment(rules, metrics(), inputs)}
    leave = next(m for m in got["O8"].moves if m.override == "financial")
    assert leave.sentence == "To reach segment 1: leave deficit and deficit support."
    assert got["O8"].segment == 3 and leave.to_segment == 2  # a move up, towards segment 1
    assert final(rules, replace_inputs(inputs, finance={}), "O8") == leave.reaches == 1
    assert got["O1"].segment == 5
    out = next(m for m in got["O1"].moves if m.override == "capability_review")
    assert final(rules, replace_inputs(inputs, reviews=()), "O1") == out.reaches == 4
    into = next(m for m in got["O2"].moves if m.override == "capability_review")
    assert into.to_segment == 5 and into.reaches == 5
    assert "only if a recorded capability review" in into.sentence
    deficit = next(m for m in got["O6"].moves if m.override == "financial")
    assert deficit.reaches == 3 and "went into deficit" in deficit.sentence
    assert got["O6"].segment == 2 and deficit.to_segment == 3  # a move down


def test_without_a_financial_override_no_move_is_about_deficit() -> None:
    rules = rule_set([{"metric": "ae_4hr"}], financial_override=None)
    eight = {f"O{i}": float(i) for i in range(1, 9)}
    inputs = quarter(column("ae_4hr", eight), finance={"O8": FinancialStatus(in_deficit=True)})
    got = {r.org: r for r in segment(rules, metrics(), inputs)}
    assert got["O8"].segment == 1 and not got["O8"].overrides  # deficit caps nothing here
    assert [m for r in got.values() for m in r.moves if m.override == "financial"] == []
    assert all(r.moves for r in got.values())  # each still has its metric moves


def test_shown_figures_take_up_to_6_decimals_to_differ_from_now() -> None:
    from oversight.judge.segmentation.words import safe_figure

    assert safe_figure(1.00002, 1.00004, up=False) == (1.00004, 5)
    assert safe_figure(1.000002, 1.000004, up=False) == (1.000004, 6)
    assert safe_figure(1.0000002, 1.0000004, up=False) == (1.0, 6)  # the most it shows


def test_no_metric_move_out_of_the_financial_cap() -> None:
    rules = rule_set([{"metric": "ae_4hr"}])
    eight = {f"O{i}": float(i) for i in range(1, 9)}
    inputs = quarter(column("ae_4hr", eight), finance={"O8": FinancialStatus(in_deficit=True)})
    o8 = next(r for r in segment(rules, metrics(), inputs) if r.org == "O8")
    assert [m for m in o8.moves if m.metric and m.to_segment < 3] == []


@pytest.mark.parametrize(
    ("value", "up", "shown"),
    [
        (74.031, True, 74.04),
        (74.031, False, 74.03),
        (74.0, True, 74.0),
        (-5000.004, False, -5000.01),
    ],
)
def test_safe_rounding_never_overstates(value: float, up: bool, shown: float) -> None:
    assert safe_round(value, up=up) == shown


def test_says_so_when_no_single_metric_can_move_it() -> None:
    ids = ("ae_4hr", "rtt_18wk", "cancer_62d", "diagnostics_6wk")
    rules = rule_set([{"metric": m} for m in ids], thresholds=[1.75, 2.5, 3.25])
    five = {f"O{i}": float(i) for i in range(1, 6)}
    inputs = quarter({k: v for m in ids for k, v in column(m, five).items()})
    best = next(r for r in segment(rules, metrics(), inputs) if r.org == "O5")
    # all four scores 1.00; the worst one metric can do is 4.00, an average of exactly 1.75
    assert best.segment == 1 and best.average == 1.0
    assert final(rules, inputs.with_value("O5", "ae_4hr", 0.0), "O5") == 1
    assert [m.sentence for m in best.moves if m.metric is None and m.override is None] == [
        "No change in one metric alone would move it to segment 2."
    ]


def test_bracket_reasons_name_the_bound_reached() -> None:
    spec = {
        "metric": "finance_vs_plan",
        "method": "brackets",
        "brackets": [{"score": 1, "bound": {"value": 0, "source": "t"}}, {"score": 4}],
    }
    inputs = quarter(column("finance_vs_plan", {"A": 10.0, "B": -10.0}))
    got = {r.org: r for r in segment(rule_set([spec]), metrics(), inputs)}
    assert (
        "Financial position against plan: £10k, at least as good as the bracket bound of £0k: "
        "score 1.00." in got["A"].reasons
    )
    assert "-£10k, in the last bracket, beyond every bound: score 4.00." in " ".join(
        got["B"].reasons
    )


def test_a_middle_bracket_reason_names_both_bounds() -> None:
    """-£5.03k in the bracket bounded by -£5,000k and £0k: "reaches -£5,000k" alone was heard
    as "is down at -£5,000k"."""
    spec = {
        "metric": "finance_vs_plan",
        "method": "brackets",
        "brackets": [{"score": 1, "bound": {"value": 0, "source": "t"}},
                     {"score": 2, "bound": {"value": -5000, "source": "t"}}, {"score": 4}],
    }
    inputs = quarter(column("finance_vs_plan", {"A": -5.03, "B": 1.0}))
    got = {r.org: r for r in segment(rule_set([spec]), metrics(), inputs)}
    assert (
        "Financial position against plan: -£5.03k, at least as good as the bracket bound of "
        "-£5,000k but not £0k: score 2.00." in got["A"].reasons
    )


def test_shown_figures_get_the_decimals_to_differ_from_now() -> None:
    from oversight.judge.segmentation.words import safe_figure

    assert safe_figure(0.8634, 0.8612, up=False) == (0.861, 3)
    assert safe_figure(71.3, 71.568, up=True) == (71.57, 2)


def test_no_deficit_move_is_offered_where_going_into_deficit_changes_nothing() -> None:
    """A cap of 2.5 makes an organisation in deficit no better than segment 2: one already
    in segment 2 would stay there, so it is offered no move into deficit."""
    rules = rule_set([{"metric": "ae_4hr"}], financial_override=number(2.5))
    eight = {f"O{i}": float(i) for i in range(1, 9)}
    got = {r.org: r for r in segment(rules, metrics(), quarter(column("ae_4hr", eight)))}
    assert (got["O6"].segment, got["O8"].segment) == (2, 1)
    assert [m for m in got["O6"].moves if m.override == "financial"] == []
    (fall,) = [m for m in got["O8"].moves if m.override == "financial"]
    assert fall.sentence == "Would fall to segment 2 if it went into deficit."
