"""The change feed: dense monotonic cursors, resumption, refusal of bad cursors, crash-torn
tails, restarts, the HTTP page and the SSE stream, and the embargo per viewer."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.publish.test_access import embargoed_catalogue

from oversight.collect import tokens
from oversight.home import Home
from oversight.publish import access, feed, feed_api
from oversight.publish.access import PUBLIC, Embargo, Viewer
from oversight.publish.web.routes import ROUTES, mount
from oversight.store import database


def _entry(n: int, org: str = "QMJ", collection: str = "community_ucr_return") -> dict[str, Any]:
    return {"kind": "revision", "key": f"revision:r{n}", "collection": collection,
            "org": org, "period": "2024-06", "revision_id": f"r{n}"}


def _restart() -> None:
    """What a new process sees: nothing cached."""
    feed._CACHES.clear()


def test_cursors_are_dense_monotonic_and_resume_without_skips_or_repeats(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    written = feed.append(home, [_entry(n) for n in range(5)])
    assert [e["cursor"] for e in written] == [feed.cursor_of(home, n) for n in range(1, 6)]
    assert feed.append(home, [_entry(2), _entry(5)])[0]["revision_id"] == "r5"  # r2 is there
    page, nxt = feed.read(home, None, limit=4)
    assert [e["revision_id"] for e in page] == ["r0", "r1", "r2", "r3"] and "key" not in page[0]
    _restart()
    rest, last = feed.read(home, nxt)
    assert [e["revision_id"] for e in rest] == ["r4", "r5"]
    assert feed.read(home, last) == ([], last)
    assert last == feed.head(home) == feed.cursor_of(home, 6)
    times = [e["time"] for e in page + rest]
    assert times == sorted(times)


@pytest.mark.parametrize(
    ("cursor", "says"),
    [
        ("banana", "malformed"),
        ("abcdefabcdef-1", "belongs to another feed"),
        ("{own}-99", "ahead of the feed, whose last entry is 2"),
        ("{own}--1", "malformed"),
    ],
)
def test_a_bad_cursor_is_refused_with_what_was_wrong(
    tmp_path: Path, cursor: str, says: str
) -> None:
    home = Home.at(tmp_path)
    feed.append(home, [_entry(1), _entry(2)])
    with pytest.raises(feed.CursorError, match=says):
        feed.read(home, cursor.format(own=feed.feed_id(home)))


def test_a_torn_last_line_is_invisible_then_cut_off(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    feed.append(home, [_entry(1)])
    journal = home.feed_dir / feed.JOURNAL
    with journal.open("ab") as fh:  # a crash in the middle of an append
        fh.write(b'{"cursor":"x-2","kind":"revi')
    _restart()
    assert [e["revision_id"] for e in feed.read(home)[0]] == ["r1"]
    assert feed.append(home, [_entry(2)])[0]["cursor"] == feed.cursor_of(home, 2)
    _restart()
    lines = journal.read_text().splitlines()
    assert [json.loads(x)["revision_id"] for x in lines] == ["r1", "r2"]


def test_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown feed entry kind"):
        feed.append(Home.at(tmp_path), [{"kind": "gossip", "key": "k"}])


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[TestClient, Home]:
    home = Home.at(tmp_path)
    database.upgrade(home.database())
    app = FastAPI()
    app.state.home = home
    mount(app, [r for r in ROUTES if r[1].startswith("/api/v1/changes")])
    embargo = Embargo.of(embargoed_catalogue("community_ucr_return"))
    monkeypatch.setattr(access, "rules", lambda: embargo)
    monkeypatch.setattr(access, "clock", lambda: dt.datetime(2024, 7, 1, tzinfo=dt.UTC))
    return TestClient(app), home


def test_the_http_page_filters_by_viewer_and_refuses_bad_input(client) -> None:
    http, home = client
    feed.append(home, [_entry(1, "QMJ"), _entry(2, "QMF"), _entry(3, "QMJ", "ecds")])
    public = http.get("/api/v1/changes")
    assert public.status_code == 200 and public.headers["cache-control"] == "no-store"
    body = public.json()
    assert [e["revision_id"] for e in body["changes"]] == ["r3"]  # June UCR is embargoed
    assert body["next"] == feed.cursor_of(home, 3)
    qmj = {"Authorization": f"Bearer {tokens.create('qmj', 'QMJ', engine=home.database())}"}
    seen = http.get("/api/v1/changes", headers=qmj).json()["changes"]
    assert [e["revision_id"] for e in seen] == ["r1", "r3"]  # its own, not QMF's
    nhse = {"Authorization": f"Bearer {tokens.create('n', None, 'nhse', engine=home.database())}"}
    first = http.get("/api/v1/changes", params={"limit": 1}, headers=nhse).json()
    after = http.get("/api/v1/changes", params={"since": first["next"]}, headers=nhse).json()
    assert [e["revision_id"] for e in first["changes"] + after["changes"]] == ["r1", "r2", "r3"]
    bad = http.get("/api/v1/changes", params={"since": "x"})
    assert bad.status_code == 400 and "malformed" in bad.json()["detail"]
    assert http.get("/api/v1/changes", params={"limit": 0}).status_code == 422
    assert http.get("/api/v1/changes", headers={"Authorization": "Bearer nope"}).status_code == 401
    stream = http.get("/api/v1/changes/stream", params={"since": "abcdefabcdef-1"})
    assert stream.status_code == 400 and "another feed" in stream.json()["detail"]


def _frames(home: Home, since: str | None, viewer: Viewer, appended_after: int) -> list[str]:
    """Run the SSE generator until it has sent every entry, appending one more entry after
    `appended_after` frames (a live entry), then leave."""
    frames: list[str] = []

    async def run() -> None:
        left = False

        async def gone() -> bool:
            return left

        async for frame in feed_api.events(home, since, viewer, gone, poll=0.01):
            frames.append(frame)
            if len(frames) == appended_after:
                feed.append(home, [_entry(99, collection="ecds")])
            if "r99" in frame:
                left = True

    asyncio.run(asyncio.wait_for(run(), 10))
    return frames


def test_the_stream_sends_the_same_entries_then_live_ones(client) -> None:
    _, home = client
    feed.append(home, [_entry(1, "QMJ"), _entry(2, "QMF", "ecds")])
    frames = _frames(home, None, PUBLIC, appended_after=2)
    assert frames[0].startswith("retry:")
    ids = [f.split("\n")[0] for f in frames[1:]]
    assert ids == [f"id: {feed.cursor_of(home, n)}" for n in (2, 3)]  # r1 is embargoed
    data = json.loads(frames[1].split("data: ", 1)[1])
    assert data == feed.read(home)[0][1] and frames[1].split("\n")[1] == "event: revision"
    resumed = _frames(home, feed.cursor_of(home, 2), PUBLIC, appended_after=99)
    assert [f.split("\n")[0] for f in resumed[1:]] == [f"id: {feed.cursor_of(home, 3)}"]
