"""Engines: where the compiled Ibis expressions run. DuckDB embedded by default, Spark at scale.

The expressions in compile.py never name a backend; an engine only knows how to open a set of
lake files as an Ibis table, hold an intermediate result, and bring a result back as pandas.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

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

    def cache(self, expr: ir.Table) -> ir.Table:
        """Materialise an intermediate result that several later expressions read."""
        return expr.cache()

    def close(self) -> None:
        """Release the backend (a no-op for a shared Spark session)."""


class DuckDBEngine(Engine):
    name = "duckdb"

    def __init__(self, backend: Any | None = None, threads: int | None = None) -> None:
        super().__init__(backend or ibis.duckdb.connect())
        if threads:
            self.backend.raw_sql(f"SET threads = {int(threads)}")

    def read(self, paths: Sequence[Path]) -> ir.Table:
        return self.backend.read_parquet(
            [str(p) for p in paths], hive_partitioning=False, union_by_name=True
        )

    def close(self) -> None:
        self.backend.disconnect()


class SparkEngine(Engine):
    name = "spark"

    def __init__(self, session: Any | None = None) -> None:
        session = session or spark_session()
        super().__init__(ibis.pyspark.connect(session))
        self.session = session
        self._n = 0

    def read(self, paths: Sequence[Path]) -> ir.Table:
        frame = self.session.read.option("mergeSchema", "true").parquet(*[str(p) for p in paths])
        self._n += 1
        name = f"oversight_lake_{id(self)}_{self._n}"
        frame.createOrReplaceTempView(name)
        return self.backend.table(name)


def spark_session(master: str = "local[2]", shuffle_partitions: int = 4) -> Any:
    """A local Spark session set up for the lake: UTC, few shuffle partitions, loopback only."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
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


def connect(name: str | None = None) -> Engine:
    """The engine called `name`, or the one OVERSIGHT_ENGINE chooses (duckdb by default)."""
    chosen = (name or config.engine_name()).strip().lower()
    if chosen == "duckdb":
        return DuckDBEngine()
    if chosen == "spark":
        return SparkEngine()
    raise ValueError(f"unknown engine {chosen!r}: choose duckdb or spark")
