"""Open-at-period-end counts by difference arrays (snapshots.py) give the rows of the engine's
expansion (compile.open_partials): the same groups, months and counts, column types included.

The records cover what the expansion handles: null person columns, no start or no stop, a stop
before the start, runs starting before the first month or after the last, day bounds at both
ends, items with filters of their own (gated) or one shared filter, and months between the
periods that are not snapshots. Where the groups are too many for the dense grid, computation
falls back to the engine's expansion.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from tests.metrics.metrics_fixtures import _item

from oversight.catalogue import DataItem
from oversight.metrics import compile as cc
from oversight.metrics import computation, snapshots
from oversight.metrics.engines import DuckDBEngine

D = dt.date
PERIODS = [D(2024, 1, 1), D(2024, 2, 1), D(2024, 3, 1), D(2024, 5, 1)]  # no April snapshot


def _maybe(values: Sequence[object], rng: np.random.Generator, share: float) -> list[object]:
    return [None if rng.random() < share else v for v in values]


def _lake(root: Path, rng: np.random.Generator) -> list[Path]:
    paths = []
    for period in PERIODS:
        for icb in ("QMJ", "QMF", "QHG"):
            n = 300
            start = [
                D(2024, 5, 20) + dt.timedelta(days=int(d)) for d in rng.integers(-900, 60, n)
            ]
            days = rng.integers(-30, 400, n)
            stop = [s + dt.timedelta(days=int(d)) for s, d in zip(start, days, strict=True)]
            table = pa.table(
                {
                    "icb_code": pa.array([icb] * n, pa.string()),
                    "period": pa.array([period] * n, pa.date32()),
                    "revision_id": pa.array([f"r-{icb}-{period:%m}"] * n, pa.string()),
                    "imd_decile": pa.array(_maybe(rng.integers(1, 11, n).tolist(), rng, 0.05),
                                           pa.int8()),
                    "ethnicity_group": pa.array(
                        _maybe(rng.choice(["Asian", "White"], n).tolist(), rng, 0.05), pa.string()
                    ),
                    "age_band": pa.array(rng.choice(["18-39", "80+"], n).tolist(), pa.string()),
                    "sex": pa.array(
                        _maybe(rng.choice(["female", "male"], n).tolist(), rng, 0.05), pa.string()
                    ),
                    "clock_start": pa.array(_maybe(start, rng, 0.03), pa.date32()),
                    "clock_stop": pa.array(_maybe(stop, rng, 0.5), pa.date32()),
                    "confirmed": pa.array(_maybe((rng.random(n) < 0.6).tolist(), rng, 0.05)),
                    "urgent": pa.array((rng.random(n) < 0.3).tolist()),
                }
            )
            path = root / "rtt_pathways" / f"{period:%Y-%m}" / f"{icb}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, path)
            paths.append(path)
    return paths


def _open(id: str, **kw: object) -> DataItem:
    return _item(
        id, "rtt_pathways", "open_at_period_end",
        start_column="clock_start", stop_column="clock_stop", **kw,
    )


CONFIRMED = [{"column": "confirmed", "op": "==", "value": True}]
URGENT = [{"column": "urgent", "op": "==", "value": True}]
ITEM_SETS = {
    "waiting list": [
        _open("waiting"),
        _open("within_18w", max_days=126),
        _open("over_52w", min_days=364),
        _open("between", min_days=30, max_days=200),
    ],
    "own filters": [
        _open("confirmed_over_62d", min_days=62, filter=CONFIRMED),
        _open("urgent", filter=URGENT),
        _open("urgent_within_18w", max_days=126, filter=URGENT),
    ],
    "some filtered": [_open("all"), _open("confirmed", min_days=10, filter=CONFIRMED)],
    "one shared filter": [
        _open("backlog", min_days=62, filter=CONFIRMED),
        _open("backlog_capped", min_days=20, max_days=300, filter=CONFIRMED),
    ],
}


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["icb_code", "imd_decile", "ethnicity_group", "age_band", "sex", "period"]
    return frame.sort_values(keys, na_position="first").reset_index(drop=True)


@pytest.mark.parametrize("name", sorted(ITEM_SETS))
@pytest.mark.parametrize("periods", [PERIODS, PERIODS[1:3]], ids=["gap", "two months"])
def test_difference_arrays_give_the_expansions_rows(
    tmp_path: Path, name: str, periods: list[dt.date]
) -> None:
    items = ITEM_SETS[name]
    paths = _lake(tmp_path, np.random.default_rng(11))
    engine = DuckDBEngine(threads=1)
    try:
        table = engine.read(paths)
        expanded = computation._dates(engine.execute(cc.open_partials(table, items, periods)))
        counted = computation.open_partials(engine, table, items, periods)
        assert len(expanded) > 100
        pd.testing.assert_frame_equal(_sorted(counted), _sorted(expanded))
    finally:
        engine.close()


def test_too_many_groups_falls_back_to_the_expansion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = ITEM_SETS["waiting list"]
    paths = _lake(tmp_path, np.random.default_rng(12))
    engine = DuckDBEngine(threads=1)
    try:
        table = engine.read(paths)
        want = computation.open_partials(engine, table, items, PERIODS)
        plan = cc.open_plan(table, items, PERIODS)
        monkeypatch.setattr(snapshots, "GRID_CELLS", 10)
        with pytest.raises(snapshots.TooManyGroups):
            snapshots.open_counts(
                engine.batches(cc.open_records(table, items)), items, PERIODS, plan
            )
        got = computation.open_partials(engine, table, items, PERIODS)
        pd.testing.assert_frame_equal(_sorted(got), _sorted(want))
    finally:
        engine.close()


def test_batches_add_up_and_no_records_give_no_rows(tmp_path: Path) -> None:
    items = ITEM_SETS["own filters"]
    paths = _lake(tmp_path, np.random.default_rng(13))
    engine = DuckDBEngine(threads=1)
    try:
        table = engine.read(paths)
        plan = cc.open_plan(table, items, PERIODS)
        records = engine.backend.to_pyarrow(cc.open_records(table, items))
        whole = snapshots.open_counts(records.to_batches(), items, PERIODS, plan)
        pieces = snapshots.open_counts(records.to_batches(max_chunksize=97), items, PERIODS, plan)
        pd.testing.assert_frame_equal(_sorted(pieces), _sorted(whole))
        none = snapshots.open_counts(records.slice(0, 0).to_batches(), items, PERIODS, plan)
        assert none.empty and list(none.columns) == list(whole.columns)
    finally:
        engine.close()


def test_months_by_table_and_far_apart_dates() -> None:
    origin = (2024 - 1970) * 12  # January 2024
    days = np.array([(D(2024, 1, 31) - D(1970, 1, 1)).days, (D(2023, 12, 1) - D(1970, 1, 1)).days])
    near = snapshots._Calendar([days], 31, origin)
    assert near.table is not None
    assert near.months(days).tolist() == [0, -1]
    assert near.months(days, 1).tolist() == [1, -1]
    epoch = D(1970, 1, 1)
    far = np.append(days, [(D(9999, 12, 31) - epoch).days, (D(1, 1, 1) - epoch).days])
    wide = snapshots._Calendar([far], 31, origin)
    assert wide.table is None
    assert wide.months(far, 1).tolist() == [1, -1, (10000 - 2024) * 12, (1 - 2024) * 12]


def test_integer_keys_with_nulls_are_coded_by_value() -> None:
    codes = snapshots._Codes()
    first = codes(pa.array([3, None, 7, 3], pa.int8()))
    second = codes(pa.array([7, 1], pa.int8()))
    values = codes.values().to_pylist()
    assert [values[c] for c in first] == [3, None, 7, 3]
    assert [values[c] for c in second] == [7, 1]
    assert codes.values().type == pa.int8()


def test_key_codes_are_first_sight_numbers_whether_looked_up_or_encoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch of values all coded already is looked up (index_in), not encoded afresh; one
    bringing a new value or the first null is encoded; either way a value keeps its code."""
    batches = [
        pa.array(["b", "a", "b"]),
        pa.array(["a", "b", "a", "b"]),  # all seen: looked up
        pa.array(["a", None, "b"]),  # the first null: looked up, null coded next
        pa.array(["c", "a", None]),  # a new value: encoded
        pa.array([None, "c", "b"]),  # all seen again: looked up
    ]
    encoded: list[int] = []
    real = pc.dictionary_encode

    def counting(col: pa.Array) -> pa.Array:
        encoded.append(len(col))
        return real(col)

    monkeypatch.setattr(snapshots.pc, "dictionary_encode", counting)
    codes = snapshots._Codes()
    got = [codes(b).tolist() for b in batches]
    assert got == [[0, 1, 0], [1, 0, 1, 0], [1, 2, 0], [3, 1, 2], [2, 3, 0]]
    assert encoded == [3, 3]  # the first batch and the one with "c"
    assert codes.values().to_pylist() == ["b", "a", None, "c"]
