"""Tiny hand-made lakes and catalogue entries whose metric values are known by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from oversight.catalogue import DataItem, Metric, Target
from oversight.metrics.organisations import OrgTree

JAN, FEB = dt.date(2024, 1, 1), dt.date(2024, 2, 1)
PERIODS = [JAN, FEB]
REGIONS = {"QMJ": "Y56", "QMF": "Y56", "QHG": "Y61"}
AGE = ["0-17", "18-39", "40-64", "65-79", "80+"]
ETH = ["Asian", "Black", "Mixed", "White", "Other", "Not known"]

QMJ_AE_WAITS = [30, 120, 239, 240, 241, 300, 600, 720, 721, 1000]
QMJ_C2_SECONDS = [600, 900, 1200, 1500, 1800, 2100, 2400, 2700, 3000, 3300]
QMJ_RTT_JAN = [  # (clock_start, clock_stop)
    (dt.date(2023, 6, 1), None),
    (dt.date(2023, 1, 10), None),
    (dt.date(2024, 1, 15), dt.date(2024, 1, 20)),
    (dt.date(2024, 1, 20), dt.date(2024, 2, 10)),
    (dt.date(2023, 10, 1), None),
    (dt.date(2023, 9, 27), None),
    (dt.date(2024, 1, 5), dt.date(2024, 1, 31)),
]
QMJ_RTT_FEB = [(dt.date(2024, 2, 5), None)]


def tree() -> OrgTree:
    return OrgTree.from_mapping(REGIONS, PERIODS)


def _item(id: str, dataset: str, aggregation: str, **kw: object) -> DataItem:
    grain = "icb_month" if dataset == "beds" else "record"
    return DataItem.model_validate(
        {
            "id": id,
            "description": id,
            "unit": "count",
            "grain": grain,
            "dataset": dataset,
            "aggregation": aggregation,
            **kw,
        }
    )


def _metric(id: str, kind: str, num: str, den: str | None = None, **kw: object) -> Metric:
    fields: dict[str, object] = {
        "title": id,
        "description": id,
        "unit": "percent",
        "improvement": "increase",
        "statistic": "proportion",
        "source": "test",
        "method_notes": "test",
    }
    fields.update(kw)
    return Metric.model_validate(
        {"id": id, "kind": kind, "numerator": num, "denominator": den, **fields}
    )


ALL_BREAKDOWNS = ("imd_decile", "imd_quintile", "ethnicity_group", "age_band", "sex")

DATA_ITEMS = {
    i.id: i
    for i in [
        _item("ae_all", "ae_attendances", "count"),
        _item(
            "ae_4h",
            "ae_attendances",
            "count",
            filter=[{"column": "wait_minutes", "op": "<=", "value": 240}],
        ),
        _item(
            "ae_12h",
            "ae_attendances",
            "count",
            filter=[{"column": "wait_minutes", "op": ">", "value": 720}],
        ),
        _item(
            "amb_c2_mean",
            "ambulance_incidents",
            "mean",
            column="response_seconds",
            filter=[{"column": "category", "op": "==", "value": "C2"}],
        ),
        _item(
            "amb_c2_p90",
            "ambulance_incidents",
            "quantile",
            column="response_seconds",
            quantile=0.9,
            filter=[{"column": "category", "op": "==", "value": "C2"}],
        ),
        _item(
            "rtt_waiting",
            "rtt_pathways",
            "open_at_period_end",
            start_column="clock_start",
            stop_column="clock_stop",
        ),
        _item(
            "rtt_within_18w",
            "rtt_pathways",
            "open_at_period_end",
            start_column="clock_start",
            stop_column="clock_stop",
            max_days=126,
        ),
        _item(
            "rtt_over_52w",
            "rtt_pathways",
            "open_at_period_end",
            start_column="clock_start",
            stop_column="clock_stop",
            min_days=364,
        ),
        _item("beds_occupied", "beds", "sum", column="ga_beds_occupied"),
        _item("beds_available", "beds", "sum", column="ga_beds_available"),
    ]
}

METRICS = [
    _metric("ae_4h_pct", "ratio", "ae_4h", "ae_all", multiplier=100, breakdowns=ALL_BREAKDOWNS),
    _metric(
        "ae_12h_count", "value", "ae_12h", statistic="count", unit="count", breakdowns=("sex",)
    ),
    _metric(
        "amb_c2_mean_min",
        "value",
        "amb_c2_mean",
        multiplier="1/60",
        statistic="mean",
        unit="minutes",
        improvement="decrease",
        breakdowns=("age_band",),
    ),
    _metric(
        "amb_c2_p90_min",
        "value",
        "amb_c2_p90",
        multiplier="1/60",
        statistic="duration_percentile",
        unit="minutes",
        improvement="decrease",
        breakdowns=("sex",),
    ),
    _metric(
        "rtt_18w_pct", "ratio", "rtt_within_18w", "rtt_waiting", multiplier=100, breakdowns=("sex",)
    ),
    _metric(
        "rtt_52w_count",
        "value",
        "rtt_over_52w",
        statistic="count",
        unit="count",
        improvement="decrease",
    ),
    _metric(
        "bed_occupancy_pct",
        "ratio",
        "beds_occupied",
        "beds_available",
        multiplier=100,
        improvement="decrease",
    ),
]


def target(metric_id: str, year: str, value: float, comparison: str, **kw: object) -> Target:
    """A national target as the catalogue would hold it."""
    start = int(year[:4])
    fields: dict[str, object] = {
        "id": f"{year.replace('/', '-')}-{metric_id}",
        "scope": "national",
        "metric_id": metric_id,
        "planning_year": year,
        "value": value,
        "comparison": comparison,
        "deadline": dt.date(start + 1, 3, 31),
        "owner": "NHS England",
        "rationale": "test target",
        "date_set": dt.date(start - 1, 12, 23),
        "status": "published",
        "source": "test",
        "verification": "synthetic",
    }
    return Target.model_validate({**fields, **kw})


# national targets on two fixture metrics in the fixtures' planning year (Jan/Feb 2024: 2023/24)
TARGETS = [target("ae_4h_pct", "2023/24", 76.0, ">="), target("rtt_52w_count", "2023/24", 0, "<=")]


def _person(n: int, rng: np.random.Generator) -> dict[str, object]:
    return {
        "age_band": pa.array(rng.choice(AGE, n).tolist(), pa.string()),
        "sex": pa.array(rng.choice(["female", "male"], n).tolist(), pa.string()),
        "ethnicity_group": pa.array(rng.choice(ETH, n).tolist(), pa.string()),
        "imd_decile": pa.array(rng.integers(1, 11, n).tolist(), pa.int8()),
    }


def _write(lake: Path, dataset: str, period: dt.date, icb: str, cols: dict[str, object]) -> None:
    n = len(next(iter(cols.values())))  # type: ignore[arg-type]
    rev = f"rev-{dataset}-{icb}-{period:%Y%m}"
    table = pa.table(
        {
            "icb_code": pa.array([icb] * n, pa.string()),
            "period": pa.array([period] * n, pa.date32()),
            "revision_id": pa.array([rev] * n, pa.string()),
            **cols,
        }
    )
    path = lake / dataset / f"{period:%Y-%m}" / f"{icb}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)


def _ae(lake: Path, period: dt.date, icb: str, waits: list[int], rng: np.random.Generator) -> None:
    n = len(waits)
    arrival = [dt.datetime(period.year, period.month, 1 + i % 28, 8) for i in range(n)]
    person = _person(n, rng)
    if icb == "QMJ" and period == JAN:
        person["sex"] = pa.array(["female", "male"] * (n // 2), pa.string())
    _write(
        lake,
        "ae_attendances",
        period,
        icb,
        {
            "record_id": pa.array(range(n), pa.int64()),
            "provider_code": pa.array([f"{icb}-A1"] * n, pa.string()),
            **person,
            "arrival_time": pa.array(arrival, pa.timestamp("us")),
            "departure_time": pa.array(
                [a + dt.timedelta(minutes=w) for a, w in zip(arrival, waits, strict=True)],
                pa.timestamp("us"),
            ),
            "wait_minutes": pa.array(waits, pa.int32()),
            "department_type": pa.array(["type_1"] * n, pa.string()),
            "admitted": pa.array([w > 300 for w in waits], pa.bool_()),
        },
    )


def _amb(lake: Path, period: dt.date, icb: str, secs: list[int], rng: np.random.Generator) -> None:
    cats = ["C2"] * len(secs) + ["C1"]
    secs = [*secs, 100]
    n = len(secs)
    _write(
        lake,
        "ambulance_incidents",
        period,
        icb,
        {
            "record_id": pa.array(range(n), pa.int64()),
            "provider_code": pa.array([f"{icb}-AMB"] * n, pa.string()),
            **_person(n, rng),
            "call_time": pa.array(
                [dt.datetime(period.year, period.month, 2)] * n, pa.timestamp("us")
            ),
            "category": pa.array(cats, pa.string()),
            "response_seconds": pa.array(secs, pa.int32()),
        },
    )


def _rtt(lake: Path, period: dt.date, icb: str, rows: list, rng: np.random.Generator) -> None:
    n = len(rows)
    _write(
        lake,
        "rtt_pathways",
        period,
        icb,
        {
            "record_id": pa.array(range(n), pa.int64()),
            "provider_code": pa.array([f"{icb}-A1"] * n, pa.string()),
            **_person(n, rng),
            "clock_start": pa.array([r[0] for r in rows], pa.date32()),
            "clock_stop": pa.array([r[1] for r in rows], pa.date32()),
            "treatment_function": pa.array(["100"] * n, pa.string()),
        },
    )


def _beds(lake: Path, period: dt.date, icb: str, occupied: int, available: int) -> None:
    _write(
        lake,
        "beds",
        period,
        icb,
        {
            "ga_beds_available": pa.array([available], pa.int64()),
            "ga_beds_occupied": pa.array([occupied], pa.int64()),
        },
    )


def _random_rtt(period: dt.date, n: int, rng: np.random.Generator) -> list:
    rows = []
    for _ in range(n):
        start = period - dt.timedelta(days=int(rng.integers(0, 500)))
        if period != JAN:
            start = period + dt.timedelta(days=int(rng.integers(0, 28)))
        stop = None if rng.random() < 0.6 else start + dt.timedelta(days=int(rng.integers(1, 120)))
        rows.append((start, stop))
    return rows


def write_lake(lake: Path, seed: int = 7) -> Path:
    """QMJ has the hand-checked records; QMF and QHG random ones; QHG sends no A&E in Feb."""
    rng = np.random.default_rng(seed)
    for period in PERIODS:
        for icb in REGIONS:
            if icb == "QMJ" and period == JAN:
                _ae(lake, period, icb, QMJ_AE_WAITS, rng)
                _amb(lake, period, icb, QMJ_C2_SECONDS, rng)
                _rtt(lake, period, icb, QMJ_RTT_JAN, rng)
                _beds(lake, period, icb, 90, 100)
                continue
            if not (icb == "QHG" and period == FEB):
                _ae(lake, period, icb, rng.integers(10, 1500, 60).tolist(), rng)
            _amb(lake, period, icb, rng.integers(60, 4000, 40).tolist(), rng)
            rows = QMJ_RTT_FEB if icb == "QMJ" else _random_rtt(period, 50, rng)
            _rtt(lake, period, icb, rows, rng)
            _beds(lake, period, icb, int(rng.integers(40, 50)), 50)
    return lake
