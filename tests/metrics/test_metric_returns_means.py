"""Means and centiles from provider-level returns (catalogue `returns` with `per` and
`provider_only`): a mean adds up as total over count, a published centile feeds only its own
provider."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from oversight.catalogue import load
from oversight.metrics.computation import Computation, compute
from oversight.metrics.engines import DuckDBEngine
from oversight.metrics.organisations import OrgTree

JUNE = dt.date(2024, 6, 1)
# ods_code, region_code, C2 incidents, C2 total response seconds, C2 90th centile seconds
TRUSTS = [
    ("RRU", "Y56", 1000, 1_800_000, 3000),
    ("RYF", "Y58", 3000, 7_200_000, 4500),
    ("RYE", "Y58", 1000, 1_200_000, 2400),
]


def _lake(lake: Path) -> None:
    for region in ("Y56", "Y58"):
        rows = [t for t in TRUSTS if t[1] == region]
        n = len(rows)
        table = pa.table(
            {
                "icb_code": pa.array([None] * n, pa.string()),
                "period": pa.array([JUNE] * n, pa.date32()),
                "revision_id": pa.array([f"rev-{region}"] * n, pa.string()),
                "ods_code": pa.array([r[0] for r in rows], pa.string()),
                "provider_name": pa.array([r[0] for r in rows], pa.string()),
                "region_code": pa.array([region] * n, pa.string()),
                "c2_incidents": pa.array([r[2] for r in rows], pa.int64()),
                "c2_response_seconds": pa.array([r[3] for r in rows], pa.int64()),
                "c2_p90_seconds": pa.array([r[4] for r in rows], pa.int64()),
            }
        )
        path = lake / "ambulance_trust_responses" / "2024-06" / f"{region}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path)


def _run(lake: Path) -> Computation:
    catalogue = load()
    metrics = [catalogue.metrics["ambulance_c2_mean"], catalogue.metrics["ambulance_c2_p90"]]
    tree = OrgTree.from_mapping({"QMJ": "Y56", "QJK": "Y58"}, [JUNE])
    engine = DuckDBEngine()
    try:
        return compute(
            lake, metrics, catalogue.data_items, tree, engine, datasets=catalogue.datasets
        )
    finally:
        engine.close()


def _row(comp: Computation, metric: str, level: str, code: str) -> pd.Series:
    m = comp.metrics
    row = m[(m.metric_id == metric) & (m.org_type == level) & (m.org_code == code)
            & (m.breakdown == "total")]
    assert len(row) == 1, (metric, level, code, row)
    return row.iloc[0]


def test_a_mean_adds_up_as_total_over_count_and_a_centile_stays_with_its_provider(
    tmp_path: Path,
) -> None:
    _lake(tmp_path)
    comp = _run(tmp_path)
    rye = _row(comp, "ambulance_c2_mean", "provider", "RYE")
    assert (rye.numerator, rye.denominator, rye.value) == (1_200_000, 1000, 20.0)  # minutes
    south_west = _row(comp, "ambulance_c2_mean", "region", "Y58")
    assert south_west.value == 8_400_000 / 4000 / 60  # not the mean of the trusts' means
    england = _row(comp, "ambulance_c2_mean", "england", "ENG")
    assert (england.numerator, england.denominator) == (10_200_000, 5000)
    assert pd.isna(england.sd) and pd.isna(rye.sd)  # totals carry no spread
    assert _row(comp, "ambulance_c2_p90", "provider", "RYF").value == 75.0
    assert pd.isna(_row(comp, "ambulance_c2_p90", "provider", "RYF").denominator)
    for level, code in (("region", "Y58"), ("england", "ENG"), ("icb", "QJK")):
        assert pd.isna(_row(comp, "ambulance_c2_p90", level, code).value)
