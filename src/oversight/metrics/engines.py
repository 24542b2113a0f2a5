"""Engines: where the compiled Ibis expressions run. DuckDB embedded by default, Spark at scale.

The expressions in compile.py never name a backend; an engine only knows how to open a set of
lake files as an Ibis table, hold an intermediate result, and bring a result back as pandas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlglot.expressions as sge
from ibis.backends.sql.compilers.duckdb import DuckDBCompiler

from oversight import config


class Engine:
    """An Ibis backend plus the few operations that differ between backends."""

    name: str = "abstract"

    def __init__(self, backend: Any) -> None:
        self.backend = backend

    def read(self, paths: Sequence[Path]) -> ir.Table:
        raise NotImplementedError

    def execute(self, expr: ir.Table) -> pd.DataFrame:
        return expr.to_pandas()

    def execute_distinct(
        self, expr: ir.Table, keys: Sequence[str]
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The result, and the distinct values of its `keys` columns."""
        frame = self.execute(expr)
        return frame, frame[list(keys)].drop_duplicates().reset_index(drop=True)

    def execute_distinct_deferred(
        self, expr: ir.Table, keys: Sequence[str]
    ) -> tuple[Callable[[], pd.DataFrame], pd.DataFrame]:
        """execute_distinct, with the result given by a function that converts it when called
        (here already converted; DuckDB's Arrow result is converted to pandas then)."""
        frame, distinct = self.execute_distinct(expr, keys)
        return lambda: frame, distinct

    def batches(self, expr: ir.Table) -> Iterator[pa.RecordBatch]:
        """The result as Arrow record batches (here all at once; DuckDB streams them)."""
        return iter(expr.to_pyarrow().to_batches())

    def execute_coded(self, expr: ir.Table) -> pd.DataFrame:
        """Like execute, for projections of millions of records: text and date columns come
        back as categoricals and integer columns with nulls as nullable integers, coded batch by
        batch as the engine streams them, so no column is ever held as text or Python objects
        (at scale 1.0 the quantile records took 1.1 GB and 2 s to convert through Arrow's pandas
        conversion, against 0.1 GB of codes)."""
        coders: dict[str, _Coder] = {}
        parts: dict[str, list[np.ndarray]] = {}
        masks: dict[str, list[np.ndarray]] = {}
        names: list[str] = []
        for batch in gathered(self.batches(expr), BATCH_ROWS):
            names = batch.schema.names
            for name, col in zip(names, batch.columns, strict=True):
                kind = col.type
                if kind in _CODED:
                    values = coders.setdefault(name, _Coder()).codes(col)
                elif pa.types.is_integer(kind) and col.null_count:
                    values = col.fill_null(0).to_numpy()
                    masks.setdefault(name, []).append(col.is_null().to_numpy(zero_copy_only=False))
                elif pa.types.is_boolean(kind):
                    values = col.fill_null(False).to_numpy(zero_copy_only=False)
                else:
                    values = col.to_numpy(zero_copy_only=False)
                parts.setdefault(name, []).append(values)
        if not names:
            return self.execute(expr)
        data: dict[str, Any] = {}
        for name in names:
            values = np.concatenate(parts.pop(name))
            if name in coders:
                data[name] = coders[name].categorical(values)
            elif name in masks:
                data[name] = pd.arrays.IntegerArray(values, np.concatenate(masks.pop(name)))
            else:
                data[name] = values
        return pd.DataFrame(data)

    def cache(self, expr: ir.Table) -> ir.Table:
        """Materialise an intermediate result that several later expressions read."""
        return expr.cache()

    def release(self, cached: ir.Table) -> None:
        """Drop an intermediate result made by cache()."""
        release = getattr(cached, "release", None)
        if release is not None:
            release()

    def close(self) -> None:
        """Release the backend (a no-op for a shared Spark session)."""


BATCH_ROWS = 1 << 20
"""Rows execute_coded codes at a time (its memory bound as Arrow, about 60 MB of records)."""


STREAM_ROWS = 1 << 17
"""Rows per Arrow batch DuckDB streams (callers join them with gathered): at scale 1.0 RTT's
stream held about 180 MiB with a million rows per batch, about 130 with these, and the
engine's peak, RTT's scan, fell by about 45 MiB for no more CPU."""


STREAM_BUFFER = "64MiB"
"""How far DuckDB may run ahead of a streamed result's reader (`streaming_buffer_size`; DuckDB's
default, 10 MiB, is one or two of RTT's batches). The records streamed to Python (RTT's open
items, the quantile records) are coded and counted in Python between fetches; with a buffer
this small DuckDB's threads stop while Python works and Python waits while they scan, so the
two took turns on a 2-core machine. With room for a few batches they overlap."""


def gathered(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[pa.RecordBatch]:
    """The batches joined end to end into batches of at least `rows` rows (the last: the rest).

    DuckDB streams about one batch per Parquet file, a few thousand records each at scale 0.1,
    and each batch costs a fixed few hundred microseconds of Python to code per column: coding
    the ambulance quantile records' 504 batches took 0.6 s of CPU, one joined batch 0.1 s."""
    group: list[pa.RecordBatch] = []
    held = 0
    for batch in batches:
        group.append(batch)
        held += batch.num_rows
        if held >= rows:
            yield pa.concat_batches(group)
            group, held = [], 0
    if group:
        yield pa.concat_batches(group)


_CODED = (pa.string(), pa.large_string(), pa.date32())
"""Column types execute_coded returns as categoricals."""


def positions_in(col: pa.Array, known: pa.Array | None) -> pa.Array | None:
    """Each of a batch's values' position among the values coded already (`known`; null where
    the batch has null), None when the batch brings a value not among them (or there are none
    yet, or of another type). Looking a batch up (`index_in`) is about a quarter less CPU than
    dictionary-encoding it afresh, and after the first batches nearly every batch can be."""
    if known is None or col.type != known.type:
        return None
    at = pc.index_in(col, value_set=known)
    return at if at.null_count == col.null_count else None


class _Coder:
    """Global codes for a column's distinct values across the batches of one result."""

    def __init__(self) -> None:
        self.seen: dict[Any, int] = {}
        self._known: pa.Array | None = None  # the values seen, in code order

    def codes(self, col: pa.Array) -> np.ndarray:
        """The batch's values as int32 codes (-1: null). A batch whose values are all seen
        already is looked up in them (`index_in`: about a quarter less CPU than encoding it)."""
        at = positions_in(col, self._known)
        if at is not None:
            return at.fill_null(-1).to_numpy().astype(np.int32, copy=False)
        enc = pc.dictionary_encode(col)
        local = np.array(
            [self.seen.setdefault(v, len(self.seen)) for v in enc.dictionary.to_pylist()] or [0],
            dtype=np.int32,
        )
        idx = enc.indices.fill_null(-1).to_numpy()
        self._known = pa.array(list(self.seen), type=col.type)
        return np.where(idx < 0, np.int32(-1), local[np.maximum(idx, 0)])

    def categorical(self, codes: np.ndarray) -> pd.Categorical:
        """The codes of every batch as a categorical with sorted categories (the order in which
        values were first seen depends on how the engine split its result into batches)."""
        seen = list(self.seen)
        order = sorted(range(len(seen)), key=seen.__getitem__)
        rank = np.empty(max(len(seen), 1), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        ranked = np.where(codes < 0, np.int32(-1), rank[np.maximum(codes, 0)])
        return pd.Categorical.from_codes(ranked, [seen[i] for i in order])


class _DuckDBDays(DuckDBCompiler):
    """Ibis's DuckDB compiler, with a date plus a whole number of days as DuckDB's DATE + INTEGER
    (a DATE) instead of DATE + INTERVAL, which DuckDB works out as a TIMESTAMP (and Ibis casts
    back to a date). The same dates, so the same month indices and comparisons, for less work:
    the open-at-period-end scans compute several such bounds per record (RTT's snapshots at
    scale 0.1, DuckDB on one thread: 2.19 -> 2.01 s CPU, median of 9 alternating runs)."""

    def visit_DateAdd(self, op: ops.DateAdd, *, left: sge.Expression, right: sge.Expression) -> Any:
        days = op.right
        if (
            isinstance(days, ops.Literal)
            and days.dtype.is_interval()
            and days.dtype.unit.short == "D"
            and isinstance(days.value, int)
        ):
            return self.binop(sge.Add, left, sge.convert(days.value))
        return self.binop(sge.Add, left, right)


_DAYS = _DuckDBDays()


class DuckDBEngine(Engine):
    name = "duckdb"

    def __init__(self, backend: Any | None = None, threads: int | None = None) -> None:
        super().__init__(backend or ibis.duckdb.connect())
        self.backend.compiler = _DAYS
        if threads:
            self.backend.raw_sql(f"SET threads = {int(threads)}")
        self.backend.raw_sql(f"SET streaming_buffer_size = '{STREAM_BUFFER}'")
        # load Ibis's SQL compiler now (about 0.4 s the first time), not in the first compute
        probe = ibis.memtable({"x": [1]})
        self.backend.to_pyarrow(probe.group_by("x").aggregate(n=probe.count(where=probe.x > 0)))

    def execute(self, expr: ir.Table) -> pd.DataFrame:
        """Through Arrow: about twice as fast as Ibis's own pandas conversion on the partials."""
        return expr.to_pyarrow().to_pandas()

    def execute_distinct(
        self, expr: ir.Table, keys: Sequence[str]
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The distinct keys taken in Arrow before the pandas conversion (pandas
        drop_duplicates hashes a Python date per row: 0.15 s over the partials at scale 0.1)."""
        to_pandas, distinct = self.execute_distinct_deferred(expr, keys)
        return to_pandas(), distinct

    def execute_distinct_deferred(
        self, expr: ir.Table, keys: Sequence[str]
    ) -> tuple[Callable[[], pd.DataFrame], pd.DataFrame]:
        """The result's conversion to pandas left to the caller (an Arrow table, independent of
        the connection, so another thread may convert it while DuckDB runs the next query)."""
        table = expr.to_pyarrow()
        distinct = table.select(list(keys)).group_by(list(keys)).aggregate([])
        return table.to_pandas, distinct.to_pandas()

    def batches(self, expr: ir.Table) -> Iterator[pa.RecordBatch]:
        """Streamed from DuckDB's own reader (Ibis 12's batch reader calls a method DuckDB 2
        no longer has)."""
        self.backend._run_pre_execute_hooks(expr)
        relation = self.backend.con.sql(str(self.backend.compile(expr)))
        return iter(relation.to_arrow_reader(STREAM_ROWS))

    def read(self, paths: Sequence[Path]) -> ir.Table:
        """A temporary view over the files, its SQL written directly (building it through Ibis
        and sqlglot costs about 20 ms per hundred files), and its Ibis table made from the
        view's column types as DuckDB binds them (what Ibis's `table` reads back with a
        DESCRIBE built through sqlglot: 2-3 ms more per view).

        The file list is a query parameter held in a variable of the view's name, not text in
        the view's SQL: DuckDB then parses a short statement each time it binds the view
        (creating, describing and querying it), not one with every path (504 files: about
        4 ms less per view)."""
        self._n = getattr(self, "_n", 0) + 1
        name = f"_oversight_lake_{self._n}"
        con = self.backend.con
        con.execute(f"SET VARIABLE {name} = ?", [[str(p) for p in paths]])
        con.execute(
            f'CREATE OR REPLACE TEMP VIEW "{name}" AS SELECT * FROM '
            f"read_parquet(getvariable('{name}'), hive_partitioning = false)"
        )
        bound = con.sql(f'SELECT * FROM "{name}"')
        to_ibis = self.backend.compiler.type_mapper.from_string
        columns = zip(bound.columns, bound.types, strict=True)
        schema = ibis.schema({c: to_ibis(str(t), nullable=True) for c, t in columns})
        namespace = ops.Namespace(catalog=None, database=None)
        table = ops.DatabaseTable(name, schema=schema, source=self.backend, namespace=namespace)
        return table.to_expr()

    def cache(self, expr: ir.Table) -> ir.Table:
        self._n = getattr(self, "_n", 0) + 1
        name = f"_oversight_cache_{self._n}"
        return self.backend.create_table(name, expr, temp=True)

    def release(self, cached: ir.Table) -> None:
        self.backend.raw_sql(f'DROP TABLE IF EXISTS "{cached.get_name()}"')

    def close(self) -> None:
        self.backend.disconnect()


class SparkEngine(Engine):
    name = "spark"

    def __init__(self, session: Any | None = None) -> None:
        session = session or spark_session()
        super().__init__(ibis.pyspark.connect(session))
        self.session = session
        self._n = 0
        self._cached: dict[str, Any] = {}

    def read(self, paths: Sequence[Path]) -> ir.Table:
        frame = self.session.read.option("mergeSchema", "true").parquet(*[str(p) for p in paths])
        self._n += 1
        name = f"oversight_lake_{id(self)}_{self._n}"
        frame.createOrReplaceTempView(name)
        return self.backend.table(name)

    def cache(self, expr: ir.Table) -> ir.Table:
        """A persisted Spark DataFrame behind a temporary view (memtables registered first)."""
        self.backend._run_pre_execute_hooks(expr)
        frame = self.session.sql(str(self.backend.compile(expr))).persist()
        self._n += 1
        name = f"oversight_cache_{id(self)}_{self._n}"
        frame.createOrReplaceTempView(name)
        self._cached[name] = frame
        return self.backend.table(name)

    def release(self, cached: ir.Table) -> None:
        name = cached.get_name()
        frame = self._cached.pop(name, None)
        if frame is not None:
            frame.unpersist()
        self.session.catalog.dropTempView(name)


def spark_session(master: str = "local[2]", shuffle_partitions: int = 4) -> Any:
    """A local Spark session set up for the lake: UTC, few shuffle partitions, loopback only."""
    config.keep_spark_on_loopback()
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError(
            "the spark engine needs pyspark: pip install 'ics-oversight[spark]'"
        ) from exc
    return (
        SparkSession.builder.master(master)
        .appName("oversight-metrics")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )


def connect(name: str) -> Engine:
    """The engine called `name` (the command line resolves it: --engine, $OVERSIGHT_ENGINE)."""
    chosen = name.strip().lower()
    if chosen == "duckdb":
        return DuckDBEngine()
    if chosen == "spark":
        return SparkEngine()
    raise ValueError(f"unknown engine {chosen!r}: choose duckdb or spark")
