"""A sequence of incremental recomputes equals one full recompute of the changed lake."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tests.metrics import metrics_fixtures as fx

from oversight.metrics.engines import DuckDBEngine
from oversight.metrics.incremental import apply_changes, detect_changes
from oversight.metrics.pipeline import run


def _resubmit(path: Path, revision: str, mutate) -> None:
    table = mutate(pq.read_table(path))
    table = table.set_column(
        table.schema.get_field_index("revision_id"),
        "revision_id",
        pa.array([revision] * table.num_rows, pa.string()),
    )
    pq.write_table(table, path)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False, rtol=1e-12
    )


def test_incremental_equals_full(tiny_lake: Path, tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    shutil.copytree(tiny_lake, lake)
    tree = fx.tree()
    engine = DuckDBEngine()
    before = run(lake, fx.METRICS, fx.DATA_ITEMS, tree, engine)
    # QMJ resubmits January A&E with every wait halved; QMF's January RTT loses its first
    # half (changes February snapshots too); QHG withdraws February ambulance data.
    ae = lake / "ae_attendances" / "2024-01" / "QMJ.parquet"
    _resubmit(
        ae,
        "rev-ae-QMJ-2",
        lambda t: t.set_column(
            t.schema.get_field_index("wait_minutes"),
            "wait_minutes",
            pc.divide(t["wait_minutes"], 2).cast(pa.int32()),
        ),
    )
    rtt = lake / "rtt_pathways" / "2024-01" / "QMF.parquet"
    _resubmit(rtt, "rev-rtt-QMF-2", lambda t: t.slice(0, t.num_rows // 2))
    (lake / "ambulance_incidents" / "2024-02" / "QHG.parquet").unlink()

    datasets = sorted({i.dataset for i in fx.DATA_ITEMS.values()})
    changes = detect_changes(before.presence, before.periods, lake, datasets)
    assert changes == sorted(
        [
            ("ae_attendances", "QMJ", fx.JAN),
            ("ambulance_incidents", "QHG", fx.FEB),
            ("rtt_pathways", "QMF", fx.JAN),
        ]
    )
    stepped = apply_changes(before, changes, lake, fx.METRICS, fx.DATA_ITEMS, tree, engine)
    full = run(lake, fx.METRICS, fx.DATA_ITEMS, tree, engine)
    assert not stepped.metrics.equals(before.metrics)
    _same(stepped.metrics, full.metrics)
    _same(stepped.items, full.items)
    _same(stepped.lineage, full.lineage)
    _same(stepped.presence, full.presence)
    _same(stepped.statistics, full.statistics)
    assert full.statistics is not None
    assert full.statistics.variation_icon.notna().any()
    engine.close()
