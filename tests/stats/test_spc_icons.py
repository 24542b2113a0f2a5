"""Variation and assurance icons (statistics.md §1.6), worked by hand."""

from __future__ import annotations

import pytest

from oversight.stats.spc import spc

# [1, 2] × 7 then a last point: mean and AMR come from the whole series.
BASE = [1.0, 2.0] * 7


@pytest.mark.parametrize(
    ("improvement", "last", "icon"),
    [
        ("increase", 9.0, "improvement_high"),
        ("decrease", 9.0, "concern_high"),
        ("neutral", 9.0, "neutral_high"),
        ("increase", -6.0, "concern_low"),
        ("decrease", -6.0, "improvement_low"),
        ("neutral", -6.0, "neutral_low"),
        ("increase", 1.0, "common_cause"),
    ],
)
def test_variation_icon_comes_from_the_last_point(improvement: str, last: float, icon: str) -> None:
    # With 9 at the end: MRs thirteen 1s and a 7: AMR 20/14 = 1.43, 3.267 × 1.43 = 4.67
    # drops the 7 -> AMR 1, mean 30/15 = 2: UCL 4.66, so 9 is "Above UCL" (and -6 "Below LCL").
    r = spc([*BASE, last], improvement=improvement)
    assert r.variation_icon == icon


def limits_of_last_point() -> tuple[float, float]:
    p = spc([*BASE, 1.0]).points
    return float(p["lpl"].iloc[-1]), float(p["upl"].iloc[-1])


@pytest.mark.parametrize(
    ("improvement", "where", "assurance", "icon"),
    [
        ("increase", "above", "consistent_fail", "fail"),
        ("decrease", "above", "consistent_pass", "pass"),
        ("increase", "below", "consistent_pass", "pass"),
        ("decrease", "below", "consistent_fail", "fail"),
        ("increase", "on_upl", "inconsistent", "inconsistent"),
        ("decrease", "on_lpl", "inconsistent", "inconsistent"),
        ("increase", "inside", "inconsistent", "inconsistent"),
    ],
)
def test_assurance_uses_the_last_points_limits(
    improvement: str, where: str, assurance: str, icon: str
) -> None:
    lpl, upl = limits_of_last_point()
    target = {
        "above": upl + 0.01,
        "below": lpl - 0.01,
        "on_upl": upl,
        "on_lpl": lpl,
        "inside": (lpl + upl) / 2,
    }[where]
    r = spc([*BASE, 1.0], improvement=improvement, target=target)
    assert (r.assurance_type, r.assurance_icon) == (assurance, icon)
    assert (r.points["target"] == target).all()


def test_no_assurance_without_a_target_or_for_neutral() -> None:
    assert spc([*BASE, 1.0]).assurance_icon is None
    r = spc([*BASE, 1.0], improvement="neutral", target=100.0)
    assert r.assurance_icon is None and r.assurance_type is None


def test_assurance_uses_the_latest_rebase_group() -> None:
    # Group 0 is 1/2 (UCL 4.16); group 1 (from position 15) is 101/102, UCL about 104.2.
    y = BASE + [101.0, 102.0] * 7
    r = spc(y, rebase=[15], target=50.0)
    assert r.assurance_type == "consistent_pass"
    assert spc(y, target=50.0).assurance_type == "inconsistent"


def test_flat_series_with_a_target_is_inconsistent() -> None:
    # NaN limits: neither comparison holds, so the reference falls through to inconsistent.
    assert spc([3.0] * 14, target=1.0).assurance_type == "inconsistent"
