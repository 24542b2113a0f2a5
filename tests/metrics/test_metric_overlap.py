"""Work the engine overlaps with a scan: it must still happen, and give the same rows.

A snapshot-only dataset's presence (RTT) is read from its files' footers in a second thread
while the engine streams the records its open items count (computation.scan)."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest
from tests.metrics import metrics_fixtures as fixtures

from oversight.metrics import computation
from oversight.metrics.computation import scan_dataset, used_items
from oversight.metrics.engines import DuckDBEngine
from oversight.metrics.lakefiles import footer_presence, list_files


def test_snapshot_presence_is_read_while_the_open_records_stream(
    tiny_lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    footers_started, streaming = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def footers(*args: object) -> pd.DataFrame | None:
        seen["thread"] = threading.current_thread()
        footers_started.set()
        seen["overlapped"] = streaming.wait(timeout=20)  # times out when run one after the other
        return footer_presence(*args)  # type: ignore[arg-type]

    real_open = computation.open_partials

    def open_partials(*args: object) -> pd.DataFrame:
        streaming.set()
        seen["footers_started_first"] = footers_started.wait(timeout=20)
        return real_open(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(computation, "footer_presence", footers)
    monkeypatch.setattr(computation, "open_partials", open_partials)
    items = used_items(fixtures.METRICS, fixtures.DATA_ITEMS)["rtt_pathways"]
    engine = DuckDBEngine(threads=1)
    try:
        scanned = scan_dataset(engine, tiny_lake, "rtt_pathways", items, fixtures.PERIODS)
    finally:
        engine.close()
    assert seen["thread"] is not threading.main_thread()
    assert seen["overlapped"] and seen["footers_started_first"]
    assert scanned is not None
    expected = footer_presence(list_files(tiny_lake, "rtt_pathways"), fixtures.PERIODS)
    assert expected is not None and len(expected)
    pd.testing.assert_frame_equal(scanned.presence.drop(columns="dataset"), expected)
