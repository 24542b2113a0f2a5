"""Trigger proposals from segments, SPC concern runs, CQC ratings and manual requests."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from oversight.catalogue import load
from oversight.judge.escalation.triggers import (
    Trigger,
    TriggerPolicy,
    concern_runs,
    propose,
)

CONCERN = "special_cause_concern"
COMMON = "common_cause"


def spc(org: str, metric: str, flags: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metric_id": metric,
            "org_code": org,
            "period": [dt.date(2025, m + 1, 1) for m in range(len(flags))],
            "spc_point_type": flags,
        }
    )


def test_concern_runs_count_the_run_ending_at_the_latest_month() -> None:
    rows = pd.concat(
        [
            spc("QOP", "ae_4hr", [COMMON, CONCERN, CONCERN, CONCERN]),  # 3: fires
            spc("QHL", "ae_4hr", [CONCERN, CONCERN, CONCERN, COMMON]),  # ended: no
            spc("QMJ", "ae_4hr", [COMMON, COMMON, CONCERN, CONCERN]),  # 2: too short
            spc("QWE", "local_only", [CONCERN] * 4),  # not a national-target metric
        ]
    ).sample(frac=1, random_state=1)  # order must not matter
    assert concern_runs(rows, {"ae_4hr"}, 3) == {("QOP", "ae_4hr"): 3}
    assert concern_runs(rows, {"ae_4hr", "local_only"}, 2) == {
        ("QOP", "ae_4hr"): 3,
        ("QMJ", "ae_4hr"): 2,
        ("QWE", "local_only"): 4,
    }


def test_concern_runs_of_nothing() -> None:
    assert concern_runs(spc("QOP", "ae_4hr", []), {"ae_4hr"}, 3) == {}


def test_propose_gathers_every_trigger_per_organisation() -> None:
    proposals = propose(
        segments={"QOP": 5, "QHL": 4, "QMJ": 1},
        concerns={("QOP", "ae_4hr"): 4, ("QWE", "rtt_18wk"): 3},
        cqc_ratings={"RW3": "Inadequate", "RBS": "Requires improvement", "QMJ": "inadequate"},
        manual={"QHL": "Whistleblowing concerns raised by the regional team"},
        policy=TriggerPolicy.of(load().escalation_policy()),
    )
    by_org = {p.org: [t.kind for t in p.triggers] for p in proposals}
    assert by_org == {
        "QHL": ["manual"],
        "QMJ": ["cqc_inadequate"],
        "QOP": ["segment", "spc_concern"],
        "QWE": ["spc_concern"],
        "RW3": ["cqc_inadequate"],
    }
    assert [p.org for p in proposals] == sorted(by_org)
    qop = next(p for p in proposals if p.org == "QOP")
    assert qop.triggers[1].detail == "special-cause concern on ae_4hr for 4 consecutive months"


def test_the_policy_is_configurable() -> None:
    policy = TriggerPolicy.of(load().escalation_policy(), lowest_segment=4, concern_months=5)
    proposals = propose(
        segments={"QOP": 5, "QHL": 4, "QMJ": 3},
        concerns={("QWE", "ae_4hr"): 4},
        policy=policy,
    )
    assert [p.org for p in proposals] == ["QHL", "QOP"]
    assert policy.open_cases is False  # the shipped policy only proposes


def test_an_unknown_trigger_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="manual"):
        Trigger("whim", "because")
