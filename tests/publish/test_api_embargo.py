"""The embargo from the outside: every role against every read endpoint over HTTP.

The demo home's months run to April 2024. Every stored collection is given a release time
of 09:30 on the 10th day after the month ends, and the clock is set to 5 May 2024: March's
figures are public, April's are not. Only QMJ's own token (for QMJ's figures), NHS England,
DHSC and admin see April; the public, CQC and QMJ (for anyone else's, and for the region's
and England's) do not. The pages show what the public sees whoever asks.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from types import MappingProxyType
from typing import Any

import pytest
from fastapi.testclient import TestClient

from oversight.catalogue import load
from oversight.catalogue.models.collections import Release
from oversight.collect import tokens
from oversight.home import Home
from oversight.publish import access
from oversight.publish.web.app import create_app

NOW = dt.datetime(2024, 5, 5, 12, 0, tzinfo=dt.UTC)
ROLES = ["public", "icb", "nhse", "dhsc", "cqc", "admin"]
ORGS = ["QMJ", "QMF", "ENG"]


def sees_april(role: str, org: str) -> bool:
    """The rule, written out for the test: who sees an April 2024 figure on 5 May 2024."""
    return role in ("nhse", "dhsc", "admin") or (role == "icb" and org == "QMJ")


@pytest.fixture(scope="module")
def embargoed() -> Iterator[None]:
    real = load()
    rule = Release(days_after_period_end=10)
    changed = {
        cid: c.model_copy(update={"release": rule}) if c.dataset else c
        for cid, c in real.collections.items()
    }
    embargo = access.Embargo.of(
        dataclasses.replace(real, collections=MappingProxyType(changed))
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(access, "rules", lambda: embargo)
        patch.setattr(access, "clock", lambda: NOW)
        yield


@pytest.fixture(scope="module")
def client(demo_home: Home, embargoed: None) -> TestClient:
    return TestClient(create_app(demo_home))


@pytest.fixture(scope="module")
def headers(demo_home: Home) -> dict[str, dict[str, str]]:
    engine = demo_home.database()
    made = {
        "icb": tokens.create("embargo-qmj", "QMJ", "submitter", engine=engine),
        **{r: tokens.create(f"embargo-{r}", None, r, engine=engine)
           for r in ("nhse", "dhsc", "cqc", "admin")},
    }
    return {"public": {}, **{r: {"Authorization": f"Bearer {t}"} for r, t in made.items()}}


Get = Callable[[str], Any]


def _results(get: Get, org: str) -> bool:
    body = get(f"/api/v1/results?metric=ae_4hr&org={org}&period_from=2024-04").json()
    groups = {(r["breakdown"], r["group"]) for r in body["results"]}
    assert body["total"] == len(body["results"])
    return ("total", "total") in groups


def _judgements(get: Get, org: str) -> bool:
    body = get(f"/api/v1/judgements?metric=ae_4hr&org={org}&period_from=2024-04").json()
    return bool(body["total"])


def _series(get: Get, org: str) -> bool | None:
    if org == "ENG":
        return None  # the series route is for ICBs
    points = get(f"/api/v1/organisations/{org}/metrics/ae_4hr").json()["points"]
    return points[-1]["period"] == "2024-04-01"


def _judgement(get: Get, org: str) -> bool | None:
    if org == "ENG":
        return None
    response = get(f"/api/v1/organisations/{org}/metrics/ae_4hr/judgement?period=2024-04")
    assert response.status_code in (200, 404), response.text[:200]
    return response.status_code == 200


_DOWNLOADED: dict[str, list[dict[str, str]]] = {}


def _download(get: Get, org: str, role: str) -> bool:
    if role not in _DOWNLOADED:
        version = get("/api/v1/downloads").json()["downloads"][0]["version"]
        text = get(f"/api/v1/downloads/{version}/results.csv").text
        _DOWNLOADED[role] = [
            r for r in csv.DictReader(io.StringIO(text)) if r["metric"] == "ae_4hr"
        ]
    return any(r["org"] == org and r["period"] == "2024-04" for r in _DOWNLOADED[role])


def _latest(get: Get, org: str) -> bool | None:
    body = get("/api/v1/metrics/ae_4hr/latest").json()
    return body["period"] == "2024-04-01" if org == "QMJ" else None


def _shows_april(text: str) -> bool:
    """A page shows April 2024's figures (a date such as "accepted 4 April 2024" is not one)."""
    return re.search(r"(?<![0-9] )April 2024", text) is not None


def _national_page(get: Get, org: str) -> bool | None:
    return _shows_april(get("/").text) if org == "QMJ" else None


def _icb_page(get: Get, org: str) -> bool | None:
    return _shows_april(get(f"/icb/{org}/ae_4hr").text) if org != "ENG" else None


def _scorecard(get: Get, org: str) -> bool | None:
    return _shows_april(get(f"/icb/{org}").text) if org != "ENG" else None


def _metric_page(get: Get, org: str) -> bool | None:
    return _shows_april(get(f"/metric/ae_4hr?icb={org}").text) if org != "ENG" else None


def _aggregate_pages(get: Get, org: str) -> bool | None:
    if org != "ENG":
        return None
    return _shows_april(get("/england").text) or _shows_april(get("/region/Y56").text)


API = {"results": _results, "judgements": _judgements, "series": _series,
       "judgement": _judgement}
PUBLIC_VIEW = {"latest": _latest, "national_page": _national_page, "icb_page": _icb_page,
               "scorecard": _scorecard, "metric_page": _metric_page,
               "aggregate_pages": _aggregate_pages}


@pytest.mark.parametrize("endpoint", sorted(API))
@pytest.mark.parametrize("role", ROLES)
def test_api_figures_before_release_only_for_those_allowed(
    client: TestClient, headers: dict[str, dict[str, str]], role: str, endpoint: str
) -> None:
    def get(url: str) -> Any:
        response = client.get(url, headers=headers[role])
        assert response.status_code in (200, 404), response.text[:200]
        return response

    for org in ORGS:
        seen = API[endpoint](get, org)
        if seen is not None:
            assert seen is sees_april(role, org), (role, endpoint, org)


@pytest.mark.parametrize("role", ROLES)
def test_downloads_hold_only_what_the_caller_may_see(
    client: TestClient, headers: dict[str, dict[str, str]], role: str, demo_home: Home
) -> None:
    def get(url: str) -> Any:
        response = client.get(url, headers=headers[role])
        assert response.status_code == 200, response.text[:200]
        return response

    for org in ORGS:
        assert _download(get, org, role) is sees_april(role, org), (role, org)
    # March is public: everyone's file holds it
    assert any(r["period"] == "2024-03" and r["org"] == "QMF" for r in _DOWNLOADED[role])


@pytest.mark.parametrize("endpoint", sorted(PUBLIC_VIEW))
@pytest.mark.parametrize("role", ROLES)
def test_pages_and_the_latest_route_show_the_public_view_to_everyone(
    client: TestClient, headers: dict[str, dict[str, str]], role: str, endpoint: str
) -> None:
    def get(url: str) -> Any:
        response = client.get(url, headers=headers[role])
        assert response.status_code == 200, response.text[:200]
        return response

    for org in ORGS:
        assert PUBLIC_VIEW[endpoint](get, org) in (False, None), (role, endpoint, org)


def test_the_public_sees_april_once_it_is_released(
    demo_home: Home, embargoed: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(access, "clock", lambda: dt.datetime(2024, 5, 10, 8, 31, tzinfo=dt.UTC))
    client = TestClient(create_app(demo_home))
    assert _results(client.get, "QMF") and _judgements(client.get, "ENG")
    for page in (_national_page, _icb_page, _scorecard, _metric_page):
        assert page(client.get, "QMJ") is True, page.__name__
    assert _aggregate_pages(client.get, "ENG") is True


def test_the_reference_routes_are_the_same_for_every_role(
    client: TestClient, headers: dict[str, dict[str, str]]
) -> None:
    for url in ("/api/v1/organisations", "/api/v1/metrics",
                "/api/v1/downloads", "/api/v1/downloads/dictionary.json"):
        bodies = {role: client.get(url, headers=headers[role]).content for role in ROLES}
        assert len(set(bodies.values())) == 1, url


def test_a_wrong_token_is_401_not_the_public_view(client: TestClient) -> None:
    for value in ("Bearer ovs_nope_nope", "Basic abc", "Bearer "):
        response = client.get("/api/v1/results?metric=ae_4hr&limit=1",
                              headers={"Authorization": value})
        assert response.status_code == 401
        assert "not valid" in response.json()["detail"]


def test_a_private_view_is_cached_privately_with_its_own_etag(
    client: TestClient, headers: dict[str, dict[str, str]]
) -> None:
    url = "/api/v1/results?metric=ae_4hr&org=QMJ&breakdown=total&period_from=2024-04"
    private = client.get(url, headers=headers["icb"])
    assert private.headers["cache-control"] == "private, no-cache"
    public = client.get(url)
    assert public.headers["cache-control"] == "public, max-age=30"
    assert public.headers["etag"] != private.headers["etag"]
    refused = client.get(url, headers={"If-None-Match": private.headers["etag"]})
    assert refused.status_code == 200 and refused.json()["total"] == 0


UCR = "community_ucr_return"


def _changes() -> list[dict[str, Any]]:
    """Feed entries about April (embargoed) and March (public) figures, and a full compute
    (no figure of its own): what the publish queue appends (oversight.publish.queue)."""
    def revision(org: str, month: str) -> dict[str, Any]:
        return {"kind": "revision", "key": f"revision:{org}-{month}", "collection": UCR,
                "dataset": "community_ucr", "org": org, "period": month,
                "revision_id": f"{org}-{month}"}

    def results(org: str, month: str) -> dict[str, Any]:
        return {"kind": "results", "key": f"results:v-{org}-{month}", "results_version": "v",
                "collection": UCR, "dataset": "community_ucr", "org": org, "period": month,
                "revision_id": f"{org}-{month}", "metric_ids": ["ucr_2hr"]}

    def judgement(org: str, month: str) -> dict[str, Any]:
        return {"kind": "judgement", "key": f"judgement:v:{org}:ae_4hr:{month}",
                "results_version": "v", "org": org, "metric_id": "ae_4hr", "period": month,
                "changed": {"national_status": {"before": "met", "after": "missed"}}}

    def segment(org: str, quarter: str, month: str) -> dict[str, Any]:
        """A segment change: embargoed unless every metric its rule set scores is visible
        for the quarter's last month (`month`)."""
        return {"kind": "judgement", "key": f"judgement:v:segment:nof-2025:{org}:{quarter}",
                "results_version": "v", "org": org, "rule_set": "nof-2025",
                "quarter": quarter, "period": month, "metric_ids": SEGMENT_METRICS,
                "changed": {"segment": {"before": 2, "after": 3}}}

    return [
        *(make(org, month) for make in (revision, results) for org in ("QMJ", "QMF")
          for month in ("2024-04", "2024-03")),
        *(judgement(org, month) for org in ORGS for month in ("2024-04", "2024-03")),
        *(segment(org, quarter, month) for org in ("QMJ", "QMF")
          for quarter, month in (("2024-Q2", "2024-06"), ("2024-Q1", "2024-03"))),
        {"kind": "results", "key": "results:full", "results_version": "w", "collection": None,
         "org": None, "period": None, "revision_id": None, "metric_ids": ["ae_4hr"]},
    ]


SEGMENT_METRICS = sorted(load().rule_sets["nof-2025"].metric_ids)
EMBARGOED = ("2024-04", "2024-06")
"""Months not yet released on 5 May 2024 (April's figures; a quarter ending in June)."""


def _expected(role: str) -> list[str]:
    """The keys of the entries `role` may see, in feed order."""
    return [e["key"] for e in _changes()
            if e["period"] not in EMBARGOED or sees_april(role, e["org"])]


@pytest.fixture(scope="module")
def feed_home(
    demo_home: Home, headers: dict[str, dict[str, str]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Home:
    """A copy of the demo home (its tokens too) whose feed holds `_changes()`; the copy keeps
    these entries out of the shared demo home."""
    import shutil

    from oversight.publish import feed

    home = Home.at(shutil.copytree(demo_home.root, tmp_path_factory.mktemp("feed") / "home"))
    shutil.rmtree(home.feed_dir, ignore_errors=True)
    feed.append(home, _changes())
    return home


def _keys(entries: list[dict[str, Any]]) -> list[str]:
    """Entries back to the keys `_changes()` gave them (the API does not send `key`)."""
    by_cursor = {i + 1: e["key"] for i, e in enumerate(_changes())}
    return [by_cursor[int(e["cursor"].rsplit("-", 1)[1])] for e in entries]


@pytest.mark.parametrize("role", ROLES)
def test_the_change_feed_announces_embargoed_figures_only_to_those_allowed(
    feed_home: Home, embargoed: None, headers: dict[str, dict[str, str]], role: str
) -> None:
    client = TestClient(create_app(feed_home))
    seen: list[dict[str, Any]] = []
    since: str | None = None
    while True:  # small pages, so that paging past hidden entries is exercised too
        response = client.get("/api/v1/changes", headers=headers[role],
                              params={"limit": 3, **({"since": since} if since else {})})
        assert response.status_code == 200, response.text[:200]
        body = response.json()
        if body["next"] == since:
            break
        seen += body["changes"]
        since = body["next"]
    assert _keys(seen) == _expected(role), role
    kinds = {e["kind"] for e in seen if e["period"] == "2024-04"}
    assert kinds == ({"revision", "results", "judgement"} if role != "public" and
                     role != "cqc" else set()), role


def _stream(base: str, header: dict[str, str], want: int) -> list[dict[str, Any]]:
    """The first `want` events of the SSE stream over a real connection (bounded: 20 s)."""
    import json

    import httpx

    events: list[dict[str, Any]] = []
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=20)
    with httpx.stream("GET", base + "/api/v1/changes/stream", headers=header,
                      timeout=httpx.Timeout(5.0)) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
            if len(events) == want or dt.datetime.now(dt.UTC) > deadline:
                break
    return events


def test_the_sse_stream_over_http_announces_embargoed_figures_only_to_those_allowed(
    feed_home: Home, embargoed: None, headers: dict[str, dict[str, str]]
) -> None:
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(feed_home), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start within 30 s"
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        for role in ("public", "icb", "nhse", "dhsc", "cqc"):
            # every entry the role may see, then nothing more: the last one is public
            events = _stream(base, headers[role], len(_expected(role)))
            assert _keys(events) == _expected(role), role
    finally:
        server.should_exit = True
        thread.join(timeout=10)
