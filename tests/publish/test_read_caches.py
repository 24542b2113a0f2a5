"""The read path under load: cold pages built off the event loop and only once, pages warmed at
start, results-API answers kept per (version, query, viewer, release epoch) and sent again as
they are, with the same ETag, 304 and embargo as when they were built."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from oversight.catalogue import load
from oversight.catalogue.models.collections import Release
from oversight.collect import tokens
from oversight.home import Home
from oversight.publish import access
from oversight.publish.web import api_cache, page_cache, warm
from oversight.publish.web.app import create_app
from oversight.publish.web.page_cache import SingleFlight
from oversight.publish.web.views import pages

APRIL = "/api/v1/results?metric=ae_4hr&org=QMF&breakdown=total&period_from=2024-04"
BEFORE = dt.datetime(2024, 5, 5, 12, 0, tzinfo=dt.UTC)
AFTER = dt.datetime(2024, 5, 10, 8, 31, tzinfo=dt.UTC)  # April released 09:30 BST = 08:30 UTC


def test_single_flight_runs_a_build_once_off_the_event_loop() -> None:
    calls: list[int] = []
    release = threading.Event()

    def slow() -> str:
        calls.append(1)
        release.wait(5)
        return "built"

    async def scenario() -> tuple[list[str], float]:
        flight = SingleFlight()
        first = asyncio.create_task(flight.run("page", slow))
        second = asyncio.create_task(flight.run("page", slow))
        began = time.monotonic()
        await asyncio.sleep(0.05)  # the loop runs while the build blocks its thread
        ticked = time.monotonic() - began
        release.set()
        return list(await asyncio.gather(first, second)), ticked

    answers, ticked = asyncio.run(scenario())
    assert answers == ["built", "built"] and len(calls) == 1
    assert ticked < 2.0


def test_a_failed_build_fails_every_waiter_and_is_not_kept() -> None:
    async def scenario() -> list[Any]:
        flight = SingleFlight()

        def broken() -> str:
            time.sleep(0.05)
            raise LookupError("no such page")

        runs = [flight.run("page", broken) for _ in range(3)]
        return list(await asyncio.gather(*runs, return_exceptions=True))

    assert all(isinstance(r, LookupError) for r in asyncio.run(scenario()))


def test_a_cold_page_does_not_hold_up_other_requests(
    demo_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    built: list[str] = []
    real = pages.ics_page

    def slow_page(home: Home, code: str) -> Any:
        built.append(code)
        release.wait(10)
        return real(home, code)

    monkeypatch.setattr(pages, "ics_page", slow_page)
    app = create_app(demo_home)

    async def scenario() -> tuple[int, list[int]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
            cold = [asyncio.create_task(client.get("/icb/QMJ?cold=1")) for _ in range(3)]
            await asyncio.sleep(0.1)
            health = await asyncio.wait_for(client.get("/healthz"), 5)  # not behind the build
            release.set()
            return health.status_code, [r.status_code for r in await asyncio.gather(*cold)]

    health, statuses = asyncio.run(scenario())
    assert health == 200 and statuses == [200, 200, 200]
    assert built == ["QMJ"]  # one build for the three requests


def test_the_server_warms_the_overview_and_ics_pages_at_start(
    demo_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warm, "paths", lambda: iter(["/", "/icb/QMJ"]))
    app = create_app(demo_home, warm=True)
    with TestClient(app):
        cache: page_cache.PageCache = app.state.page_cache
        deadline = time.monotonic() + 120
        while len(cache._pages) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        paths = {key[-2] for key in cache._pages if isinstance(key, tuple)}
    assert paths == {"/", "/icb/QMJ"}


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    built: list[object] = []
    real = api_cache.AnswerCache.put

    def put(self: api_cache.AnswerCache, entry: object, answer: Any, now: dt.datetime) -> None:
        built.append(entry)
        real(self, entry, answer, now)

    monkeypatch.setattr(api_cache.AnswerCache, "put", put)
    return built


def test_a_repeated_query_is_answered_from_the_cache_with_its_etag(
    demo_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _counting(monkeypatch)
    client = TestClient(create_app(demo_home))
    url = "/api/v1/results?metric=ae_4hr&org=QMJ&breakdown=total"
    first, again = client.get(url), client.get(url)
    assert first.status_code == again.status_code == 200 and len(built) == 1
    assert first.content == again.content and first.headers == again.headers
    assert first.headers["etag"] and first.headers["cache-control"] == "public, max-age=30"
    not_modified = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 304 and not not_modified.content
    assert not_modified.headers["etag"] == first.headers["etag"]
    paged = client.get(url + "&limit=2")
    assert paged.json()["results"] == first.json()["results"][:2] and len(built) == 2
    following = client.get(f"{url}&limit=2&cursor={paged.json()['next']}")
    assert following.json()["results"] == first.json()["results"][2:4]
    assert client.get(url.replace("ae_4hr", "no_such_metric")).status_code == 422


@pytest.fixture
def embargoed() -> Iterator[list[dt.datetime]]:
    """Every stored collection released 10 days after its month ends; the clock is the
    list's last item."""
    real = load()
    changed = {
        cid: c.model_copy(update={"release": Release(days_after_period_end=10)})
        if c.dataset else c
        for cid, c in real.collections.items()
    }
    rules = access.Embargo.of(dataclasses.replace(real, collections=MappingProxyType(changed)))
    clock = [BEFORE]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(access, "rules", lambda: rules)
        patch.setattr(access, "clock", lambda: clock[-1])
        yield clock


def _april(response: httpx.Response) -> int:
    return int(response.json()["total"])


def test_a_kept_answer_changes_when_its_figures_are_released(
    demo_home: Home, embargoed: list[dt.datetime]
) -> None:
    client = TestClient(create_app(demo_home))
    held = client.get(APRIL)
    assert _april(held) == 0 and _april(client.get(APRIL)) == 0  # the second: a shortcut
    embargoed.append(AFTER)
    released = client.get(APRIL)  # the same app and query, after the release time
    assert _april(released) > 0 and released.headers["etag"] != held.headers["etag"]
    embargoed.append(BEFORE)  # and back: the answer follows the clock both ways
    assert _april(client.get(APRIL)) == 0


def test_a_kept_public_answer_is_never_a_tokens_and_the_reverse(
    demo_home: Home, embargoed: list[dt.datetime]
) -> None:
    token = tokens.create("cache-qmf", "QMF", "submitter", engine=demo_home.database())
    own = {"Authorization": f"Bearer {token}"}
    client = TestClient(create_app(demo_home))
    public = client.get(APRIL)
    private = client.get(APRIL, headers=own)  # QMF sees its own April before release
    assert _april(public) == 0 and _april(private) > 0
    assert private.headers["cache-control"] == "private, no-cache"
    assert _april(client.get(APRIL)) == 0 and _april(client.get(APRIL, headers=own)) > 0
    wrong = client.get(APRIL, headers={"Authorization": "Bearer ovs_nope_nope"})
    assert wrong.status_code == 401
