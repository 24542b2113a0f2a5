"""Data items fed by aggregate returns where records are absent (metrics/returns.py): one
metric definition, records preferred, providers rolled up to ICB, region and England."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.metrics import metrics_fixtures as fixtures

from oversight.catalogue import load
from oversight.metrics.computation import Computation, compute
from oversight.metrics.engines import DuckDBEngine, Engine
from oversight.metrics.organisations import OrgTree

JUNE = dt.date(2024, 6, 1)
# ods_code, icb_code, region_code, attendances, within 4 hours
PROVIDERS = [
    ("RAA", "QMJ", "Y56", 1000, 700),
    ("RBB", "QRV", "Y56", 2000, 1500),
    ("NCC", None, "Y56", 500, 500),  # a walk-in centre with no ICB: region and England only
    ("RDD", "QJK", "Y58", 4000, 2800),
]


def _returns(lake: Path) -> None:
    for region in ("Y56", "Y58"):
        rows = [p for p in PROVIDERS if p[2] == region]
        n = len(rows)
        table = pa.table(
            {
                "icb_code": pa.array([r[1] for r in rows], pa.string()),
                "period": pa.array([JUNE] * n, pa.date32()),
                "revision_id": pa.array([f"rev-{region}"] * n, pa.string()),
                "ods_code": pa.array([r[0] for r in rows], pa.string()),
                "provider_name": pa.array([r[0] for r in rows], pa.string()),
                "region_code": pa.array([region] * n, pa.string()),
                "attendances": pa.array([r[3] for r in rows], pa.int64()),
                "attendances_within_4_hours": pa.array([r[4] for r in rows], pa.int64()),
            }
        )
        path = lake / "ae_sitrep_providers" / "2024-06" / f"{region}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path)


def _run(lake: Path, engine: Engine | None = None) -> Computation:
    catalogue = load()
    metrics = [catalogue.metrics["ae_4hr"], catalogue.metrics["ae_attendances"]]
    tree = OrgTree.from_mapping({"QMJ": "Y56", "QRV": "Y56", "QJK": "Y58"}, [JUNE])
    own = engine or DuckDBEngine()
    try:
        return compute(
            lake, metrics, catalogue.data_items, tree, own, datasets=catalogue.datasets
        )
    finally:
        if engine is None:
            own.close()


def _value(comp: Computation, level: str, code: str, metric: str = "ae_4hr") -> pd.Series:
    m = comp.metrics
    row = m[(m.metric_id == metric) & (m.org_type == level) & (m.org_code == code)
            & (m.breakdown == "total")]
    assert len(row) == 1, (level, code, row)
    return row.iloc[0]


def test_returns_feed_providers_icbs_regions_and_england(tmp_path: Path) -> None:
    _returns(tmp_path)
    comp = _run(tmp_path)
    england = _value(comp, "england", "ENG")
    assert (england.numerator, england.denominator) == (5500, 7500)  # every provider
    london = _value(comp, "region", "Y56")
    assert (london.numerator, london.denominator) == (2700, 3500)  # its ICBs + NCC
    assert _value(comp, "icb", "QMJ").value == pytest.approx(70.0)
    assert _value(comp, "provider", "NCC").value == pytest.approx(100.0)
    assert _value(comp, "provider", "RDD", "ae_attendances").value == 4000
    assert london.missing_reason is None and london.revisions.startswith("lin-")
    lineage = comp.lineage.set_index("lineage_key")["revision_ids"]
    assert "rev-Y56" in lineage[london.revisions]
    providers = comp.metrics[comp.metrics.org_type == "provider"]
    assert set(providers.org_code) == {"RAA", "RBB", "NCC", "RDD"}
    # a metric no return feeds has no provider rows and no figure elsewhere
    assert set(providers.metric_id) == {"ae_4hr", "ae_attendances"}


def test_records_are_preferred_where_every_member_icb_has_them(tmp_path: Path) -> None:
    _returns(tmp_path)
    rng = np.random.default_rng(1)
    fixtures._ae(tmp_path, JUNE, "QMJ", [100] * 9 + [500], rng)  # QMJ's records: 9 of 10
    comp = _run(tmp_path)
    qmj = _value(comp, "icb", "QMJ")
    assert (qmj.numerator, qmj.denominator) == (9, 10)  # records, not the return's 700/1000
    breakdowns = comp.metrics[(comp.metrics.org_code == "QMJ") & (comp.metrics.metric_id
                              == "ae_4hr") & (comp.metrics.breakdown != "total")]
    assert len(breakdowns) > 0  # persons come with records only
    london = _value(comp, "region", "Y56")  # QRV has no records: London from the returns
    assert (london.numerator, london.denominator) == (2700, 3500)
    groups = comp.metrics[(comp.metrics.org_code == "Y56") & (comp.metrics.breakdown != "total")]
    assert len(groups) and groups["value"].isna().all()  # no group figure (not a 0) for London
    assert set(groups["missing_reason"]) == {"no breakdown in the aggregate return"}
    assert _value(comp, "icb", "QRV").denominator == 2000


def test_without_return_files_the_computation_is_unchanged(tiny: Computation, tiny_lake: Path
                                                          ) -> None:
    with_datasets = compute(
        tiny_lake, fixtures.METRICS, fixtures.DATA_ITEMS, fixtures.tree(), DuckDBEngine(),
        datasets=load().datasets,
    )
    pd.testing.assert_frame_equal(tiny.metrics, with_datasets.metrics)


@pytest.mark.spark
@pytest.mark.slow
def test_returns_give_the_same_rows_on_duckdb_and_spark(tmp_path: Path, spark_engine) -> None:
    _returns(tmp_path)
    on_duckdb = _run(tmp_path)
    on_spark = _run(tmp_path, spark_engine)
    pd.testing.assert_frame_equal(
        on_duckdb.metrics, on_spark.metrics, rtol=1e-9, atol=1e-9, check_dtype=False
    )
