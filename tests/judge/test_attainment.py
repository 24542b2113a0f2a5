"""Target: met / missed / no target / no data, and on / off trajectory."""

from __future__ import annotations

import numpy as np
import pytest

from oversight.judge.attainment import TargetCheck, TargetJudgement, attainment, trajectory
from oversight.judge.outcomes import Attainment, Trajectory
from oversight.judge.standing import StandingTarget

NAN = float("nan")


@pytest.mark.parametrize(
    ("value", "target", "comparison", "expected"),
    [
        (76.0, 76.0, ">=", Attainment.MET),  # exactly on a ">=" target meets it
        (75.9, 76.0, ">=", Attainment.MISSED),
        (30.0, 30.0, "<=", Attainment.MET),
        (30.1, 30.0, "<=", Attainment.MISSED),
        (76.0, 76.0, ">", Attainment.MISSED),
        (0.0, 0.0, "==", Attainment.MET),
        (NAN, 76.0, ">=", Attainment.NO_DATA),  # never "missed" from a missing figure
        (80.0, NAN, None, Attainment.NO_TARGET),
        (NAN, NAN, None, Attainment.NO_TARGET),
    ],
)
def test_attainment(value: float, target: float, comparison: str | None, expected: str) -> None:
    out = attainment(np.array([value]), np.array([target]), np.array([comparison], dtype=object))
    assert list(out) == [expected]


def test_mixed_comparisons_in_one_frame() -> None:
    out = attainment(
        np.array([80.0, 80.0, 25.0, 35.0]),
        np.array([76.0, 90.0, 30.0, 30.0]),
        np.array([">=", ">=", "<=", "<="], dtype=object),
    )
    assert list(out) == ["met", "missed", "met", "missed"]


def test_an_unknown_comparison_is_refused() -> None:
    with pytest.raises(ValueError, match="comparison must be one of"):
        attainment(np.array([1.0]), np.array([2.0]), np.array(["=>"], dtype=object))


@pytest.mark.parametrize(
    ("value", "planned", "comparison", "expected"),
    [
        (74.2, 74.2, ">=", Trajectory.ON),
        (74.1, 74.2, ">=", Trajectory.OFF),
        (1900.0, 2000.0, "<=", Trajectory.ON),
        (2100.0, 2000.0, "<=", Trajectory.OFF),
        (74.0, NAN, ">=", Trajectory.NONE),  # no planned value for the month
        (NAN, 74.2, ">=", Trajectory.NONE),  # no figure
        (74.0, NAN, None, Trajectory.NONE),  # no target
    ],
)
def test_trajectory(value: float, planned: float, comparison: str | None, expected: str) -> None:
    out = trajectory(np.array([value]), np.array([planned]), np.array([comparison], dtype=object))
    assert list(out) == [expected]


def test_the_primary_check_is_national_where_one_stands() -> None:
    national = TargetCheck(StandingTarget("n", "national", 76.0, ">="), Attainment.MET)
    local = TargetCheck(StandingTarget("l", "local", 78.0, ">="), Attainment.MISSED)
    none = TargetCheck(None, Attainment.NO_TARGET)
    assert TargetJudgement(national, local).primary is national
    assert TargetJudgement(none, local).primary is local
    assert TargetJudgement(national, none).primary is national
    assert TargetJudgement(none, none).primary.status is Attainment.NO_TARGET
