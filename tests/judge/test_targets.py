import dataclasses
from datetime import date

import pytest

from oversight.judge.targets import TargetStatus, judge_value, planning_year


@pytest.mark.parametrize(
    ("value", "comparison", "status"),
    [
        (76.0, ">=", TargetStatus.MET),  # exactly on a ">=" target meets it
        (75.99, ">=", TargetStatus.MISSED),
        (30.0, "<=", TargetStatus.MET),
        (30.01, "<=", TargetStatus.MISSED),
        (0.0, "==", TargetStatus.MET),
        (76.0, ">", TargetStatus.MISSED),
        (76.01, ">", TargetStatus.MET),
        (75.99, "<", TargetStatus.MET),
        (76.0, "<", TargetStatus.MISSED),
    ],
)
def test_judge_value(value: float, comparison: str, status: TargetStatus) -> None:
    target = 0.0 if comparison == "==" else (30.0 if comparison == "<=" else 76.0)
    judgement = judge_value(value, target, comparison)
    assert judgement.status is status
    assert judgement.gap == pytest.approx(value - target)


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_missing_value_is_neither_met_nor_missed(missing: float | None) -> None:
    judgement = judge_value(missing, 76.0, ">=")
    assert judgement.status is TargetStatus.MISSING
    assert judgement.gap is None
    assert "cannot be judged" in judgement.sentence


@pytest.mark.parametrize(
    ("value", "sentence"),
    [
        (76.0, "76 meets the target of >= 76."),
        (75.5, "75.5 does not meet the target of >= 76."),
    ],
)
def test_judgement_reads_as_a_sentence(value: float, sentence: str) -> None:
    assert judge_value(value, 76.0, ">=").sentence == sentence


def test_a_judgement_is_a_value_that_cannot_be_changed() -> None:
    judgement = judge_value(80.0, 76.0, ">=")
    with pytest.raises(dataclasses.FrozenInstanceError):
        judgement.status = TargetStatus.MISSED  # type: ignore[misc]
    assert judgement == judge_value(80.0, 76.0, ">=")
    assert len({judgement, judge_value(80.0, 76.0, ">=")}) == 1


def test_unknown_comparison_is_rejected() -> None:
    with pytest.raises(ValueError, match="comparison must be one of"):
        judge_value(1.0, 2.0, "=>")


@pytest.mark.parametrize(
    ("period", "year"),
    [
        (date(2024, 3, 1), "2023/24"),
        (date(2024, 4, 1), "2024/25"),
        (date(2000, 1, 1), "1999/00"),
        (date(2099, 12, 1), "2099/00"),
    ],
)
def test_planning_year_runs_april_to_march(period: date, year: str) -> None:
    assert planning_year(period) == year
