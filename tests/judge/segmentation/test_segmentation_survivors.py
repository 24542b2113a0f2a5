"""Tests that kill judge/segmentation mutants a mutation run left alive (issue 18): which bracket
bounds a score names as unconfirmed, averaging scores off the grid of decimals, and the stored
quarter's format, defaults and encoding."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from tests.judge.segmentation.segmentation_fixtures import metrics, number

from oversight.catalogue.models import ScoredMetric
from oversight.judge.segmentation import artefact
from oversight.judge.segmentation.combine import average
from oversight.judge.segmentation.scoring import score_metric


def _brackets(*unconfirmed: bool) -> dict[str, Any]:
    bounds = (0, -5000, -15000)
    return {
        "metric": "finance_vs_plan",
        "method": "brackets",
        "brackets": [
            *({"score": i + 1, "bound": number(b, unconfirmed=u)}
              for i, (b, u) in enumerate(zip(bounds, unconfirmed, strict=True))),
            {"score": 4},
        ],
    }  # fmt: skip


def _named(spec: dict[str, Any], value: float) -> tuple[float | None, tuple[str, ...]]:
    got = score_metric(ScoredMetric.model_validate(spec), "increase", {"A": value})["A"]
    return got.score, got.unconfirmed


def test_only_the_bound_just_passed_and_the_one_met_decide_a_bracket_score() -> None:
    # -9000 passes the bounds 0 and -5000 and meets -15000: the unconfirmed 0 decides nothing.
    assert _named(_brackets(True, False, False), -9000.0) == (3.0, ())
    score, named = _named(_brackets(True, True, False), -9000.0)
    assert score == 3.0 and len(named) == 1 and "(-5000:" in named[0]
    # Past every bound: the last one passed decides the score of 4, the earlier ones do not.
    score, named = _named(_brackets(True, True, True), -20000.0)
    assert score == 4.0 and len(named) == 1 and "(-15000:" in named[0]
    assert _named(_brackets(True, True, False), -20000.0) == (4.0, ())


def test_average_of_a_score_just_below_zero_takes_the_decimal_path() -> None:
    # 0.01 and -0.000000001 average to 0.0049999995, which rounds down, not to 0.01 as it would
    # if the second score were taken as 0 units.
    assert average([0.01, -1e-9], 2) == 0.0
    assert average([0.01, 0.0], 2) == 0.01


def _stored_quarter() -> tuple[Any, Any]:
    from tests.judge.segmentation.segmentation_fixtures import column, quarter, rule_set

    rules = rule_set([{"metric": "ae_4hr"}])
    return rules, quarter(column("ae_4hr", {"A": 70.0, "B": 80.0, "C": 90.0, "D": 95.0}))


def test_a_stored_quarter_says_format_1_and_no_moves_unless_searched(tmp_path: Path) -> None:
    rules, inputs = _stored_quarter()
    results = artefact.segment_quarter(rules, metrics(), inputs)
    assert all(not r.moves for r in results)
    data = json.loads(artefact._document(rules, inputs, results))
    assert (data["format"], data["moves"]) == (1, False)
    stored = artefact.Stored(tmp_path, data)
    assert stored.moves_searched is False
    assert artefact.Stored(tmp_path, {}).moves_searched is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        stored.path = tmp_path / "elsewhere"  # type: ignore[misc]


def test_a_stored_segmentation_refuses_a_value_that_is_not_a_number() -> None:
    # NaN is not JSON: a file holding it could not be read by a strict reader.
    with pytest.raises(ValueError):
        artefact._ENCODE({"x": float("nan")})


def test_the_league_table_sentence_names_the_average_score_as_the_tie_break() -> None:
    from oversight.judge.segmentation.explain import why

    rules, inputs = _stored_quarter()
    result = dataclasses.replace(
        artefact.segment_quarter(rules, metrics(), inputs)[0], rank=2, ranked_of=4
    )
    said = [s for s in why(rules, metrics(), result) if s.startswith("League table")]
    assert said == ["League table: 2 of 4 by segment, then average score (lower is better)."]
