"""A piece read through the process's cache gives exactly what pyarrow's filtered read gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from oversight.metrics import partitions as parts


@pytest.mark.parametrize(
    "filters",
    [
        [("metric_id", "=", "ae_4hr")],
        [("metric_id", "=", "ae_4hr"), ("breakdown", "=", "total")],
        [("period", "in", [dt.date(2025, 1, 1), dt.date(2025, 3, 1)])],
        [("value", ">", 50.0)],
        [("metric_id", "=", "no_such_metric")],
    ],
)
def test_cached_piece_filters_as_pyarrow_does(tmp_path: Path, filters: list) -> None:
    frame = pd.DataFrame(
        {
            "metric_id": ["ae_4hr", "ae_4hr", "rtt_18wk", "ae_4hr", "rtt_18wk"],
            "breakdown": ["total", "sex", "total", "total", "total"],
            "period": [dt.date(2025, m, 1) for m in (1, 1, 2, 3, 3)],
            "value": [71.0, None, 60.5, 49.0, 80.0],
        }
    )
    path = tmp_path / "piece.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    expected = pq.read_table(path, filters=filters).to_pandas()
    first = parts.read(tmp_path, ["piece.parquet"], None, filters)
    again = parts.read(tmp_path, ["piece.parquet"], None, filters)  # from the cache
    pd.testing.assert_frame_equal(first, expected)
    pd.testing.assert_frame_equal(again, expected)
