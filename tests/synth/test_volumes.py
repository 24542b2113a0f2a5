"""Volumes follow population: every ICB's share within 5% of its population share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest

from oversight.synth import Manifest, calibration
from oversight.synth.schema import RECORD_DATASETS
from oversight.synth.volumes import allocate


def test_allocate_is_exact_and_proportional() -> None:
    weights = np.array([1.0, 2.0, 3.0, 4.0])
    counts = allocate(1001, weights)
    assert counts.sum() == 1001
    assert np.all(np.abs(counts - weights / weights.sum() * 1001) < 1)


@pytest.mark.parametrize("dataset", RECORD_DATASETS)
def test_each_icb_volume_within_5_percent_of_population_share(
    lake: tuple[Path, Manifest], dataset: str, catalogue: Any
) -> None:
    out, _ = lake
    rows = dict(
        duckdb.execute(
            f"select icb_code, count(*) from read_parquet('{out}/{dataset}/*/*.parquet') group by 1"
        ).fetchall()
    )
    icbs = catalogue.icbs
    assert set(rows) == set(icbs)
    population = sum(i.population for i in icbs.values())
    total = sum(rows.values())
    for code, icb in icbs.items():
        expected = icb.population / population
        assert abs(rows[code] / total / expected - 1) < 0.05, code


def test_ae_volume_near_national_monthly_at_scale(lake: tuple[Path, Manifest]) -> None:
    _, manifest = lake
    per_month = manifest.datasets["ae_attendances"].rows / manifest.months
    assert per_month == pytest.approx(calibration.AE_ATTENDANCES * manifest.scale, rel=0.06)
