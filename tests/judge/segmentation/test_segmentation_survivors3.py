"""More demo-free tests for judge/segmentation mutants the fifth pass's sample left alive
(issue 18): recorded judgements' emptiness, the average score in a result's JSON, and which
monthly rows a quarter's inputs are formed from."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from tests.judge.segmentation.segmentation_fixtures import Q3, column, metrics, quarter, rule_set

from oversight.catalogue import load
from oversight.judge.segmentation import artefact
from oversight.judge.segmentation.inputs import CapabilityReview, FinancialStatus, SegmentDecision
from oversight.judge.segmentation.recorded import NOTHING, Recordings
from oversight.period import Period

CAT = load()


def test_recordings_are_empty_only_without_any_judgement() -> None:
    assert NOTHING.empty
    review = CapabilityReview("A", Q3, "a director", "fine")
    decision = SegmentDecision("A", Q3, "a director", "agreed", segment=2)
    assert not Recordings({"A": FinancialStatus(in_deficit=True)}, (), ()).empty
    assert not Recordings({}, (review,), ()).empty
    assert not Recordings({}, (), (decision,)).empty


def test_a_scored_results_json_carries_its_average_score() -> None:
    rules = rule_set([{"metric": "ae_4hr"}])
    inputs = quarter(column("ae_4hr", {"A": 70.0, "B": 80.0, "C": 90.0, "D": 95.0}))
    for r in artefact.segment_quarter(rules, metrics(), inputs):
        assert r.average is not None
        assert r.to_dict()["average_score"] == r.average


def test_quarter_inputs_are_formed_from_the_rule_sets_organisations_rows_only() -> None:
    rules = CAT.rule_sets["nof-2026"]
    period = Period.parse_quarter("2026-Q2")
    icbs = sorted(i.code for i in CAT.icbs_on(period.end))
    metric = rules.metric_ids[0]
    rows = [
        (org_type, org, month, value)
        for month in (dt.date(2026, 4, 1), dt.date(2026, 5, 1), dt.date(2026, 6, 1))
        for org_type, org, value in (
            ("icb", icbs[0], 50.0),
            ("icb", "ZZZ", 60.0),  # no ICB of the quarter: left out
            ("region", icbs[1], 70.0),  # another type's row that shares a code: left out
        )
    ]
    monthly = pd.DataFrame(rows, columns=["org_type", "org_code", "period", "value"])
    monthly["metric_id"] = metric
    got = artefact.quarter_inputs(CAT, rules, monthly, None, period, NOTHING)
    assert dict(got.values) == {(icbs[0], metric): 50.0}
    assert got.orgs == tuple(icbs)


def test_nof_2022_outcomes_are_the_rule_sets_metrics_of_its_type_in_the_quarter_only() -> None:
    rules = CAT.rule_sets["nof-2022"]
    period = Period.parse_quarter("2025-Q3")
    icbs = sorted(i.code for i in CAT.icbs_on(period.end))
    other = next(m for m in sorted(CAT.metrics) if m not in rules.metric_ids)
    judged = pd.DataFrame(
        [
            ("icb", icbs[0], "ae_4hr", dt.date(2025, 8, 1), "concern"),  # kept
            ("icb", icbs[0], other, dt.date(2025, 8, 1), "concern"),  # not the rule set's
            ("region", icbs[1], "ae_4hr", dt.date(2025, 8, 1), "concern"),  # another type's
            ("icb", icbs[1], "ae_4hr", dt.date(2025, 6, 1), "concern"),  # the quarter before
        ],
        columns=["org_type", "org_code", "metric_id", "period", "variation"],
    )
    judged["breakdown"] = "total"
    judged["vs_england"] = "worse"
    monthly = pd.DataFrame(columns=["metric_id", "org_type", "org_code", "period", "value"])
    values = pd.DataFrame(columns=["org", "metric", "value", "months", "pooled"])
    got = artefact.quarter_inputs(CAT, rules, monthly, judged, period, NOTHING, values)
    assert dict(got.outcomes) == {
        (icbs[0], "ae_4hr"): {"vs_england": "worse", "variation": "concern"}
    }
