"""The analytic lake: Parquet files under a home's lake/, laid out as docs/data-model.md says.

Files only ever appear by rename: a writer fills a hidden temporary file in the destination
directory, fsyncs it and os.replace()s it into place, so a reader (or a crash) never sees half
a file. Temporary names do not end in `.parquet`, so globs of the lake never match them.
"""

from __future__ import annotations

import errno
import fcntl
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any

from oversight.period import Period, PeriodError

REVISIONS_DIR = "_revisions"
TEMP_PREFIX = ".tmp-"
LOCK_NAME = ".ingest.lock"
_UNSAFE = frozenset("/\\\x00")


class PathOutsideLake(ValueError):
    """A dataset, period, organisation or revision id that would not name a file inside the
    lake root (a second line of defence: the submission service checks codes first)."""


def _part(value: object, what: str) -> str:
    """`value` as one plain path component: text, no separators, NUL, or leading dot."""
    text = value if isinstance(value, str) else None
    if not text or text[0] == "." or any(c in _UNSAFE for c in text):
        raise PathOutsideLake(f"{what} {str(value)[:40]!r} cannot name a file in the lake")
    return text


def month_dir(name: str) -> Period | None:
    """The month a lake folder `<dataset>/<YYYY-MM>` holds; None for any other folder name."""
    try:
        return Period.parse_month(name)
    except PeriodError:
        return None


def fsync_dir(directory: Path) -> None:
    """Make a rename inside `directory` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


class Lake:
    """One lake root: where each file lives, and the only ways files get there."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, dataset: str, period: Period | str | date, icb: str) -> Path:
        """The current file of one dataset for one month (a month, a day in it, or 2024-06)
        and ICB."""
        month = str(Period.month_of(period))
        parts = (_part(dataset, "dataset"), month, f"{_part(icb, 'organisation')}.parquet")
        return self._inside(self.root.joinpath(*parts))

    def revision_path(self, revision_id: str) -> Path:
        """The immutable file of one revision."""
        name = f"{_part(revision_id, 'revision id')}.parquet"
        return self._inside(self.root / REVISIONS_DIR / name)

    def _inside(self, path: Path) -> Path:
        """`path`, once it is certain to resolve (symbolic links followed) under the root."""
        root = self.root.resolve()
        if not path.resolve().is_relative_to(root):
            raise PathOutsideLake(f"{path} resolves outside the lake {root}")
        return path

    def revisions_dir(self) -> Path:
        return self.root / REVISIONS_DIR

    def temp_path(self, directory: Path) -> Path:
        """A fresh hidden temporary name in `directory` (created if missing)."""
        directory.mkdir(parents=True, exist_ok=True)
        return directory / f"{TEMP_PREFIX}{uuid.uuid4().hex}"

    def temp_files(self) -> Iterator[Path]:
        """Every temporary file anywhere in the lake (leftovers of interrupted writers)."""
        if self.root.exists():
            yield from self.root.glob(f"*/{TEMP_PREFIX}*")
            yield from self.root.glob(f"*/*/{TEMP_PREFIX}*")

    def publish(self, temp: Path, dest: Path) -> None:
        """Atomically move a fully written temporary file to `dest` (fsync, rename, fsync dir)."""
        fsync_file(temp)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp, dest)
        fsync_dir(dest.parent)

    def publish_copy(self, source: Path, dest: Path) -> None:
        """Make `dest` an atomic copy of the immutable file `source` (a hard link when the
        file system allows it, so publishing a large revision costs nothing)."""
        temp = self.temp_path(dest.parent)
        try:
            try:
                os.link(source, temp)
            except OSError as error:
                if error.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                    raise
                with open(source, "rb") as src, open(temp, "wb") as out:
                    while chunk := src.read(1 << 22):
                        out.write(chunk)
            self.publish(temp, dest)
        finally:
            temp.unlink(missing_ok=True)

    @contextmanager
    def ingest_lock(self) -> Iterator[None]:
        """Exclusive lock for the short commit-and-publish step of ingests and for recovery.
        The kernel releases it when the holder dies, even by kill -9."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_NAME, "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def staged(self, directory: Path) -> Iterator[tuple[Path, IO[Any]]]:
        """A temporary file in `directory` with a held lock beside it (`<temp>.lock`), so
        recovery can tell a live writer's file from a dead writer's leftover."""
        temp = self.temp_path(directory)
        lock_path = temp.with_name(temp.name + ".lock")
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield temp, lock
            finally:
                temp.unlink(missing_ok=True)
                lock_path.unlink(missing_ok=True)

    def remove_orphan_temps(self) -> list[Path]:
        """Delete temporary files whose writer is gone; returns what was removed."""
        removed: list[Path] = []
        for temp in sorted(self.temp_files()):
            if temp.name.endswith(".lock"):
                continue
            lock_path = temp.with_name(temp.name + ".lock")
            if lock_path.exists() and _is_held(lock_path):
                continue
            temp.unlink(missing_ok=True)
            removed.append(temp)
        for lock_path in self.temp_files():
            if lock_path.name.endswith(".lock") and not _is_held(lock_path):
                lock_path.unlink(missing_ok=True)
                removed.append(lock_path)
        return removed

    def ibis_connection(self) -> Any:
        """An embedded DuckDB connection through Ibis."""
        import ibis

        return ibis.duckdb.connect()

    def table(self, dataset: str, connection: Any = None) -> Any:
        """Every current file of `dataset` as one Ibis table (hive partitioning off)."""
        con = connection if connection is not None else self.ibis_connection()
        pattern = str(self._inside(self.root / _part(dataset, "dataset")) / "*" / "*.parquet")
        return con.read_parquet(
            pattern, table_name=dataset, hive_partitioning=False, union_by_name=True
        )


def _is_held(lock_path: Path) -> bool:
    """True when another process holds the flock on `lock_path`."""
    try:
        with open(lock_path, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return False
