"""What a lake holds: each current file's revision id, rows and hashes, read in one pass.

Registration (synth/register.py) needs, for every lake/<dataset>/<YYYY-MM>/<ORG>.parquet,
the single `revision_id` its rows carry, its row count, the store's content hash (the one
`recovery.check` verifies) and the SHA-256 of its bytes. A demo lake has ~20,000 files, so
they are read on a forked process per core.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from oversight.collect.content_hash import CHUNK_ROWS, ContentHasher
from oversight.store.lake import Lake, month_dir
from oversight.store.models import Revision

PARALLEL_FROM = 400  # files; fewer are inspected in this process (forking costs more)
CHUNK_FILES = 256


class RegistrationError(RuntimeError):
    """The lake cannot be registered as it stands (nothing was changed)."""


@dataclass(frozen=True)
class LakeFile:
    """One current lake file and what its bytes say."""

    dataset: str
    period: str  # YYYY-MM
    org: str
    revision_id: str | None  # None: the file has no rows
    rows: int
    content_hash: str
    source_hash: str

    @property
    def relative(self) -> str:
        return f"{self.dataset}/{self.period}/{self.org}.parquet"


def lake_files(lake: Lake) -> list[tuple[str, str, str]]:
    """(dataset, period, org) of every current file: lake/<dataset>/<YYYY-MM>/<ORG>.parquet
    (folders starting with `_` or `.`, such as _revisions and _synth, are not datasets)."""
    found: list[tuple[str, str, str]] = []
    if not lake.root.exists():
        return found
    for dataset in sorted(p for p in lake.root.iterdir() if p.is_dir()):
        if dataset.name.startswith(("_", ".")):
            continue
        for period in sorted(p for p in dataset.iterdir() if month_dir(p.name)):
            for file in sorted(period.glob("*.parquet")):
                found.append((dataset.name, period.name, file.stem))
    return found


def inspect(root: Path, dataset: str, period: str, org: str) -> LakeFile:
    """Read one file once: its single revision id, rows, content hash and byte hash.

    Whole row groups without threads: for the lake's many small files that is about twice as
    fast as `iter_batches`, and the content hash does not depend on how rows are batched.
    """
    data = (root / dataset / period / f"{org}.parquet").read_bytes()
    parquet = pq.ParquetFile(pa.BufferReader(data))
    hasher = ContentHasher()
    if parquet.metadata.num_rows == 0:  # exactly as hash_parquet does (it may hash the schema)
        for batch in parquet.iter_batches(batch_size=CHUNK_ROWS):
            hasher.update(batch)
        content = hasher.hexdigest()
        return LakeFile(dataset, period, org, None, 0, content, hashlib.sha256(data).hexdigest())
    revisions: set[str] = set()
    for group in range(parquet.num_row_groups):
        table = parquet.read_row_group(group, use_threads=False)
        column = table.column("revision_id")
        if table.num_rows == 1:  # an aggregate file: one row per ICB-month
            revisions.add(column[0].as_py())
        elif table.num_rows:
            low, high = pc.min_max(column).values()
            revisions |= {low.as_py(), high.as_py()}
        for batch in table.to_batches():
            hasher.update(batch)
    if len(revisions) != 1:
        raise RegistrationError(f"{dataset}/{period}/{org}.parquet: several revision ids")
    content = hasher.hexdigest()
    return LakeFile(
        dataset,
        period,
        org,
        revisions.pop(),
        hasher.rows,
        content,
        hashlib.sha256(data).hexdigest(),
    )


def _inspect_many(root: Path, keys: Sequence[tuple[str, str, str]]) -> list[LakeFile]:
    return [inspect(root, *key) for key in keys]


def inspect_lake(
    lake: Lake, keys: Sequence[tuple[str, str, str]] | None = None, progress: bool = True
) -> list[LakeFile]:
    """Every current file (or those of `keys`) inspected, on a forked process per core for a
    large lake."""
    keys = lake_files(lake) if keys is None else list(keys)
    chunks = [keys[i : i + CHUNK_FILES] for i in range(0, len(keys), CHUNK_FILES)]
    workers = min(2, os.cpu_count() or 1)
    if len(keys) < PARALLEL_FROM or workers < 2:
        with _progress(progress, len(keys)) as advance:
            out = []
            for chunk in chunks:
                out.extend(_inspect_many(lake.root, chunk))
                advance(len(chunk))
        return out
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    results: dict[int, list[LakeFile]] = {}
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {pool.submit(_inspect_many, lake.root, c): i for i, c in enumerate(chunks)}
        with _progress(progress, len(keys)) as advance:  # after the fork: no thread is copied
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                advance(len(results[futures[future]]))
    return [f for i in range(len(chunks)) for f in results[i]]


@contextmanager
def _progress(show: bool, total: int) -> Iterator[Callable[[int], None]]:
    if not show:
        yield lambda _n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("register lake"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    )
    with bar:
        task = bar.add_task("", total=total)
        yield lambda n: bar.update(task, advance=n)


def manifest_seed(lake: Lake) -> int | None:
    """The seed of a synthetic lake (None when the lake was not generated)."""
    path = lake.root / "_synth" / "manifest.json"
    return int(json.loads(path.read_text())["seed"]) if path.exists() else None


def named(files: list[LakeFile], seed: int | None) -> list[LakeFile]:
    """Check each id against the generator's naming convention, which also names empty files."""
    from oversight.synth.writer import revision_id as synthetic_id

    out = []
    for f in files:
        expected = synthetic_id(seed, f.dataset, f.period, f.org) if seed is not None else None
        if f.revision_id is None and expected is None:
            raise RegistrationError(f"{f.relative}: no rows, so no revision id, and no manifest")
        if f.revision_id is None:
            f = replace(f, revision_id=expected)
        elif expected and f.revision_id.startswith("synth-") and f.revision_id != expected:
            raise RegistrationError(f"{f.relative}: revision id {f.revision_id}, not {expected}")
        if len(f.revision_id or "") > Revision.id.type.length:
            raise RegistrationError(f"{f.relative}: revision id {f.revision_id} is too long")
        out.append(f)
    return out
