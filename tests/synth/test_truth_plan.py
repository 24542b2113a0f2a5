"""Where, when and how big the injections are planned (truth.plan), for any seed: the A&E
steps and the category 2 trend where and when the SPC rules can see them at the latest month
(docs/synth.md, "Injected truth")."""

from __future__ import annotations

from typing import Any

import pytest

from oversight.period import Period
from oversight.synth import truth
from oversight.synth.calendar import months
from oversight.synth.demography import LONDON_REGION
from oversight.synth.organisations import from_catalogue

SEEDS = range(1, 41)


def _since(start: str, last: str) -> int:
    """Months from `start` through `last`, both counted."""
    return Period.parse_month(last) - Period.parse_month(start) + 1


@pytest.mark.parametrize("length", [36, 13, 12])
def test_the_steps_and_the_c2_trend_go_into_the_largest_icbs(catalogue: Any, length: int) -> None:
    icbs = from_catalogue(catalogue)
    largest = {i.code for i in sorted(icbs, key=lambda i: -i.population)[: truth.LARGEST]}
    region = {i.code: i.region_code for i in icbs}
    calendar = months("2023-04", length)
    for seed in SEEDS:
        planned = {i.id: i for i in truth.plan(icbs, calendar, seed)}
        for big in ("ae-step-drop", "ae-step-rise", "ambulance-c2-trend"):
            assert planned[big].icb_code in largest, (seed, big)
        assert len({i.icb_code for i in planned.values()}) == len(planned)
        assert region[planned["ae-ethnicity-gradient"].icb_code] == LONDON_REGION


@pytest.mark.parametrize("length", [36, 24, 13, 12])
def test_the_steps_start_a_run_of_seven_before_the_end_and_the_trends_in_the_middle(
    catalogue: Any, length: int
) -> None:
    icbs = from_catalogue(catalogue)
    calendar = months("2023-04", length)
    labels = [m.label for m in calendar]
    middle = labels[length // 3 : length - length // 3]
    seen = set()
    for seed in SEEDS:
        planned = {i.id: i for i in truth.plan(icbs, calendar, seed)}
        for step in ("ae-step-drop", "ae-step-rise"):
            lead = _since(planned[step].start, labels[-1])
            seen.add(lead)
            assert 7 <= lead <= max(truth.STEP_LEAD[1], length - length // 3)
            assert planned[step].start in labels[length // 3 :]  # never in the first third
        for trend in ("ambulance-c2-trend", "rtt-trend"):
            assert planned[trend].start in middle
    if length >= 3 * truth.STEP_LEAD[1]:
        assert seen == set(range(truth.STEP_LEAD[0], truth.STEP_LEAD[1] + 1))


def test_sizes_are_the_documented_ones(catalogue: Any) -> None:
    planned = {
        i.id: i for i in truth.plan(from_catalogue(catalogue), months("2023-04", 36), 2023)
    }
    assert planned["ae-step-rise"].size == truth.AE_STEP_RISE == 10.0
    assert planned["ambulance-c2-trend"].size == truth.AMBULANCE_C2_TREND_MINUTES == 1.5
    assert planned["ae-step-drop"].size == -6.0
