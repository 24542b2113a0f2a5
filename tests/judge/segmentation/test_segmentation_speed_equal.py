"""What the stored segments' build shares or caches for speed gives what it replaced
(issue 10): the quarter values formed once per organisation type (`artefact.Formed`) give
each rule set the inputs that filtering the frame does."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from oversight.catalogue import load
from oversight.judge.segmentation import artefact
from oversight.judge.segmentation.quarter import quarter_values
from oversight.judge.segmentation.recorded import NOTHING
from oversight.period import Period

CAT = load()
QUARTER = Period.parse_quarter("2025-Q3")


def _monthly(orgs: list[str], metrics: list[str]) -> pd.DataFrame:
    """Monthly total rows: some with numerators, one organisation lacking a month of one
    metric (no quarter value), one value missing, and an organisation of no rule set."""
    rows = []
    for i, org in enumerate([*orgs, "ZZZ"]):
        for j, metric in enumerate(metrics):
            for k, month in enumerate((7, 8, 9)):
                if i == 1 and j == 0 and k == 2:
                    continue
                value = None if (i, j, k) == (2, 1, 0) else 10.0 + i * 1.7 + j * 0.3 + k / 7
                rows.append(
                    {
                        "metric_id": metric,
                        "org_type": "icb",
                        "org_code": org,
                        "period": dt.date(2025, month, 1),
                        "group": "total",
                        "numerator": float(i + k + 1) if j % 2 else None,
                        "denominator": float(i + 10) if j % 2 else None,
                        "value": value,
                    }
                )
    return pd.DataFrame(rows)


def test_formed_values_give_the_frames_inputs() -> None:
    orgs = sorted(icb.code for icb in CAT.icbs_on(QUARTER.end))[:6]
    every = sorted({m for r in CAT.rule_sets.values() for m in r.metric_ids})
    monthly = _monthly(orgs, every)
    frame = quarter_values(monthly, {m: CAT.metrics[m] for m in every}, QUARTER)
    formed = artefact.Formed(frame)
    for rules in sorted(CAT.rule_sets):
        rule_set = CAT.rule_sets[rules]
        args = (CAT, rule_set, monthly, None, QUARTER, NOTHING)
        by_frame = artefact.quarter_inputs(*args, frame)
        by_formed = artefact.quarter_inputs(*args, formed)
        assert by_formed == by_frame
        assert list(by_formed.values.items()) == list(by_frame.values.items())
        assert artefact.inputs_to_data(by_formed) == artefact.inputs_to_data(by_frame)
        assert by_formed.values  # the rule set's metrics have values
