"""Shared fixtures: a tiny hand-made lake computed once per session on DuckDB."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tests.metrics import metrics_fixtures as fixtures

from oversight.metrics.computation import Computation, compute
from oversight.metrics.engines import DuckDBEngine


@pytest.fixture(scope="session")
def tiny_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixtures.write_lake(tmp_path_factory.mktemp("lake"))


@pytest.fixture(scope="session")
def tiny(tiny_lake: Path) -> Computation:
    engine = DuckDBEngine()
    try:
        return compute(tiny_lake, fixtures.METRICS, fixtures.DATA_ITEMS, fixtures.tree(), engine)
    finally:
        engine.close()


@pytest.fixture(scope="session")
def spark_engine():
    """One local Spark session for the whole test run (local[2], one shuffle partition)."""
    pytest.importorskip("pyspark")
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java (no java on PATH and JAVA_HOME unset)")
    from oversight.metrics.engines import SparkEngine, spark_session

    session = spark_session("local[2]", shuffle_partitions=1)
    yield SparkEngine(session)
    session.stop()
