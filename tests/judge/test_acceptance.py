"""Acceptance on the synthetic demo (issue 10): the judge sees the injected truths of the demo's
manifest in the latest month, and not much special cause where nothing was injected.

Measured, not assumed (docs/methodology.md, "Acceptance on the synthetic demo"): on the small
test demo (scale 0.002, 13 months, seed 7) the A&E step drop and the RTT trend (a share of
due treatments left undone, since the generator was fixed to move rtt_18wk as its manifest says)
show at the latest month. The others are marked as expected failures, strictly, so that a fix
to the generator or the method turns them into failures to be un-marked rather than passing
quietly.
"""

from __future__ import annotations

import json

import pytest

from oversight.home import Home
from oversight.judge import acceptance, stage

pytestmark = pytest.mark.slow

NOT_SEEN = {
    "ae-step-rise": "a 5-point step is within the month-to-month noise of one ICB at scale "
    "0.002, so no run of 7 or point beyond the limits forms by the latest month",
    "ambulance-c2-trend": "1 minute a month is small against the noise of a category 2 mean "
    "from a few hundred incidents; no trend or run rule fires",
}


def _outcomes(home: Home) -> dict[str, dict[str, object]]:
    manifest = json.loads(home.synthetic_manifest.read_text())
    frame = stage.latest(home).frame()  # type: ignore[union-attr]
    return {o["id"]: o for o in acceptance.injection_outcomes(frame, manifest)}


@pytest.mark.parametrize(
    "injection",
    [
        pytest.param(i, marks=pytest.mark.xfail(strict=True, reason=NOT_SEEN[i]))
        if i in NOT_SEEN
        else i
        for i in ("ae-step-drop", "ae-step-rise", "ambulance-c2-trend", "rtt-trend")
    ],
)
def test_injected_change_shows_in_the_latest_month(demo_home: Home, injection: str) -> None:
    found = _outcomes(demo_home)[injection]
    assert found["latest"] == found["expected"], found


def test_untouched_icbs_spurious_special_cause(demo_home: Home) -> None:
    """Special-cause concern among ICBs nothing was injected into, on the injected metrics, in
    the latest month. A stable process of independent months shows concern at its latest point
    about 1% of the time (bench/spc_false_positives.py); the synthetic series share a seasonal
    pattern, which runs and trends pick up, so the observed rate is higher (5% here, 7% on the
    default demo). This guards it from growing."""
    manifest = json.loads(demo_home.synthetic_manifest.read_text())
    frame = stage.latest(demo_home).frame()  # type: ignore[union-attr]
    rates = acceptance.untouched_rates(frame, manifest)
    assert rates["icb_metric_pairs"] >= 120
    assert rates["concern_rate"] <= 0.08, rates


def test_untouched_icbs_no_more_concern_than_stable_processes_like_them(
    demo_home: Home,
) -> None:
    """The untouched ICBs' concern in the latest month is within what the rules give for
    processes that do not change but whose neighbouring months correlate as these series' do
    (a waiting list is a stock: most of this month's pathways were there last month; A&E and
    ambulance share the winter). Independent months would give about 0.8%; a lag-1 correlation
    of 0.56, as rtt_18wk has on the default demo, about 9% (docs/methodology.md). Above the 99th
    percentile of that expectation, the judge would be seeing change that is not there."""
    from scipy.stats import poisson

    manifest = json.loads(demo_home.synthetic_manifest.read_text())
    frame = stage.latest(demo_home).frame()  # type: ignore[union-attr]
    rates = acceptance.untouched_rates(frame, manifest)
    expected = acceptance.expected_untouched(frame, manifest)
    observed = round(rates["concern_rate"] * rates["icb_metric_pairs"])
    assert observed <= poisson.ppf(0.99, expected["expected_concern"]), (rates, expected)


def test_the_expected_rate_rises_with_correlated_months() -> None:
    independent = acceptance.stable_concern_rate(36, 0.0)
    assert 0.004 < independent < 0.015  # about 0.8% (bench/spc_false_positives.py)
    assert acceptance.stable_concern_rate(36, 0.56) > 5 * independent
