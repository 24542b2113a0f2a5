"""The injected truth is in the records, where the manifest says, and nowhere else."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest

from oversight.synth import Manifest, read_manifest
from oversight.synth.calibration import AE_4HR_IMD_GAP
from oversight.synth.truth import Injection


def monthly(out: Path, sql_value: str, dataset: str, where: str = "true") -> dict[str, list]:
    """{icb: [value per month in period order]} computed straight from the Parquet files."""
    rows = duckdb.execute(
        f"select icb_code, period, {sql_value} from read_parquet('{out}/{dataset}/*/*.parquet') "
        f"where {where} group by 1, 2 order by 1, 2"
    ).fetchall()
    series: dict[str, list] = {}
    for icb, _, value in rows:
        series.setdefault(icb, []).append(float(value))
    return series


def shift_after(series: dict[str, list], after: np.ndarray) -> dict[str, float]:
    """Each ICB's change after the start month relative to the change of all other ICBs
    (a difference in differences, so season does not masquerade as a step)."""
    values = np.array(list(series.values()))
    change = values[:, after].mean(axis=1) - values[:, ~after].mean(axis=1)
    total = change.sum()
    return {
        icb: float(c - (total - c) / (len(change) - 1))
        for icb, c in zip(series, change, strict=True)
    }


def injection(manifest: Manifest, id_: str) -> Injection:
    return next(i for i in manifest.injections if i.id == id_)


@pytest.mark.parametrize("id_", ["ae-step-drop", "ae-step-rise"])
def test_injected_ae_step_change_is_found_in_the_records(
    lake: tuple[Path, Manifest], id_: str
) -> None:
    out, manifest = lake
    step = injection(manifest, id_)
    series = monthly(out, "100 * avg((wait_minutes <= 240)::int)", "ae_attendances")
    after = np.array([p >= step.start for p in manifest.periods])
    shifts = shift_after(series, after)
    assert shifts[step.icb_code] == pytest.approx(step.size, abs=2.5)
    others = [v for k, v in shifts.items() if k not in {i.icb_code for i in manifest.injections}]
    assert np.median(np.abs(others)) < 1.5
    extreme = min if step.size < 0 else max
    assert extreme(shifts, key=lambda k: shifts[k]) == step.icb_code


def test_injected_ambulance_trend_lengthens_category_2(lake: tuple[Path, Manifest]) -> None:
    out, manifest = lake
    trend = injection(manifest, "ambulance-c2-trend")
    series = monthly(out, "avg(response_seconds) / 60", "ambulance_incidents", "category = 'C2'")
    since = np.array([trend.months_since_start(_month(p)) for p in manifest.periods])
    ramp = np.clip(since, 0, None) * trend.size
    national = np.mean([v for k, v in series.items() if k != trend.icb_code], axis=0)
    excess = np.array(series[trend.icb_code]) - national
    slope = np.polyfit(ramp, excess, 1)[0]
    assert slope == pytest.approx(1.0, abs=0.35)


def test_injected_rtt_trend_lowers_the_share_waiting_under_18_weeks(
    lake: tuple[Path, Manifest],
) -> None:
    """The waiting list at each month end (open pathways, from every month's files): the
    injected ICB's share under 18 weeks falls by about the manifest's points a month against
    the other ICBs' (the treatments left undone wait on)."""
    out, manifest = lake
    trend = injection(manifest, "rtt-trend")
    ends = [_month(p).next_first_day.isoformat() for p in manifest.periods]
    rows = duckdb.execute(
        "with ends as (select unnest($ends)::date as e) "
        "select icb_code, e, 100 * avg((e - clock_start <= 126)::int) "
        f"from read_parquet('{out}/rtt_pathways/*/*.parquet') join ends "
        "on clock_start < e and (clock_stop is null or clock_stop >= e) "
        "group by 1, 2 order by 1, 2",
        {"ends": ends},
    ).fetchall()
    series: dict[str, list[float]] = {}
    for icb, _, value in rows:
        series.setdefault(icb, []).append(float(value))
    since = np.array([trend.months_since_start(_month(p)) for p in manifest.periods])
    ramp = np.clip(since, 0, None) * trend.size
    national = np.mean([v for k, v in series.items() if k != trend.icb_code], axis=0)
    excess = np.array(series[trend.icb_code]) - national
    slope = np.polyfit(ramp, excess, 1)[0]
    assert slope == pytest.approx(1.0, abs=0.4)
    assert excess[-1] < excess[since <= 0].mean() + trend.size * since[-1] / 2


def _month(label: str):
    from oversight.synth.calendar import months

    return months(label, 1)[0]


def deprivation_gap(out: Path, icb_filter: str) -> float:
    """Decile 10 minus decile 1 4-hour %, from a straight line through all ten deciles."""
    rows = duckdb.execute(
        f"select imd_decile, avg((wait_minutes <= 240)::int), count(*) "
        f"from read_parquet('{out}/ae_attendances/*/*.parquet') where {icb_filter} group by 1"
    ).fetchall()
    decile, rate, n = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
    slope = np.polyfit(decile, rate, 1, w=np.sqrt(n))[0]
    return float(100 * slope * 9)


def test_injected_deprivation_gradient_is_visible(lake: tuple[Path, Manifest]) -> None:
    out, manifest = lake
    gradient = injection(manifest, "ae-imd-gradient")
    expected = gradient.size + 100 * AE_4HR_IMD_GAP
    assert deprivation_gap(out, f"icb_code = '{gradient.icb_code}'") == pytest.approx(
        expected, abs=4
    )
    elsewhere = deprivation_gap(out, f"icb_code != '{gradient.icb_code}'")
    assert elsewhere == pytest.approx(100 * AE_4HR_IMD_GAP, abs=1.5)


def test_injected_ethnicity_gap_is_visible(lake: tuple[Path, Manifest]) -> None:
    out, manifest = lake
    gap = injection(manifest, "ae-ethnicity-gradient")
    rates = dict(
        duckdb.execute(
            f"select ethnicity_group, 100 * avg((wait_minutes <= 240)::int) "
            f"from read_parquet('{out}/ae_attendances/*/*.parquet') "
            f"where icb_code = '{gap.icb_code}' group by 1"
        ).fetchall()
    )
    assert rates[gap.group_high] - rates[gap.group_low] == pytest.approx(gap.size, abs=4)


def test_manifest_round_trips_and_records_the_run(lake: tuple[Path, Manifest]) -> None:
    out, manifest = lake
    assert read_manifest(out) == manifest
    assert len(manifest.periods) == manifest.months
    assert len(manifest.icb_codes) == 42
    assert {i.kind for i in manifest.injections} == {"step", "trend", "gradient"}
    assert len({i.icb_code for i in manifest.injections}) == len(manifest.injections)
