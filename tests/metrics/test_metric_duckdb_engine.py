"""What the DuckDB engine does differently from plain Ibis: how it compiles date arithmetic and
how it opens lake files (the figures must be the ones plain Ibis would give)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from oversight.metrics import engines
from oversight.metrics.engines import DuckDBEngine

D = dt.date


def test_a_date_plus_days_is_a_date_and_crosses_month_ends_and_leap_days() -> None:
    engine = DuckDBEngine(threads=1)
    starts = [D(2024, 1, 31), D(2024, 2, 28), D(2023, 2, 28), D(2023, 12, 31)]
    t = ibis.memtable({"start": starts}, schema={"start": "date"})
    expr = t.select(
        plus_1=t.start + ibis.interval(days=1),
        plus_365=t.start + ibis.interval(days=365),
        month_of_plus_29=(t.start + ibis.interval(days=29)).month(),
    )
    out = engine.backend.to_pyarrow(expr)
    # DuckDB works it out as a DATE, not as a TIMESTAMP (DATE + INTERVAL) cast back by Ibis
    engine.backend._run_pre_execute_hooks(expr)
    bound = engine.backend.con.sql(str(engine.backend.compile(expr)))
    assert [str(kind) for kind in bound.types[:2]] == ["DATE", "DATE"]
    plus_1 = [D(2024, 2, 1), D(2024, 2, 29), D(2023, 3, 1), D(2024, 1, 1)]
    assert out["plus_1"].to_pylist() == plus_1
    assert out["plus_365"].to_pylist() == [
        D(2025, 1, 30),
        D(2025, 2, 27),
        D(2024, 2, 28),
        D(2024, 12, 30),
    ]
    assert out["month_of_plus_29"].to_pylist() == [2, 3, 3, 1]


def test_other_intervals_still_add_as_intervals() -> None:
    engine = DuckDBEngine(threads=1)
    t = ibis.memtable({"start": [D(2024, 1, 31)]}, schema={"start": "date"})
    out = engine.backend.to_pyarrow(t.select(later=t.start + ibis.interval(months=1)))
    assert [v.date() if isinstance(v, dt.datetime) else v for v in out["later"].to_pylist()] == [
        D(2024, 2, 29)
    ]


def test_reads_files_whose_paths_hold_quotes(tmp_path: Path) -> None:
    engine = DuckDBEngine(threads=1)
    paths = []
    for k, folder in enumerate(("it's", 'say "hi"', "plain")):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "QMJ.parquet"
        pq.write_table(pa.table({"icb_code": ["QMJ"], "n": [k + 1]}), path)
        paths.append(path)
    table = engine.read(paths)
    assert engine.execute(table.aggregate(total=table.n.sum()))["total"].tolist() == [6]
    again = engine.read(paths[:1])  # a second view does not change the first one's files
    assert engine.execute(table.aggregate(total=table.n.sum()))["total"].tolist() == [6]
    assert engine.execute(again.aggregate(total=again.n.sum()))["total"].tolist() == [1]


def test_coded_records_from_many_small_files_are_every_record_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB streams about one small batch per file; execute_coded joins them before coding
    (here into groups of at least 5 records, the last group shorter) and must still give every
    record once, in order, with its text, date and nullable number."""
    monkeypatch.setattr(engines, "BATCH_ROWS", 5)
    engine = DuckDBEngine(threads=1)
    paths, expected = [], []
    for k in range(7):  # 16 records in files of 1 to 4
        rows = [
            (f"Q{k % 3}", D(2024, 1 + k % 2, 1), None if k == 4 else k * 10 + j, ("F", None)[j % 2])
            for j in range(k % 4 + 1)
        ]
        expected += rows
        icb, period, n, sex = (list(c) for c in zip(*rows, strict=True))
        data = {"icb_code": icb, "period": period, "n": pa.array(n, pa.int64()), "sex": sex}
        pq.write_table(pa.table(data), tmp_path / f"part{k}.parquet")
        paths.append(tmp_path / f"part{k}.parquet")
    out = engine.execute_coded(engine.read(paths).select("icb_code", "period", "n", "sex"))
    assert isinstance(out["icb_code"].dtype, pd.CategoricalDtype)
    assert list(out["icb_code"].cat.categories) == ["Q0", "Q1", "Q2"]
    got = [
        (i, p, None if pd.isna(n) else int(n), None if pd.isna(s) else s)
        for i, p, n, s in zip(out["icb_code"], out["period"], out["n"], out["sex"], strict=True)
    ]
    assert got == expected


def test_records_stream_in_batches_of_at_most_stream_rows() -> None:
    """The engine's peak at scale 1.0 is RTT's stream: its batches stay small."""
    engine = DuckDBEngine(threads=1)
    n = engines.STREAM_ROWS * 2 + 5
    table = ibis.memtable(pa.table({"x": pa.array(range(n), pa.int64())}))
    sizes = [b.num_rows for b in engine.batches(table)]
    assert sum(sizes) == n and max(sizes) <= engines.STREAM_ROWS


def test_duckdb_may_run_ahead_of_a_streamed_result_by_several_batches() -> None:
    """Python codes and counts streamed records between fetches (RTT's open items, the quantile
    records); DuckDB's default buffer (10 MiB, one or two of RTT's batches) made the two take
    turns. The engine's connection lets DuckDB run several batches ahead."""
    engine = DuckDBEngine(threads=1)
    con = engine.backend.con
    held = con.execute("SELECT current_setting('streaming_buffer_size')").fetchone()
    assert held is not None
    amount, unit = str(held[0]).split()
    mib = float(amount) * {"KiB": 1 / 1024, "MiB": 1, "GiB": 1024}[unit]
    # a batch of RTT's open records is about STREAM_ROWS x 60 bytes (8 MiB): room for several
    assert mib >= 6 * engines.STREAM_ROWS * 60 / 2**20


def test_coded_batches_of_values_seen_already_are_looked_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """execute_coded's coder encodes a batch only when it brings a value not seen yet; a value
    keeps its code either way, and a null is -1 (text and dates alike)."""
    encoded: list[int] = []
    real = engines.pc.dictionary_encode

    def counting(col: pa.Array) -> pa.Array:
        encoded.append(len(col))
        return real(col)

    monkeypatch.setattr(engines.pc, "dictionary_encode", counting)
    text = engines._Coder()
    got = [
        text.codes(pa.array(b))
        for b in (["b", "a"], ["a", None, "b"], ["c", "b"], [None, "c", "a"])
    ]
    assert [g.tolist() for g in got] == [[0, 1], [1, -1, 0], [2, 0], [-1, 2, 1]]
    assert all(g.dtype == "int32" for g in got)
    assert encoded == [2, 2]
    dates = engines._Coder()
    days = [pa.array(b, pa.date32()) for b in ([D(2024, 2, 1)], [D(2024, 2, 1), None])]
    assert [dates.codes(b).tolist() for b in days] == [[0], [0, -1]]
    assert list(dates.categorical(np.array([0, -1], np.int32)).categories) == [D(2024, 2, 1)]
