"""The fast trial of "what would move you" (judge.segmentation.trial) gives exactly what rescoring
the metric and cutting the quarter again gives, for every organisation, metric and tried figure:
quartile and threshold cuts, standards, floors, brackets, ties, missing values, too few scored
metrics, and the overrides after the cut."""

from __future__ import annotations

import random
from typing import Any

import pytest
from tests.judge.segmentation.segmentation_fixtures import Q3, metrics, number, rule_set

from oversight.catalogue import load
from oversight.catalogue.models import RuleSet
from oversight.judge.segmentation import CapabilityReview, FinancialStatus, Inputs, compute, trial
from oversight.judge.segmentation.combine import units
from oversight.judge.segmentation.trial import Column


def _slow(
    rules: RuleSet, inputs: Inputs, rest: compute.Totals, org: str, metric: str, value: float
) -> int | None:
    """The segment as the search computed it before: the metric rescored with the figure,
    the other metrics' sums (`rest`) added, the quarter cut and overridden again."""
    column = {o: inputs.value(o, metric) for o in inputs.orgs}
    changed = compute.score_one(rules, METRICS, inputs, metric, {**column, org: value})
    sums = dict(rest)
    for o, s in changed.items():
        if s.score is not None:
            total, count = sums[o]
            sums[o] = (total + units(s.score, rules.average_decimals), count + 1)
    return compute.final_segment(rules, inputs, sums, org)


def _quarter(rules: RuleSet, seed: int, n: int) -> Inputs:
    """Values on a coarse grid (so ties are common), some missing, overrides recorded."""
    rng = random.Random(seed)
    values = {
        (f"O{i:02}", m): float(rng.randint(0, 12) * 5)
        for i in range(n)
        for m in rules.metric_ids
        if rng.random() > 0.2
    }
    finance = {
        "O00": FinancialStatus(in_deficit=True),
        "O03": FinancialStatus(deficit_support=True),
    }
    reviews = tuple(
        CapabilityReview(f"O{i:02}", Q3, "nhse", "review", intensive_support=True)
        for i in (1, 2, 4, 5)
    )
    orgs = tuple(f"O{i:02}" for i in range(n))
    return Inputs(Q3, orgs, values, finance=finance, reviews=reviews)


SCORED: list[dict[str, Any]] = [
    {"metric": "ae_4hr", "standard": number(50)},
    {"metric": "ambulance_c2_mean", "standard": number(10), "floor": number(50)},
    {"metric": "rtt_18wk", "floor": number(15)},
    {"metric": "cancer_62d"},
    {
        "metric": "diagnostics_6wk",
        "method": "brackets",
        "brackets": [
            {"bound": number(45), "score": 1.0},
            {"bound": number(25), "score": 2.5},
            {"bound": None, "score": 4.0},
        ],
    },
]

METRICS = metrics()
RULES = {
    "quartiles": rule_set(SCORED, share=0.6),
    "thresholds": rule_set(SCORED, thresholds=[1.9, 2.5, 3.1], share=0.6),
    "nof-2025": load().rule_sets["nof-2025"],
    "nof-2026": load().rule_sets["nof-2026"],
}


@pytest.mark.parametrize("name", sorted(RULES))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_trial_equals_cutting_the_quarter_again(name: str, seed: int) -> None:
    rules = RULES[name]
    inputs = _quarter(rules, seed, n=3 + 4 * seed)
    base = compute.score_all(rules, METRICS, inputs)
    rng = random.Random(seed)
    tried = 0
    for metric in rules.metric_ids:
        rest = compute.totals(rules, base, inputs.orgs, skip=metric)
        column = Column(rules, METRICS, inputs, metric, rest)
        figures = sorted({v for v in inputs.metric_values(metric).values()})
        for org in inputs.orgs:
            if inputs.value(org, metric) is None:
                continue  # the search tries only figures an organisation has
            trial = column.trial(org)
            near = [f + d for f in figures for d in (-1e-9, 0.0, 1e-9)]
            for value in [*near, -1.0, 0.0, 61.0, rng.uniform(-5, 65)]:
                assert trial.segment(value) == _slow(rules, inputs, rest, org, metric, value), (
                    name, org, metric, value
                )
                tried += 1
    assert tried > 100


def test_the_percentile_table_every_trial_shares_cannot_be_written_to() -> None:
    rules = RULES["quartiles"]
    trial._table.cache_clear()  # made here, not taken from an earlier test's trials

    def table(inputs: Inputs) -> Any:
        base = compute.score_all(rules, METRICS, inputs)
        rest = compute.totals(rules, base, inputs.orgs, skip="cancer_62d")
        return Column(rules, METRICS, inputs, "cancer_62d", rest).table(5)

    first, second = table(_quarter(rules, 1, 12)), table(_quarter(rules, 2, 9))
    assert first is second  # one table per spread and size, shared by every quarter's trials
    assert first.tolist() == [units(s, rules.average_decimals) for s in (4, 3.25, 2.5, 1.75, 1)]
    with pytest.raises(ValueError, match="read-only"):
        first[0] = 0
