"""The same compiled expressions give the same rows on DuckDB and on Spark."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.metrics import metrics_fixtures as fixtures

from oversight.metrics.computation import Computation, compute


@pytest.mark.spark
@pytest.mark.slow
def test_every_metric_row_matches_on_duckdb_and_spark(
    tiny: Computation, tiny_lake: Path, spark_engine
) -> None:
    on_spark = compute(
        tiny_lake, fixtures.METRICS, fixtures.DATA_ITEMS, fixtures.tree(), spark_engine
    )
    assert set(on_spark.metrics.metric_id) == {m.id for m in fixtures.METRICS}
    pd.testing.assert_frame_equal(
        tiny.metrics, on_spark.metrics, rtol=1e-9, atol=1e-9, check_dtype=False
    )
    pd.testing.assert_frame_equal(tiny.lineage, on_spark.lineage)
