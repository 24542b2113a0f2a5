"""Answers of the read API kept as the bytes sent, so a repeated query is a lookup.

An answer of `/api/v1/results` or `/api/v1/judgements` is a function of the immutable version
it reads, the query, the viewer (role and ICB: the embargo shows each different figures, and
the `next` cursor is signed for them) and the embargo's release epoch (how many of the
answer's release times have passed, oversight.publish.web.release_times). It is built once in
the thread pool (single flight, page_cache.SingleFlight) and kept under all of these, with
the release times it depends on, so a later request works out its epoch without touching
the figures. ETag and 304 come from the caching middleware, from the same bytes.

A public answer of the current version (no token, no cursor) is also left as a shortcut
(oversight.publish.web.shortcuts) under the request's exact path and query string: sent again
without routing or validating anything, for as long as the version is current and the epoch
the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request, Response

from oversight.home import Home
from oversight.publish import access
from oversight.publish.web.caching import PUBLIC_CACHE, etag_of
from oversight.publish.web.page_cache import PageCache
from oversight.publish.web.release_times import epoch
from oversight.publish.web.shortcuts import Shortcut, Shortcuts

JSON = "application/json"


@dataclass(frozen=True)
class Answer:
    """A built answer: its body, and the release times of the figures it was made from
    (empty: no embargo changes it)."""

    body: bytes
    times: tuple[dt.datetime, ...]


class AnswerCache:
    """Answers' bodies by (key, release epoch), and each key's release times."""

    def __init__(self, pages: PageCache | None = None, max_keys: int = 4096) -> None:
        self.pages = pages or PageCache()
        self.max_keys = max_keys
        self.times: dict[Hashable, tuple[dt.datetime, ...]] = {}

    def get(self, entry: Hashable, now: dt.datetime) -> bytes | None:
        times = self.times.get(entry)
        return None if times is None else self.pages.get((entry, epoch(times, now)))

    def put(self, entry: Hashable, built: Answer, now: dt.datetime) -> None:
        if len(self.times) >= self.max_keys:
            self.times.clear()  # rare; the bodies stay until the page cache drops them
        self.times[entry] = built.times
        self.pages.put((entry, epoch(built.times, now)), built.body)


async def answer(request: Request, key: tuple[Hashable, ...],
                 build: Callable[[dt.datetime], Answer],
                 public_while: Callable[[], bool] | None = None) -> Response:
    """The answer under `key` (version, query, viewer) now: from the cache when built in this
    release epoch, else built by `build(now)` in the thread pool once and kept. With
    `public_while` (a public request of the current version), the answer is also a shortcut
    for the same path and query while `public_while()` and the epoch hold."""
    cache: AnswerCache = request.app.state.answer_cache
    rules = access.rules()
    entry = (*key, id(rules))
    now = access.clock()
    body = cache.get(entry, now)
    if body is None:
        built = await cache.pages.builds.run(
            entry, lambda: build(now), lambda made: cache.put(entry, made, now)
        )
        body = built.body
    times = cache.times.get(entry)
    # only an answer kept for this very epoch becomes a shortcut (a build another request
    # started may have straddled a release time)
    if public_while is not None and times is not None and cache.get(entry, now) is body:
        _shortcut(request, body, times, epoch(times, now), rules, public_while)
    return Response(body, media_type=JSON)


def _shortcut(request: Request, body: bytes, times: tuple[dt.datetime, ...], at: int,
              rules: object, version_holds: Callable[[], bool]) -> None:
    """Leave the public answer (made in release epoch `at`) for the shortcut middleware, with
    the headers the route and the caching middleware give it, while the version is current
    and the epoch the same."""

    def still() -> bool:
        return (version_holds() and access.rules() is rules
                and epoch(times, access.clock()) == at)

    tag = etag_of(body)
    headers = ((b"content-type", JSON.encode()), (b"vary", b"Authorization"),
               (b"cache-control", PUBLIC_CACHE), (b"etag", tag.encode()))
    shortcuts: Shortcuts = request.app.state.shortcuts
    shortcuts.remember(request.scope["path"], request.scope["query_string"],
                       Shortcut(body, headers, still, tag, public=True))


_versions: dict[Path, tuple[tuple[int, int, int] | None, str | None]] = {}


def current_version(home: Home) -> str | None:
    """The published results version (metrics.results.current_version), its pointer read
    again only when the pointer file is replaced (a stat per request instead of a read)."""
    from oversight.metrics import results

    pointer = home.results_dir / results.POINTER
    try:
        st = pointer.stat()
        sig: tuple[int, int, int] | None = (st.st_ino, st.st_mtime_ns, st.st_size)
    except OSError:
        sig = None
    seen = _versions.get(pointer)
    if seen is not None and seen[0] == sig:
        return seen[1]
    name = results.current_version(home)
    _versions[pointer] = (sig, name)
    return name
