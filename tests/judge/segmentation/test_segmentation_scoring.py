"""Worked examples for every scoring rule of nof-2025 step 1, and combining scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from tests.judge.segmentation.segmentation_fixtures import number

from oversight.catalogue.models import ScoredMetric
from oversight.judge.segmentation.combine import average, minimum_scored, round_half_up
from oversight.judge.segmentation.scoring import percentile_ranks, score_metric


def scores(
    spec: dict, improvement: str, values: Mapping[str, float | None]
) -> dict[str, float | None]:
    result = score_metric(ScoredMetric.model_validate(spec), improvement, values)
    return {org: s.score for org, s in result.items()}


FIVE = {"A": 60.0, "B": 70.0, "C": 80.0, "D": 90.0, "E": 100.0}


def test_percentile_spread_without_bookends_runs_1_to_4() -> None:
    # p = share of the other 4 no better: 0, 1/4, 1/2, 3/4, 1 → 4 - 3p
    got = scores({"metric": "ae_4hr"}, "increase", FIVE)
    assert got == {"A": 4.0, "B": 3.25, "C": 2.5, "D": 1.75, "E": 1.0}


def test_lower_is_better_reverses_the_ranking() -> None:
    got = scores({"metric": "ae_12hr_pct"}, "decrease", {"A": 2.0, "B": 4.0, "C": 6.0})
    assert got == {"A": 1.0, "B": 2.5, "C": 4.0}


def test_meeting_the_standard_scores_1_and_the_rest_spread_2_to_4() -> None:
    spec = {"metric": "ae_4hr", "standard": number(95)}
    values = {"A": 60.0, "B": 70.0, "C": 80.0, "D": 95.0, "E": 99.0}
    got = scores(spec, "increase", values)
    # D meets the standard exactly, E beats it; A, B, C are ranked among themselves.
    assert got == {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0, "E": 1.0}


def test_failing_the_floor_scores_4_and_the_rest_spread_1_to_3() -> None:
    spec = {"metric": "ae_4hr", "floor": number(65)}
    values = {"A": 60.0, "B": 65.0, "C": 80.0, "D": 90.0}
    got = scores(spec, "increase", values)
    # B sits on the floor: not failing it (failing is strictly worse).
    assert got == {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0}


def test_standard_and_floor_spread_the_middle_2_to_3() -> None:
    spec = {"metric": "ae_4hr", "standard": number(95), "floor": number(65)}
    values = {"A": 60.0, "B": 70.0, "C": 80.0, "D": 96.0}
    assert scores(spec, "increase", values) == {"A": 4.0, "B": 3.0, "C": 2.0, "D": 1.0}


def test_bookends_on_a_lower_is_better_metric() -> None:
    spec = {"metric": "ambulance_c2_mean", "standard": number(18), "floor": number(60)}
    values = {"A": 17.0, "B": 30.0, "C": 40.0, "D": 61.0}
    assert scores(spec, "decrease", values) == {"A": 1.0, "B": 2.0, "C": 3.0, "D": 4.0}


def test_ties_take_the_best_score_of_their_cluster() -> None:
    values = {"A": 10.0, "B": 20.0, "C": 20.0, "D": 30.0}
    got = scores({"metric": "ae_4hr"}, "increase", values)
    # Untied, B and C would have p = 1/3 and 2/3 (scores 3 and 2); tied, both take 2.
    assert got == {"A": 4.0, "B": 2.0, "C": 2.0, "D": 1.0}
    assert percentile_ranks(values, "increase") == {"A": 0.0, "B": 2 / 3, "C": 2 / 3, "D": 1.0}


def test_a_single_organisation_between_the_bookends_gets_the_best_bookend() -> None:
    spec = {"metric": "ae_4hr", "standard": number(95)}
    assert scores(spec, "increase", {"A": 80.0, "B": 96.0}) == {"A": 2.0, "B": 1.0}


def test_metric_scores_are_rounded_to_2_decimals() -> None:
    values = {k: float(i) for i, k in enumerate("ABCDEFGH")}
    got = scores({"metric": "ae_4hr"}, "increase", values)
    assert got["B"] == 3.57  # 4 - 3 × 1/7 = 3.5714…


BRACKETS: dict[str, Any] = {
    "metric": "finance_vs_plan",
    "method": "brackets",
    "brackets": [
        {"score": 1, "bound": number(0)},
        {"score": 2, "bound": number(-5000)},
        {"score": 3, "bound": number(-15000)},
        {"score": 4},
    ],
}


def test_discrete_brackets() -> None:
    values = {"A": 100.0, "B": 0.0, "C": -1.0, "D": -5000.0, "E": -5001.0, "F": -20000.0}
    got = scores(BRACKETS, "increase", values)
    assert got == {"A": 1.0, "B": 1.0, "C": 2.0, "D": 2.0, "E": 3.0, "F": 4.0}


def test_missing_data_is_not_scored() -> None:
    result = score_metric(
        ScoredMetric.model_validate({"metric": "ae_4hr"}),
        "increase",
        {"A": 60.0, "B": None, "C": 80.0},
    )
    assert result["B"].score is None and result["B"].basis == "missing"
    # B takes no place in the ranking: A and C are the only two.
    assert (result["A"].score, result["C"].score) == (4.0, 1.0)


def test_unconfirmed_bookends_are_carried_on_the_scores_they_decide() -> None:
    spec = {"metric": "ae_4hr", "standard": number(95, unconfirmed=True)}
    result = score_metric(ScoredMetric.model_validate(spec), "increase", {"A": 96.0, "B": 80.0})
    assert result["A"].unconfirmed and "standard of ae_4hr (95" in result["A"].unconfirmed[0]
    plain = score_metric(ScoredMetric.model_validate({"metric": "ae_4hr"}), "increase", {"A": 1.0})
    assert plain["A"].unconfirmed == ()


def test_bracket_scores_carry_only_the_bounds_that_decided_them() -> None:
    spec = {**BRACKETS, "brackets": [dict(b) for b in BRACKETS["brackets"]]}
    spec["brackets"][2] = {"score": 3, "bound": number(-15000, unconfirmed=True)}
    result = score_metric(ScoredMetric.model_validate(spec), "increase", {"A": 10.0, "B": -9000.0})
    assert result["A"].unconfirmed == ()
    assert len(result["B"].unconfirmed) == 1 and "-15000" in result["B"].unconfirmed[0]


def test_rounding_is_half_up_on_the_decimal_value() -> None:
    assert round(2.675, 2) == 2.67  # binary floating point: why round() will not do
    assert round_half_up(2.675, 2) == 2.68
    assert round(sum([2.34, 2.35]) / 2, 2) == 2.34  # the float mean is 2.3449999…
    assert average([2.34, 2.35], 2) == 2.35
    assert average([2.67, 2.68], 2) == 2.68
    assert average([1.0, 2.0, 2.0], 2) == 1.67
    assert average([1.005, 1.0], 2) == 1.0  # off-grid scores take the decimal path: 1.0025
    assert average([], 2) is None


@pytest.mark.parametrize(
    ("share", "n", "needed"), [(0.5, 13, 7), (0.5, 4, 2), (0.5, 1, 1), (1.0, 5, 5)]
)
def test_minimum_scored_metrics(share: float, n: int, needed: int) -> None:
    assert minimum_scored(share, n) == needed


def test_whole_unit_means_equal_the_decimal_mean() -> None:
    import random
    from decimal import ROUND_HALF_UP, Decimal

    from oversight.judge.segmentation.combine import mean_of_units, units

    rng = random.Random(2)
    for _ in range(2000):
        scores = [rng.randint(100, 400) / 100 for _ in range(rng.randint(1, 18))]
        exact = sum((Decimal(repr(s)) for s in scores), Decimal(0)) / len(scores)
        expected = float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        assert mean_of_units(sum(units(s, 2) for s in scores), len(scores), 2) == expected
        assert average(scores, 2) == expected
