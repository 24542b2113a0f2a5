"""Shared argument checks of the statistics modules (stats._validate), at their boundaries."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oversight.stats import _validate as v


def test_as_array_rejects_nan_naming_the_first_index_unless_allowed() -> None:
    assert v.as_array("x", [1, 2]).dtype == np.float64
    with pytest.raises(ValueError, match=r"^x: missing \(NaN\) value at index 2$"):
        v.as_array("x", [1.0, 2.0, math.nan, math.nan])
    assert np.isnan(v.as_array("x", [math.nan], allow_nan=True)[0])
    assert v.as_array("x", []).size == 0
    with pytest.raises(ValueError, match=r"^n: values must be numeric"):
        v.as_array("n", ["a"])


def test_failures_name_the_first_position_in_one_or_more_dimensions() -> None:
    with pytest.raises(ValueError, match=r"^x: negative value at index 1$"):
        v.nonnegative("x", np.array([0.0, -1.0, -2.0]))
    with pytest.raises(ValueError, match=r"^x: negative value at index \(1, 0\)$"):
        v.nonnegative("x", np.array([[0.0, 1.0], [-1.0, 2.0]]))
    with pytest.raises(ValueError, match=r"^x: negative value at index \(\)$"):
        v.fail_where(np.array(True), "x", "negative value")
    v.fail_where(np.array([False, False]), "x", "never")


def test_zero_is_nonnegative_but_not_positive() -> None:
    v.nonnegative("x", np.array([0.0, 3.0]))
    v.nonnegative("x", np.array([]))
    with pytest.raises(ValueError, match=r"^n: value must be greater than zero at index 1$"):
        v.positive("n", np.array([2.0, 0.0]))
    v.positive("n", np.array([1e-300]))
    v.positive("n", np.array([]))


def test_finite_rejects_infinity() -> None:
    v.finite("x", np.array([1.0, -2.0]))
    with pytest.raises(ValueError, match=r"^x: value must be finite at index 1$"):
        v.finite("x", np.array([1.0, math.inf]))


def test_same_shape_names_the_odd_one_out() -> None:
    v.same_shape(x=np.zeros(3), n=np.ones(3), m=np.ones(3))
    with pytest.raises(ValueError, match=r"^m: shape \(2,\) does not match x shape \(3,\)$"):
        v.same_shape(x=np.zeros(3), n=np.ones(3), m=np.ones(2))


@pytest.mark.parametrize(
    ("given", "levels"),
    [
        (0.9, (0.9,)),
        (1, (1.0,)),
        (90, (0.9,)),
        (100, (1.0,)),
        (95, (0.95,)),
        ([0.95, 0.998], (0.95, 0.998)),
    ],
)
def test_confidence_levels_at_the_edges_of_the_allowed_ranges(
    given: float | list[float], levels: tuple[float, ...]
) -> None:
    assert v.confidence_levels(given) == pytest.approx(levels)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (0.8999, "must be between 0.9 and 1 or 90 and 100"),
        (1.0001, "must be between 0.9 and 1 or 90 and 100"),
        (89.99, "must be between 0.9 and 1 or 90 and 100"),
        (100.01, "must be between 0.9 and 1 or 90 and 100"),
        (math.nan, "must be between 0.9 and 1 or 90 and 100"),
        ([], "give one level"),
        ([0.95, 0.998, 0.999], "give one level"),
        ([95, 99.8], "two levels may only be given as exactly"),
        ([0.95, 0.99], "two levels may only be given as exactly"),
        (["x"], "not a number at index 0"),
    ],
)
def test_confidence_levels_refused(given: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        v.confidence_levels(given)  # type: ignore[arg-type]


def test_two_levels_as_percentages_are_allowed_only_without_the_exact_pair_rule() -> None:
    assert v.confidence_levels([95, 99.8], exact_pair=False) == pytest.approx((0.95, 0.998))
    with pytest.raises(ValueError, match="two levels may only be given as exactly"):
        v.confidence_levels([95, 99], exact_pair=False)


def test_interval_column_names() -> None:
    assert v.ci_names((0.95,)) == [("lowercl", "uppercl")]
    assert v.ci_names((0.95, 0.998)) == [
        ("lower95_0cl", "upper95_0cl"),
        ("lower99_8cl", "upper99_8cl"),
    ]


def test_two_sided_normal_quantile() -> None:
    assert v.z_two_sided(0.95) == pytest.approx(1.959963984540054, rel=1e-12)
    assert v.z_two_sided(0.998) == pytest.approx(3.090232306167813, rel=1e-12)
    assert v.z_two_sided(1.0) == math.inf


@pytest.mark.parametrize("bad", [0, 0.0, math.inf, -math.inf, math.nan])
def test_multiplier_must_be_finite_and_non_zero(bad: float) -> None:
    with pytest.raises(ValueError, match=r"multiplier: .* must be finite and non-zero"):
        v.multiplier_value(bad)


def test_a_negative_multiplier_is_allowed() -> None:
    assert v.multiplier_value(-100) == -100.0
