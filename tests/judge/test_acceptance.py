"""Acceptance on the synthetic demo (issue 10): the judge sees the injected truths of the demo's
manifest in the latest month, and not much special cause where nothing was injected.

Measured, not assumed (docs/methodology.md, "Acceptance on the synthetic demo"). The injected
changes are checked on the default demo (`oversight demo`: scale 0.005, 36 months, seed 2023),
whose injections are designed to be seen there (docs/synth.md, "Injected truth"). The session's
small test demo (scale 0.002, 13 months) is too short and noisy for a realistic A&E rise or
category 2 trend to show by its latest month (about 15% and 5% of seeds would), so it is
checked for spurious concern only.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from oversight.home import Home
from oversight.judge import acceptance, stage

pytestmark = pytest.mark.slow

INJECTIONS = ("ae-step-drop", "ae-step-rise", "ambulance-c2-trend", "rtt-trend")
#: The metrics they are injected into (the test of the fixture checks it against the manifest).
METRICS = ("ae_4hr", "ambulance_c2_mean", "rtt_18wk")


@pytest.fixture(scope="module")
def default_demo(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """The default demo's datasets that feed the injected metrics, those metrics computed as
    `oversight compute` does and judged by the judge stage.

    Every synthetic file depends only on its own seed, dataset, month and ICB, and an
    ICB-month's figure on its own dataset, so these are the whole demo's judgements of these
    metrics (compared once against `oversight demo`'s: docs/methodology.md), at a fraction of
    its cost.
    """
    from oversight.catalogue import load
    from oversight.demo import DEMO_MONTHS, DEMO_SCALE, DEMO_SEED, DEMO_START
    from oversight.metrics.computation import used_items
    from oversight.metrics.engines import DuckDBEngine
    from oversight.metrics.lakefiles import lake_periods
    from oversight.metrics.organisations import OrgTree
    from oversight.metrics.pipeline import run
    from oversight.metrics.results import publish
    from oversight.synth import generate

    home = Home.at(tmp_path_factory.mktemp("default-demo"))
    catalogue = load()
    metrics = [catalogue.metrics[m] for m in METRICS]
    used = used_items(metrics, catalogue.data_items)
    generate(home.lake_dir, scale=DEMO_SCALE, months=DEMO_MONTHS, start=DEMO_START,
             seed=DEMO_SEED, progress=False, datasets=tuple(used))
    tree = OrgTree.from_catalogue(catalogue, lake_periods(home.lake_dir, list(used)))
    engine = DuckDBEngine()
    try:
        version = publish(run(home.lake_dir, metrics, catalogue.data_items, tree, engine), home)
    finally:
        engine.close()
    stage.assess(home, version, catalogue=catalogue)
    return home


def _judged(home: Home) -> tuple[pd.DataFrame, dict[str, object]]:
    manifest = json.loads(home.synthetic_manifest.read_text())
    return stage.latest(home).frame(), manifest  # type: ignore[union-attr]


@pytest.fixture(params=["default_demo", "demo_home"])
def either_demo(request: pytest.FixtureRequest) -> Home:
    home: Home = request.getfixturevalue(request.param)
    return home


@pytest.mark.parametrize("injection", INJECTIONS)
def test_injected_change_shows_in_the_latest_month(default_demo: Home, injection: str) -> None:
    frame, manifest = _judged(default_demo)
    found = {o["id"]: o for o in acceptance.injection_outcomes(frame, manifest)}[injection]
    assert found["latest"] == found["expected"], found


def test_the_default_demo_is_the_demo(default_demo: Home) -> None:
    """The fixture is `oversight demo`'s run: its parameters, all four injections judged, and
    no whole-ICB injection on a metric it left out."""
    from oversight.demo import DEMO_MONTHS, DEMO_SCALE, DEMO_SEED

    frame, manifest = _judged(default_demo)
    assert (manifest["scale"], manifest["months"], manifest["seed"]) == (
        DEMO_SCALE, DEMO_MONTHS, DEMO_SEED
    )
    assert {o["id"] for o in acceptance.injection_outcomes(frame, manifest)} == set(INJECTIONS)
    assert {i["metric_id"] for i in acceptance.injected(manifest)} == set(METRICS)
    assert frame["period"].nunique() == DEMO_MONTHS


def test_untouched_icbs_spurious_special_cause(either_demo: Home) -> None:
    """Special-cause concern among ICBs nothing was injected into, on the injected metrics, in
    the latest month. A stable process of independent months shows concern at its latest point
    about 1% of the time (bench/spc_false_positives.py); the synthetic series share a seasonal
    pattern and a waiting list is a stock, which runs and trends pick up, so the observed rate
    is higher (7.4% on the default demo, 4.1% on the test demo). This guards it from growing."""
    frame, manifest = _judged(either_demo)
    rates = acceptance.untouched_rates(frame, manifest)
    assert rates["icb_metric_pairs"] >= 120
    assert rates["concern_rate"] <= 0.08, rates


def test_untouched_icbs_no_more_concern_than_stable_processes_like_them(
    either_demo: Home,
) -> None:
    """The untouched ICBs' concern in the latest month is within what the rules give for
    processes that do not change but whose neighbouring months correlate as these series' do
    (a waiting list is a stock: most of this month's pathways were there last month; A&E and
    ambulance share the winter). Independent months would give about 0.8%; a lag-1 correlation
    of 0.56, as rtt_18wk has on the default demo, about 9% (docs/methodology.md). Above the 99th
    percentile of that expectation, the judge would be seeing change that is not there."""
    from scipy.stats import poisson

    frame, manifest = _judged(either_demo)
    rates = acceptance.untouched_rates(frame, manifest)
    expected = acceptance.expected_untouched(frame, manifest)
    observed = round(rates["concern_rate"] * rates["icb_metric_pairs"])
    assert observed <= poisson.ppf(0.99, expected["expected_concern"]), (rates, expected)


def test_the_expected_rate_rises_with_correlated_months() -> None:
    independent = acceptance.stable_concern_rate(36, 0.0)
    assert 0.004 < independent < 0.015  # about 0.8% (bench/spc_false_positives.py)
    assert acceptance.stable_concern_rate(36, 0.56) > 5 * independent
