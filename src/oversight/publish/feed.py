"""The change feed: an append-only journal of what was accepted, published and judged.

    <home>/feed/changes.jsonl   one JSON entry a line, in cursor order
    <home>/feed/id              this feed's id (random, made once): cursors carry it

Every entry has `cursor` ("<feed id>-<sequence>"), `time`, `kind` and a unique `key`:
- `revision`: a submission was accepted (collection, dataset, org, period, revision_id);
- `results`: figures were published (results_version, and per changed ICB-month: collection,
  dataset, org, period, revision_id, metric_ids, the organisations recomputed);
- `judgement`: a judgement changed (results_version, org, metric_id, period and, per changed
  field such as the target status, its value before and after).

Appends take an exclusive lock, write whole lines and fsync, so cursors are dense and
monotonic across processes and restarts; an unterminated last line (a crash mid-write) is
ignored by readers and cut off by the next append. Entries carry a `key` so that whoever
appends after a crash (oversight.publish.queue) can skip what is already there: nothing is
written twice. A cursor is checked, never reset: one of another feed, ahead of this one or
malformed is refused with `CursorError` naming what was wrong.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import secrets
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oversight.home import Home

JOURNAL = "changes.jsonl"
KINDS = ("revision", "results", "judgement")
CURSOR = re.compile(r"^([0-9a-f]{12})-([0-9]{1,12})$")
MAX_PAGE = 1000


class CursorError(ValueError):
    """A cursor this feed did not give out: malformed, of another feed, or ahead of it."""


@dataclass
class _Cache:
    offset: int = 0
    entries: list[dict[str, Any]] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)


_CACHES: dict[Path, _Cache] = {}
_GUARD = threading.Lock()


def feed_id(home: Home) -> str:
    """This home's feed id, made once (atomically) on first use."""
    path = home.feed_dir / "id"
    if not path.exists():
        home.feed_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".id.{os.getpid()}.{secrets.token_hex(4)}")
        tmp.write_text(secrets.token_hex(6) + "\n")
        try:
            os.link(tmp, path)  # first writer wins; a loser reads the winner's id
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def cursor_of(home: Home, seq: int) -> str:
    return f"{feed_id(home)}-{seq}"


def parse_cursor(home: Home, cursor: str) -> int:
    """The sequence number a cursor stands for (0: before the first entry)."""
    match = CURSOR.match(cursor.strip())
    if match is None:
        raise CursorError(
            f"cursor {cursor!r} is malformed: a cursor looks like '{feed_id(home)}-42' "
            "(take it from an entry's `cursor` or a page's `next`)"
        )
    owner, seq = match.group(1), int(match.group(2))
    if owner != feed_id(home):
        raise CursorError(
            f"cursor {cursor!r} belongs to another feed (this one is {feed_id(home)}): start "
            "again without `since`"
        )
    last = len(_entries(home))
    if seq > last:
        raise CursorError(f"cursor {cursor!r} is ahead of the feed, whose last entry is {last}")
    return seq


def _journal(home: Home) -> Path:
    return home.feed_dir / JOURNAL


def _entries(home: Home) -> list[dict[str, Any]]:
    """Every complete entry, read incrementally (only bytes appended since the last call)."""
    path = _journal(home)
    with _GUARD:
        cache = _CACHES.setdefault(path, _Cache())
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            return []
        if size < cache.offset:  # not this journal any more (replaced): read it again
            cache = _CACHES[path] = _Cache()
        if size > cache.offset:
            with path.open("rb") as fh:
                fh.seek(cache.offset)
                data = fh.read(size - cache.offset)
            complete = data[: data.rfind(b"\n") + 1]
            for line in complete.splitlines():
                entry = json.loads(line)
                cache.entries.append(entry)
                cache.keys.add(entry["key"])
            cache.offset += len(complete)
        return cache.entries


def has(home: Home, key: str) -> bool:
    """Whether an entry with this key was appended."""
    _entries(home)
    return key in _CACHES[_journal(home)].keys


@contextmanager
def _locked(home: Home) -> Iterator[None]:
    home.feed_dir.mkdir(parents=True, exist_ok=True)
    with (home.feed_dir / "lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def append(home: Home, entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Append entries (each with `kind` and a unique `key`; those whose key is already in the
    feed are skipped) and return them as written, with `cursor` and `time`."""
    feed_id(home)
    path = _journal(home)
    with _locked(home):
        if path.exists():  # cut off the unterminated tail of a crashed append
            with path.open("rb+") as fh:
                data = fh.read()
                end = data.rfind(b"\n") + 1
                if end != len(data):
                    fh.truncate(end)
        existing = _entries(home)
        seen = set(_CACHES[path].keys)
        seq = len(existing)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        written, lines = [], []
        for entry in entries:
            if entry["kind"] not in KINDS:
                raise ValueError(f"unknown feed entry kind {entry['kind']!r}")
            if entry["key"] in seen:
                continue
            seen.add(entry["key"])
            seq += 1
            full = {"cursor": cursor_of(home, seq), "time": now, **entry}
            written.append(full)
            lines.append(json.dumps(full, separators=(",", ":"), default=str) + "\n")
        if lines:
            with path.open("ab") as fh:
                fh.write("".join(lines).encode())
                fh.flush()
                os.fsync(fh.fileno())
        _entries(home)
    return written


def read(
    home: Home, since: str | None = None, limit: int = MAX_PAGE
) -> tuple[list[dict[str, Any]], str]:
    """The entries after `since` (None: from the start), at most `limit`, and the cursor to
    ask from next (the last one returned, else `since` itself)."""
    entries = _entries(home)
    start = 0 if since is None else parse_cursor(home, since)
    page = entries[start : start + limit]
    nxt = page[-1]["cursor"] if page else cursor_of(home, start)
    return [_public(e) for e in page], nxt


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "key"}


def head(home: Home) -> str:
    """The cursor of the last entry (the feed's start before any)."""
    return cursor_of(home, len(_entries(home)))
