"""The judge reads only the row groups of the results pieces that may hold what it judges
(every total row, the breakdown groups of the latest month): whatever the pieces' row groups
(the compute stage's total-first ones, one row group as older pieces have, a mixture, months
written as timestamps), the rows read are those pyarrow's filtered read of the whole files
gives."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from tests.judge.stage_support import MONTHS, publish_full, rows

from oversight.home import Home
from oversight.judge import stage

LAST = MONTHS[-1]


def _filtered(path: Path, metrics: list[str] | None, columns: list[str]) -> pd.DataFrame:
    """What the stage read before: pyarrow's filtered read of every row."""
    ours = [] if metrics is None else [("metric_id", "in", metrics)]
    where = [[("breakdown", "==", "total"), *ours],
             [("breakdown", "!=", "total"), ("period", "==", LAST), *ours]]
    return _sorted(pq.read_table(path, columns=columns, filters=where))


def _sorted(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas()
    for col in frame.columns:
        if not pd.api.types.is_float_dtype(frame[col]):  # text (dictionary or not) as objects
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return frame.sort_values(stage.ORDER, kind="stable").reset_index(drop=True)


def _one_group(piece: Path, timestamps: bool = False) -> None:
    """Rewrite a piece as one row group (as pieces were written before), months optionally
    as timestamps."""
    table = pq.read_table(piece)
    if timestamps:
        at = table.schema.get_field_index("period")
        table = table.set_column(at, "period", pc.cast(table.column("period"),
                                                       pa.timestamp("ns")))
    piece.unlink()  # a hard link of the shared piece: replace, never write through it
    pq.write_table(table, piece)


@pytest.mark.parametrize("metrics", [None, ["rtt_18wk"]])
@pytest.mark.parametrize("layout", ["total first", "one row group", "mixed", "timestamps"])
def test_the_rows_read_are_the_filtered_rows_whatever_the_row_groups(
    tmp_path: Path, layout: str, metrics: list[str] | None
) -> None:
    version = publish_full(Home.at(tmp_path / "home"), rows())
    for table in ("metrics", "statistics"):
        pieces = sorted((version.path / table).glob("*.parquet"))
        assert pieces and all(pq.ParquetFile(p).metadata.num_row_groups > 1 for p in pieces)
        if layout != "total first":
            for i, piece in enumerate(pieces):
                if layout != "mixed" or i % 2:
                    _one_group(piece, timestamps=layout == "timestamps")
        columns = [*stage.ORDER, "value"] if table == "metrics" else [*stage.ORDER, "spc_lpl"]
        read = stage._judged_table(version.path / table, metrics, LAST, columns)
        expected = _filtered(version.path / table, metrics, columns)
        assert len(expected) == (50 if metrics is None else 25)  # 30 (15) totals, 20 (10) groups
        pd.testing.assert_frame_equal(_sorted(read), expected)
        totals_only = _sorted(stage._judged_table(version.path / table, metrics, None, columns))
        pd.testing.assert_frame_equal(
            totals_only, expected[expected["breakdown"] == "total"].reset_index(drop=True))


def test_a_single_file_is_read_as_a_folder_of_pieces_is(tmp_path: Path) -> None:
    version = publish_full(Home.at(tmp_path / "home"), rows())
    pieces = sorted((version.path / "metrics").glob("*.parquet"))
    whole = pa.concat_tables([pq.read_table(p) for p in pieces])
    pq.write_table(whole, tmp_path / "metrics.parquet", row_group_size=7)
    columns = [*stage.ORDER, "value", "missing_reason"]
    read = stage._judged_table(tmp_path / "metrics.parquet", None, LAST, columns)
    pd.testing.assert_frame_equal(_sorted(read), _filtered(version.path / "metrics", None,
                                                           columns))
