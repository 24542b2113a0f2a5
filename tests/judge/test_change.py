"""Change over time: the variation of the period's point and assurance against a target."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oversight.judge.change import assurance, variation
from oversight.judge.outcomes import Assurance, Variation

NAN = float("nan")


@pytest.mark.parametrize(
    ("point_type", "has_value", "expected"),
    [
        ("special_cause_improvement", True, Variation.IMPROVEMENT),
        ("special_cause_concern", True, Variation.CONCERN),
        ("special_cause_neutral_high", True, Variation.HIGHER),
        ("special_cause_neutral_low", True, Variation.LOWER),
        ("common_cause", True, Variation.COMMON_CAUSE),
        (None, True, Variation.NO_DATA),  # a figure the SPC did not reach
        ("common_cause", False, Variation.NO_DATA),  # never judged from a missing figure
    ],
)
def test_variation(point_type: str | None, has_value: bool, expected: Variation) -> None:
    limits = np.array([70.0]), np.array([80.0])
    out = variation(pd.Series([point_type], dtype=object), np.array([has_value]), *limits)
    assert list(out) == [expected]


@pytest.mark.parametrize(("lower", "upper"), [(NAN, NAN), (70.0, NAN)])
def test_a_point_without_limits_has_no_variation_to_judge(lower: float, upper: float) -> None:
    """A one-point or flat series: the reference calls it common cause with NaN limits."""
    out = variation(
        pd.Series(["common_cause"]), np.array([True]), np.array([lower]), np.array([upper])
    )
    assert list(out) == [Variation.NO_DATA]


# limits 70 to 80 throughout; sign +1 higher is better, -1 lower is better, 0 neutral
@pytest.mark.parametrize(
    ("target", "sign", "expected"),
    [
        (65.0, 1, Assurance.PASS),  # the whole process runs above the target
        (85.0, 1, Assurance.FAIL),  # the whole process runs below it
        (75.0, 1, Assurance.HIT_AND_MISS),
        (70.0, 1, Assurance.HIT_AND_MISS),  # exactly on a limit: not consistent
        (80.0, 1, Assurance.HIT_AND_MISS),
        (85.0, -1, Assurance.PASS),  # lower is better, the process runs below the target
        (65.0, -1, Assurance.FAIL),
        (75.0, -1, Assurance.HIT_AND_MISS),
        (65.0, 0, Assurance.NONE),  # a neutral metric has no assurance
        (NAN, 1, Assurance.NONE),  # no target stands
    ],
)
def test_assurance(target: float, sign: int, expected: Assurance) -> None:
    out = assurance(np.array([70.0]), np.array([80.0]), np.array([target]), np.array([sign]))
    assert list(out) == [expected]


@pytest.mark.parametrize(("lower", "upper"), [(NAN, NAN), (70.0, NAN)])
def test_a_target_without_limits_is_no_data(lower: float, upper: float) -> None:
    out = assurance(np.array([lower]), np.array([upper]), np.array([75.0]), np.array([1]))
    assert list(out) == [Assurance.NO_DATA]
    # and without a target it is simply none
    out = assurance(np.array([lower]), np.array([upper]), np.array([NAN]), np.array([1]))
    assert list(out) == [Assurance.NONE]


def test_assurance_matches_the_reference_icon_rule() -> None:
    """The reference tool (statistics.md §1.6): target > UPL → fail when higher is better and
    pass when lower is better; target < LPL the reverse; otherwise inconsistent."""
    rng = np.random.default_rng(3)
    lower = rng.normal(50, 10, 500)
    upper = lower + rng.uniform(0, 20, 500)
    target = rng.normal(55, 15, 500)
    sign = rng.choice([1, -1], 500)
    icon = np.where(
        target > upper,
        np.where(sign > 0, "fail", "pass"),
        np.where(target < lower, np.where(sign > 0, "pass", "fail"), "hit and miss"),
    )
    assert list(assurance(lower, upper, target, sign)) == list(icon)
