"""Segment changes in the change feed: one `judgement` entry per organisation whose segment
moved between two judgements, and the embargo rule for them (every metric the rule set scores
must be visible to the viewer for the quarter's last month)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from tests.publish.test_access import embargoed_catalogue

from oversight.catalogue import load
from oversight.publish import access, queue
from oversight.publish.access import PUBLIC, Embargo, Viewer
from oversight.publish.feed_api import may_see


def _write(judgements: Path, rules: str, quarter: str, segments: dict[str, int | None]) -> None:
    folder = judgements / "segments" / rules
    folder.mkdir(parents=True, exist_ok=True)
    results: list[dict[str, Any]] = [
        {"org": org, "segment": seg, "reasons": []} for org, seg in segments.items()
    ]
    (folder / f"{quarter}.json").write_text(json.dumps({"rules": rules, "period": quarter,
                                                        "results": results}))


def test_an_entry_per_organisation_whose_segment_moved(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    _write(old, "nof-2025", "2024-Q1", {"QMJ": 2, "QMF": 3})
    _write(new, "nof-2025", "2024-Q1", {"QMJ": 3, "QMF": 3})  # QMJ moved
    _write(old, "nof-2025", "2023-Q4", {"QMJ": 1})
    _write(new, "nof-2025", "2023-Q4", {"QMJ": 1})  # the same file: not read
    _write(new, "nof-2025", "2024-Q2", {"QMF": 4})  # a quarter segmented for the first time
    entries = queue.segment_entries("v2", old, new, load())
    metrics = sorted(load().rule_sets["nof-2025"].metric_ids)
    assert [(e["org"], e["quarter"], e["period"], e["changed"]) for e in entries] == [
        ("QMJ", "2024-Q1", "2024-03", {"segment": {"before": 2, "after": 3}}),
        ("QMF", "2024-Q2", "2024-06", {"segment": {"before": None, "after": 4}}),
    ]
    assert all(e["kind"] == "judgement" and e["rule_set"] == "nof-2025"
               and e["metric_ids"] == metrics and e["results_version"] == "v2"
               for e in entries)
    assert len({e["key"] for e in entries}) == 2
    assert queue.segment_entries("v2", old, tmp_path / "none", load()) == []


JUNE_RELEASE = dt.datetime(2024, 7, 10, 8, 31, tzinfo=dt.UTC)  # ecds's June at 09:31 UK


@pytest.fixture
def ecds_embargo(monkeypatch: pytest.MonkeyPatch) -> None:
    embargo = Embargo.of(embargoed_catalogue("ecds"))
    monkeypatch.setattr(access, "rules", lambda: embargo)
    monkeypatch.setattr(access, "clock", lambda: JUNE_RELEASE - dt.timedelta(hours=1))


def _segment(metrics: list[str], org: str = "QMJ") -> dict[str, Any]:
    return {"kind": "judgement", "key": "k", "org": org, "rule_set": "nof-2025",
            "quarter": "2024-Q2", "period": "2024-06", "metric_ids": metrics,
            "changed": {"segment": {"before": 2, "after": 3}}}


@pytest.mark.parametrize(("viewer", "sees"), [
    (PUBLIC, False), (Viewer("cqc"), False), (Viewer("icb", "QMF"), False),
    (Viewer("icb", "QMJ"), True), (Viewer("nhse"), True), (Viewer("dhsc"), True),
    (Viewer("admin"), True),
])
def test_a_segment_is_embargoed_while_any_metric_it_scores_is(
    ecds_embargo: None, viewer: Viewer, sees: bool
) -> None:
    mixed = _segment(["ae_4hr", "ucr_2hr"])  # ae_4hr from ecds (embargoed), ucr_2hr not
    assert may_see(viewer, mixed) is sees
    assert may_see(viewer, _segment(["ucr_2hr"]))  # nothing it scores is embargoed
    status = {"kind": "judgement", "key": "s", "org": "QMJ", "metric_id": "ucr_2hr",
              "period": "2024-06", "changed": {}}
    assert may_see(viewer, status)


def test_a_segment_is_public_once_every_metric_is_released(
    ecds_embargo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(access, "clock", lambda: JUNE_RELEASE)
    assert may_see(PUBLIC, _segment(["ae_4hr", "ucr_2hr"]))
    # a segment entry naming no metric is announced to the early roles only
    assert not may_see(PUBLIC, _segment([]))
    assert may_see(Viewer("nhse"), _segment([]))
