"""Shared fixtures: a tiny hand-made lake computed once per session on DuckDB."""

from __future__ import annotations

from pathlib import Path

import metrics_fixtures as fixtures
import pytest

from oversight.metrics.compute import Computation, compute
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
