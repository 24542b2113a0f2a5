"""A judgement holds the three answers side by side, refuses to judge a missing figure, and
serialises to the JSON shape of issue 10."""

from __future__ import annotations

import json

import pytest
from tests.judge.judge_fixtures import LOCAL, change, judgement, missing, subject, target

from oversight.judge.attainment import TargetCheck
from oversight.judge.outcomes import Assurance, Attainment, Trajectory, Variation


@pytest.mark.parametrize(
    "part",
    [
        {"change": change(variation=Variation.CONCERN)},
        {"change": change(variation=Variation.NO_DATA, assurance=Assurance.FAIL)},
        {"target": target(Attainment.MISSED)},
    ],
)
def test_nothing_is_judged_from_a_missing_figure(part: dict) -> None:
    base = {
        "change": change(variation=Variation.NO_DATA, assurance=Assurance.NO_DATA),
        "target": target(Attainment.NO_DATA),
    }
    with pytest.raises(ValueError, match="has no figure, so nothing can be judged"):
        missing_subject = subject(value=None)
        judgement(subject=missing_subject, **{**base, **part})


def test_a_missing_figure_with_no_data_outcomes_is_fine() -> None:
    j = missing()
    assert j.disagreements == ()
    assert j.to_dict()["value"] is None


def test_json_shape() -> None:
    j = judgement(
        change=change(variation=Variation.IMPROVEMENT, local_target=LOCAL),
        target=target(local=TargetCheck(LOCAL, Attainment.MISSED, Trajectory.OFF)),
    )
    out = json.loads(json.dumps(j.to_dict()))
    assert {"org", "metric", "period", "change", "position", "target", "disagreements"} <= set(out)
    assert (out["org"], out["metric"], out["period"]) == ("QMJ", "ae_4hr", "2024-03")
    assert out["change"] | {"sentence": ""} == {
        "variation": "improvement",
        "assurance": "fail",
        "target_id": "2023-24-UEC1",
        "local_assurance": "none",
        "local_target_id": "QMJ-ae_4hr-2023-24-v2",
        "sentence": "",
    }
    assert {k: out["position"][k] for k in ("vs_england", "funnel", "peer_rank", "peer_count")} == {
        "vs_england": "worse",
        "funnel": "none",
        "peer_rank": 5,
        "peer_count": 8,
    }
    assert out["target"]["target_id"] == "2023-24-UEC1"
    assert (out["target"]["scope"], out["target"]["status"], out["target"]["trajectory"]) == (
        "national",
        "missed",
        "none",
    )
    assert out["target"]["local"] == {
        "target_id": "QMJ-ae_4hr-2023-24-v2",
        "scope": "local",
        "value": 78.0,
        "status": "missed",
        "trajectory": "off",
    }
    # off its local trajectory, but not stable (improving): only one flag
    assert out["disagreements"] == ["worse_than_england_but_improving"]
    for part in ("change", "position", "target"):
        assert out[part]["sentence"] == getattr(j, f"{part}_sentence")
    assert out["summary"] == j.summary
