"""Benchmark of the publish path and the read API. Prints ONE JSON object; every figure is from
this run, on loopback only, bounded in time and in count.

    nice -n 10 .venv/bin/python bench/portal.py --home /tmp/pp-demo          # a demo home
    nice -n 10 .venv/bin/python bench/portal.py --home /tmp/pp-demo --skip-throughput

The home is copied first (the benchmark submits into the copy). One server process (uvicorn,
one worker, the portal with its publish worker, `create_app(home, publish=True)`) serves it.

- publish: a one-ICB-month submission (urgent community response, one ICB, the latest month,
  a new value each time) POSTed to /api/v1/submissions; from its HTTP 201 to (a) the new
  figure read back through the results API and (b) its `results` entry (naming the new
  revision) in the change feed, whichever is later: median and max of --runs (after one
  unmeasured warm-up submission);
- throughput (hooks for issue 13's read targets): the results API and the ICB page at
  --connections concurrent connections for --seconds each, against a trivial FastAPI endpoint
  served the same way in the same run: requests/s, p50/p99 latency, and the ratio to the
  trivial endpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

COLLECTION = "community_ucr_return"
METRIC = "ucr_2hr"
ORG = "QMJ"
RESULTS_ROUTE = "/api/v1/results"
"""Where the figure is read back: the results API, narrowed to one figure by `_query`."""
POLL = 0.02
TIMEOUT = 60.0
WARM_UP_TIMEOUT = 900.0
"""The first publication of a server also announces (and, if needed, judges) what it finds."""

SERVE = """
import sys, uvicorn
from oversight.home import Home
from oversight.publish.web.app import create_app
uvicorn.run(create_app(Home.at(sys.argv[1]), publish=True), host="127.0.0.1",
            port=int(sys.argv[2]), log_level="warning", workers=1)
"""
TRIVIAL = """
import sys, uvicorn
from fastapi import FastAPI
app = FastAPI()

@app.get("/ping")
async def ping() -> dict[str, bool]:
    return {"ok": True}

uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", workers=1)
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(code: str, *args: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    proc = subprocess.Popen([sys.executable, "-c", code, *args, str(port)],
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/", timeout=1.0)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"the server on {base} did not start")


def _token(home: Path) -> str:
    from oversight.collect import tokens
    from oversight.home import Home

    return tokens.create("bench", ORG, engine=Home.at(home).database())


def _month(home: Path) -> str:
    from oversight.home import Home
    from oversight.metrics import published

    return f"{max(published(Home.at(home)).periods):%Y-%m}"


def _figure(client: httpx.Client, base: str, month: str) -> float | None:
    rows = client.get(base + RESULTS_ROUTE, params=_query(month)).json().get("results", [])
    return rows[0]["value"] if rows else None


def _query(month: str) -> dict[str, str]:
    """The ICB's total figure of METRIC for one month."""
    return {"metric": METRIC, "org": ORG, "breakdown": "total", "period_from": month,
            "period_to": month}


def _announced(client: httpx.Client, base: str, since: str, revision: str) -> tuple[bool, str]:
    page = client.get(base + "/api/v1/changes", params={"since": since, "limit": 1000}).json()
    hit = any(e["kind"] == "results" and e.get("revision_id") == revision
              for e in page["changes"])
    return hit, page["next"]


def _submit_and_wait(
    client: httpx.Client, base: str, token: str, month: str, within: int,
    timeout: float = TIMEOUT,
) -> dict[str, float]:
    cursor = client.get(base + "/api/v1/changes", params={"limit": 1000}).json()["next"]
    while True:  # to the feed's end first
        page = client.get(base + "/api/v1/changes",
                          params={"since": cursor, "limit": 1000}).json()
        if not page["changes"]:
            break
        cursor = page["next"]
    body = {"collection": COLLECTION, "org": ORG, "period": month, "confirm": True,
            "records": [{"icb_code": ORG, "period": f"{month}-01", "ucr_referrals": 1000,
                         "ucr_within_2_hours": within}]}
    response = client.post(base + "/api/v1/submissions", json=body,
                           headers={"Authorization": f"Bearer {token}"})
    accepted = time.perf_counter()
    if response.status_code != 201:
        raise RuntimeError(f"submission not accepted: {response.status_code} {response.text}")
    revision = response.json()["revision"]["id"]
    want = within / 1000 * 100
    figure_at = feed_at = None
    while time.perf_counter() - accepted < timeout and (figure_at is None or feed_at is None):
        if figure_at is None:
            value = _figure(client, base, month)
            if value is not None and abs(value - want) < 1e-9:
                figure_at = time.perf_counter() - accepted
        if feed_at is None:
            hit, cursor = _announced(client, base, cursor, revision)
            if hit:
                feed_at = time.perf_counter() - accepted
        time.sleep(POLL)
    if figure_at is None or feed_at is None:
        raise RuntimeError(f"revision {revision} not published within {timeout} s")
    return {"figure_s": figure_at, "feed_s": feed_at, "both_s": max(figure_at, feed_at)}


def publish_latency(base: str, token: str, month: str, runs: int) -> dict[str, Any]:
    with httpx.Client(timeout=30.0) as client:
        _submit_and_wait(client, base, token, month, 501, WARM_UP_TIMEOUT)  # warm-up
        times = [_submit_and_wait(client, base, token, month, 500 + 7 * (i + 1) % 400)
                 for i in range(runs)]
    both = [t["both_s"] for t in times]
    return {
        "runs": runs,
        "median_s": round(statistics.median(both), 3),
        "max_s": round(max(both), 3),
        "figure_median_s": round(statistics.median(t["figure_s"] for t in times), 3),
        "feed_median_s": round(statistics.median(t["feed_s"] for t in times), 3),
        "each_s": [round(b, 3) for b in both],
        "target_s": 2.0,
    }


async def _load(url: str, connections: int, seconds: float, cap: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:

        async def one() -> None:
            nonlocal errors
            while time.perf_counter() < stop and len(latencies) < cap:
                t0 = time.perf_counter()
                r = await client.get(url)
                latencies.append(time.perf_counter() - t0)
                errors += r.status_code != 200

        began = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(connections)))
        took = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / took, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
                        1),
    }


def throughput(base: str, month: str, connections: int, seconds: float) -> dict[str, Any]:
    trivial_proc, trivial = _start(TRIVIAL)
    try:
        targets = {
            "trivial": trivial + "/ping",
            "results_api": str(httpx.URL(base + RESULTS_ROUTE, params=_query(month))),
            "icb_page": base + f"/icb/{ORG}",
        }
        for url in targets.values():  # warm every cache once
            httpx.get(url, timeout=60.0)
        out = {name: asyncio.run(_load(url, connections, seconds, 20_000))
               for name, url in targets.items()}
    finally:
        trivial_proc.terminate()
        trivial_proc.wait(10)
    for name in ("results_api", "icb_page"):
        out[name]["vs_trivial"] = round(out[name]["rps"] / out["trivial"]["rps"], 3)
    out["connections"], out["seconds_each"] = connections, seconds
    out["targets"] = {"vs_trivial_at_least": 0.5, "p99_ms_at_most": 50}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="A computed (demo) home.")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--skip-throughput", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as scratch:
        home = Path(scratch) / "home"
        shutil.copytree(args.home, home, ignore=shutil.ignore_patterns("feed", "publish"))
        token, month = _token(home), _month(home)
        server, base = _start(SERVE, str(home))
        try:
            result: dict[str, Any] = {
                "home": str(args.home),
                "publish": publish_latency(base, token, month, args.runs),
            }
            if not args.skip_throughput:
                result["throughput"] = throughput(base, month, args.connections, args.seconds)
        finally:
            server.terminate()
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:  # a recompute in flight: stop it the hard way
                server.kill()
                server.wait(10)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
