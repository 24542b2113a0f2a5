"""Writing one lake file with fixed settings, so identical tables give identical bytes."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

COMPRESSION = "zstd"
COMPRESSION_LEVEL = 3


def lake_path(lake: Path, dataset: str, period: str, icb_code: str) -> Path:
    """lake/<dataset>/<YYYY-MM>/<ICB>.parquet, as docs/data-model.md lays it out."""
    return lake / dataset / period / f"{icb_code}.parquet"


def revision_id(seed: int, dataset: str, period: str, icb_code: str) -> str:
    """The deterministic lineage id of a synthetic file."""
    return f"synth-{seed}-{dataset}-{period}-{icb_code}"


def write(table: pa.Table, path: Path) -> int:
    """Write `table` to `path` (parents created); returns the number of rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        table,
        path,
        compression=COMPRESSION,
        compression_level=COMPRESSION_LEVEL,
        use_dictionary=True,
        write_statistics=True,
        row_group_size=1 << 20,
    )
    return table.num_rows
