"""The results pieces of metrics and statistics are written total first (oversight.metrics
.results.judged_first): a row group of the total breakdown's rows, one of the breakdown
groups' rows of every month but the latest, one of the latest month's; each keeps the rows'
order, and the piece holds the rows it was given."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from oversight.metrics import partitions
from oversight.metrics.results import judged_first

MONTHS = [dt.date(2024, m, 1) for m in (1, 2, 3)]


def _piece() -> pd.DataFrame:
    out: list[dict[str, object]] = []
    for metric in ("a", "b"):
        for month in MONTHS:
            for breakdown, group in (("age_band", "0-17"), ("sex", "f"), ("total", "total"),
                                     ("zz_after_total", "x")):
                out.append({"metric_id": metric, "org_code": "QMJ", "period": month,
                            "breakdown": breakdown, "group": group,
                            "value": float(len(out))})
    return pd.DataFrame(out)


def test_a_piece_is_written_total_first_in_three_row_groups(tmp_path: Path) -> None:
    frame = _piece()
    rel = partitions.write_piece(tmp_path, "metrics", "QMJ", "v1", frame, judged_first)
    parquet = pq.ParquetFile(tmp_path / rel)
    groups = [parquet.read_row_group(i).to_pandas() for i in range(parquet.num_row_groups)]
    assert [len(g) for g in groups] == [6, 12, 6]
    total = frame["breakdown"] == "total"
    latest = frame["period"] == MONTHS[-1]
    for got, want in zip(groups, [frame[total], frame[~total & ~latest], frame[~total & latest]],
                         strict=True):
        assert got["value"].tolist() == want["value"].tolist()  # the rows' order kept
    back = pq.read_table(tmp_path / rel).to_pandas().sort_values("value").reset_index(drop=True)
    pd.testing.assert_frame_equal(back, frame)


def test_a_piece_without_groups_or_rows_is_one_row_group(tmp_path: Path) -> None:
    frame = _piece()
    totals = frame[frame["breakdown"] == "total"].reset_index(drop=True)
    rel = partitions.write_piece(tmp_path, "metrics", "QMJ", "v1", totals, judged_first)
    assert pq.ParquetFile(tmp_path / rel).metadata.num_row_groups == 1
    pd.testing.assert_frame_equal(pq.read_table(tmp_path / rel).to_pandas(), totals)
    rel = partitions.write_piece(tmp_path, "metrics", "QMF", "v1", totals.iloc[:0], judged_first)
    assert pq.read_table(tmp_path / rel).num_rows == 0
