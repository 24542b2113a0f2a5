"""Duplicates on the grain across the whole file: keys are kept (compactly) batch by batch and
compared once at the end, so a repeat a million rows later is still found."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import Spec

DUPLICATE = "ranges.duplicate_key"


def _may_repeat(keys: pa.ChunkedArray) -> bool:
    """Fast path for integer keys (record_id): sorted-unique check in numpy, no hashing."""
    if not pa.types.is_integer(keys.type):
        return True
    values = pc.drop_null(keys).combine_chunks().to_numpy(zero_copy_only=False)
    if len(values) < 2 or bool(np.all(values[1:] > values[:-1])):
        return False
    ordered = np.sort(values)
    return bool(np.any(ordered[1:] == ordered[:-1]))


class GrainKeys:
    """Accumulates one key per row (null when a key cell is missing or failed to parse)."""

    def __init__(self, spec: Spec) -> None:
        self.columns = spec.grain_key
        self.chunks: list[pa.Array] = []

    def add(self, typed: dict[str, pa.Array]) -> None:
        if any(c not in typed for c in self.columns):
            return
        if len(self.columns) == 1:
            self.chunks.append(typed[self.columns[0]])
            return
        parts = [pc.cast(typed[c], pa.string()) for c in self.columns]
        self.chunks.append(pc.binary_join_element_wise(*parts, "|"))

    def check(self, sink: IssueSink) -> None:
        """One issue per repeat (the first occurrence is not reported), naming the first row."""
        if not self.chunks:
            return
        keys = pa.chunked_array(self.chunks)
        if not _may_repeat(keys):
            return
        table = pa.table({"k": keys, "row": pa.array(range(1, len(keys) + 1), pa.int64())})
        table = table.filter(pc.is_valid(table["k"]))
        counts = table.group_by("k").aggregate([("row", "count"), ("row", "min")])
        repeated = counts.filter(pc.greater(counts["row_count"], 1))
        if repeated.num_rows == 0:
            return
        dups = table.filter(pc.is_in(table["k"], repeated["k"])).join(repeated, "k")
        dups = dups.filter(pc.not_equal(dups["row"], dups["row_min"])).sort_by("row")
        label = "+".join(self.columns)
        for k, row, first in zip(
            dups["k"].to_pylist(),
            dups["row"].to_pylist(),
            dups["row_min"].to_pylist(),
            strict=True,
        ):
            sink.add(DUPLICATE, label, f"duplicate {label}: same as row {first}", row=row, value=k)
