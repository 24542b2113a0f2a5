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
from oversight.metrics.compile import ADDITIVE
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


def test_partials_are_converted_in_the_pool_thread_beside_the_next_scan(
    tiny_lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """compute converts each dataset's partials to pandas in its pool thread (with the roll-up),
    not on the main thread between the engine's scans; the partials are those scan gives."""
    converted_on: list[threading.Thread] = []
    real = DuckDBEngine.execute_distinct_deferred

    def deferred(self: DuckDBEngine, *args: object) -> tuple[object, pd.DataFrame]:
        to_pandas, distinct = real(self, *args)  # type: ignore[arg-type]

        def convert() -> pd.DataFrame:
            converted_on.append(threading.current_thread())
            return to_pandas()

        return convert, distinct

    monkeypatch.setattr(DuckDBEngine, "execute_distinct_deferred", deferred)
    engine = DuckDBEngine(threads=1)
    try:
        comp = computation.compute(
            tiny_lake, fixtures.METRICS, fixtures.DATA_ITEMS, fixtures.tree(), engine
        )
        by_ds = used_items(fixtures.METRICS, fixtures.DATA_ITEMS)
        additive = [d for d, its in by_ds.items() if any(i.aggregation in ADDITIVE for i in its)]
        assert len(converted_on) == len(additive) > 0
        assert all(t is not threading.main_thread() for t in converted_on)
        for dataset, items in by_ds.items():
            files = list_files(tiny_lake, dataset)
            part, _ = computation.scan(
                engine, files, items, items[0].grain == "record", fixtures.PERIODS
            )
            pd.testing.assert_frame_equal(comp.partials[dataset], part)
    finally:
        engine.close()
