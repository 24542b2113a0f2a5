"""Publishing a small change writes only the pieces it touched, shares the rest with the parent
version, and gives exactly what a full recompute of the changed lake gives."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from oversight.home import Home
from oversight.judge import stage
from oversight.metrics import compute, published
from oversight.metrics.results import prune

KEYS = ["metric_id", "org_type", "org_code", "period", "breakdown", "group"]


def _resubmit(path: Path, revision: str, mutate) -> None:
    table = mutate(pq.read_table(path))
    table = table.set_column(
        table.schema.get_field_index("revision_id"),
        "revision_id",
        pa.array([revision] * table.num_rows, pa.string()),
    )
    pq.write_table(table, path)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(KEYS).reset_index(drop=True)


def _copy(demo_home: Home, tmp_path: Path) -> Home:
    shutil.copytree(demo_home.root, tmp_path / "home")
    return Home.at(tmp_path / "home")


def test_a_delta_equals_a_full_recompute_and_shares_untouched_pieces(
    demo_home: Home, tmp_path: Path
) -> None:
    home = _copy(demo_home, tmp_path)
    base = published(home)
    last = max(base.periods)
    month = last.strftime("%Y-%m")
    # QMJ resubmits its latest A&E month with every wait halved (record level, quantiles);
    # QMF's RTT month before loses half its pathways (a snapshot: later months move too);
    # QHG withdraws its ambulance file of the latest month.
    _resubmit(
        home.lake_dir / "ae_attendances" / month / "QMJ.parquet",
        "rev-ae-QMJ-2",
        lambda t: t.set_column(
            t.schema.get_field_index("wait_minutes"),
            "wait_minutes",
            pc.divide(t["wait_minutes"], 2).cast(t.schema.field("wait_minutes").type),
        ),
    )
    before = sorted(base.periods)[-2]
    _resubmit(
        home.lake_dir / "rtt_pathways" / before.strftime("%Y-%m") / "QMF.parquet",
        "rev-rtt-QMF-2",
        lambda t: t.slice(0, t.num_rows // 2),
    )
    (home.lake_dir / "ambulance_incidents" / month / "QHG.parquet").unlink()
    changes = [
        ("ae_attendances", "QMJ", last),
        ("rtt_pathways", "QMF", before),
        ("ambulance_incidents", "QHG", last),
        ("not_a_computed_dataset", "QMJ", last),
    ]
    delta = compute(home, changes=changes)
    assert delta.parent == base.id and delta.how == "incremental (3 ICB-months)"
    assert delta.changes == sorted(changes[:3])
    assert {"ae_4hr"} <= set(delta.manifest["metric_ids"])
    # only the touched organisations' pieces are new; every other piece is the parent's
    touched = set(delta.manifest["orgs"])
    assert {"QMJ", "QMF", "QHG", "ENG"} <= touched and len(touched) < 10
    for table in ("metrics", "statistics", "items", "lineage"):
        for org, piece in delta.parts[table].items():
            assert (piece == base.parts[table][org]) == (org not in touched), (table, org)
    assert delta.parts["funnels"][last.isoformat()] != base.parts["funnels"][last.isoformat()]
    first = min(base.periods).isoformat()
    assert delta.parts["funnels"][first] == base.parts["funnels"][first]

    full = compute(home, full=True)
    # the judge reads the pieces (with funnels from their months) as it reads a single file
    (a_total, a_groups), (b_total, b_groups) = stage.judged_rows(delta), stage.judged_rows(full)
    assert a_total["funnel_position"].notna().any() and len(a_groups)
    pd.testing.assert_frame_equal(a_total, b_total, check_dtype=False, rtol=1e-9)
    pd.testing.assert_frame_equal(a_groups, b_groups, check_dtype=False, rtol=1e-9)
    pd.testing.assert_frame_equal(
        _sorted(delta.rows(breakdown=None)), _sorted(full.rows(breakdown=None)),
        check_dtype=False, rtol=1e-9,
    )
    a, b = delta.computation(), full.computation()
    pd.testing.assert_frame_equal(a.presence, b.presence, check_dtype=False)
    pd.testing.assert_frame_equal(a.lineage, b.lineage, check_dtype=False)
    pd.testing.assert_frame_equal(a.items, b.items, check_dtype=False, rtol=1e-9)
    assert sorted(a.partials) == sorted(b.partials)
    for dataset in a.partials:
        keys = list(a.partials[dataset].columns)
        pd.testing.assert_frame_equal(
            a.partials[dataset].sort_values(keys, kind="stable").reset_index(drop=True),
            b.partials[dataset].sort_values(keys, kind="stable").reset_index(drop=True),
            check_dtype=False, rtol=1e-9,
        )
    # the old version stays readable; pruning removes it and only the pieces nobody names
    assert len(base.rows(metric="ae_4hr", org="QMJ")) == len(base.periods)
    assert prune(home, keep=2) == [base.id]
    assert len(delta.rows(metric="ae_4hr", org="QMJ")) == len(full.rows(metric="ae_4hr",
                                                                          org="QMJ"))
    left = {p.relative_to(home.results_dir).as_posix()
            for p in (home.results_dir / "parts").rglob("*.parquet")}
    named = {p for v in (delta, full) for pieces in v.parts.values() for p in pieces.values()}
    assert left == named


def test_a_young_version_is_not_pruned(demo_home: Home, tmp_path: Path) -> None:
    home = _copy(demo_home, tmp_path)
    base = published(home)
    compute(home, full=True)
    assert prune(home, keep=1, min_age=3600) == []
    assert base.row_count > 0 and published(home).parent == base.id
    assert prune(home, keep=1) == [base.id]


def test_a_change_outside_the_published_months_publishes_nothing(
    demo_home: Home, tmp_path: Path
) -> None:
    home = _copy(demo_home, tmp_path)
    base = published(home)
    assert compute(home, changes=[("ae_attendances", "QMJ", dt.date(1999, 1, 1))]) == base
