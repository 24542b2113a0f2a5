"""Partition files of the results store: immutable Parquet pieces that versions share.

    <home>/results/parts/<table>/<key>/<version that wrote it>.parquet

A version's manifest maps every table's keys to the piece that holds them: `metrics`,
`statistics`, `items` and `lineage` by organisation code (an ICB-month change touches three:
the ICB, its region, England); `funnels` by month (a funnel moves every ICB of its month);
`partials` by `<dataset>/<month>`; `presence` in one piece. A new version writes only the
pieces whose rows changed and names the parent's for the rest, so publishing one ICB-month
writes thousands of rows, not the million of a full version. Pieces are never rewritten; a
piece no kept version names is deleted by `results.prune`.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

PARTS = "parts"
BY_ORG = ("metrics", "statistics", "items", "lineage")
"""Tables kept one piece per organisation."""
Parts = dict[str, dict[str, str]]
"""table -> partition key -> piece path relative to the results folder."""


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """The frame as Arrow, with all-null columns typed as text, so that every piece of a table
    has one schema (an all-null piece would otherwise be typed null)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for i, column in enumerate(table.schema):
        if pa.types.is_null(column.type):
            table = table.set_column(i, column.name, pa.nulls(table.num_rows, pa.string()))
    return table


RowGroups = Callable[[pd.DataFrame], np.ndarray]
"""Each row's row group (a small number) in a piece: rows are written by row group, in
ascending number, each group's rows in their order."""


def write_piece(
    root: Path, table: str, key: str, version: str, frame: pd.DataFrame,
    row_groups: RowGroups | None = None,
) -> str:
    """Write one piece (fsynced, then renamed into place); returns its relative path.
    `row_groups`: how its rows are grouped (default: one row group), so that a reader's
    filters can skip whole row groups by their statistics."""
    rel = Path(PARTS) / table / key / f"{version}.parquet"
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    arrow = _arrow(frame)
    if row_groups is None or not len(frame):
        pq.write_table(arrow, tmp)
    else:
        group = np.asarray(row_groups(frame))
        order = np.argsort(group, kind="stable")
        arrow = arrow.take(order)
        bounds = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0, True])
        with pq.ParquetWriter(tmp, arrow.schema) as writer:
            for start, end in itertools.pairwise(bounds.tolist()):
                writer.write_table(arrow.slice(start, end - start), row_group_size=end - start)
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return rel.as_posix()


def write_split(
    root: Path, table: str, version: str, frame: pd.DataFrame, by: str | list[str],
    key: Any = None, row_groups: RowGroups | None = None,
) -> dict[str, str]:
    """One piece per value of `by` (key(value) names it; default str(value)); `row_groups`:
    how each piece's rows are grouped (`write_piece`)."""
    name = key or (lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))
    out = {}
    for value, part in frame.groupby(by, sort=True, observed=True):
        out[name(value)] = write_piece(root, table, name(value), version,
                                       part.reset_index(drop=True), row_groups)
    return out


def read(
    root: Path,
    pieces: Iterable[Path | str],
    columns: list[str] | None = None,
    filters: list[tuple[str, str, Any]] | None = None,
) -> pd.DataFrame:
    """The rows of some pieces, concatenated in the order given (empty frame for none)."""
    tables = [_piece(root / p, columns, filters) for p in pieces]
    if not tables:
        return pd.DataFrame(columns=columns or [])
    if len(tables) == 1:
        joined = tables[0]
    else:
        joined = pa.concat_tables(tables, promote_options="permissive")
    return joined.to_pandas()


CACHE_BYTES = 1024 * 2**20
"""How much of the pieces read a process keeps (pieces never change, so a cached read is
never stale; a new version re-reads only the pieces it rewrote). The demo's whole version is
about a third of this."""
_cache: OrderedDict[tuple[Any, ...], pa.Table] = OrderedDict()
_cached_bytes = 0
_lock = threading.Lock()


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple | set):
        return tuple(_hashable(v) for v in value)
    return value


def _piece(
    path: Path, columns: list[str] | None, filters: list[tuple[str, str, Any]] | None
) -> pa.Table:
    """One piece's rows (filtered). The piece is read whole (its columns) once and kept;
    filters are applied in memory, because readers ask the same piece for one metric after
    another (a page over every metric read each organisation's piece once per metric)."""
    table = _whole(path, columns)
    if filters:
        table = table.filter(pq.filters_to_expression(filters))
    return table


def _whole(path: Path, columns: list[str] | None) -> pa.Table:
    global _cached_bytes
    key = (str(path), _hashable(columns))
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    table = pq.read_table(path, columns=columns)
    with _lock:
        if key not in _cache and table.nbytes <= CACHE_BYTES // 8:
            _cache[key] = table
            _cached_bytes += table.nbytes
            while _cached_bytes > CACHE_BYTES and _cache:
                _, old = _cache.popitem(last=False)
                _cached_bytes -= old.nbytes
    return table


def rows_in(root: Path, pieces: Iterable[str]) -> int:
    return sum(pq.ParquetFile(root / p).metadata.num_rows for p in pieces)


def named(manifests: Iterable[Mapping[str, Any]]) -> set[str]:
    """Every piece some manifest names."""
    out: set[str] = set()
    for manifest in manifests:
        for pieces in manifest.get("parts", {}).values():
            out.update(pieces.values())
    return out
