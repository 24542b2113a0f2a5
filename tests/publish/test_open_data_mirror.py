"""The open-data mirror (<home>/exports/open-data/<version>/): written by the publish worker
after each publication and by `oversight downloads mirror`; the public's files only, written
again when a release makes more of them public, and removed with their version."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.publish.publish_support import copy_home, submit_ucr
from typer.testing import CliRunner

from oversight.cli import app
from oversight.home import Home
from oversight.judge import stage
from oversight.metrics import published
from oversight.publish import access, downloads, queue

FILES = {"dictionary.json", "manifest.json", "results.csv", "results.jsonl", "results.parquet"}


def _files(folder: Path) -> set[str]:
    """The mirror's files, checked against its manifest's list."""
    names = {p.name for p in folder.iterdir()}
    listed = json.loads((folder / "manifest.json").read_text())["files"]
    assert names == {*listed, "manifest.json"}
    return names


def _rows(folder: Path, metric_prefix: str = "") -> int:
    table = pq.read_table(folder / "results.parquet", columns=["metric"])
    return sum(1 for m in table.column("metric").to_pylist() if m.startswith(metric_prefix))


def test_the_command_mirrors_the_published_version_once_and_names_bad_versions(
    demo_home: Home, tmp_path: Path
) -> None:
    home = copy_home(demo_home, tmp_path / "home")
    version = published(home).id
    out = CliRunner().invoke(app, ["downloads", "mirror", "--home", str(home.root)])
    assert out.exit_code == 0, out.output
    folder = home.exports_dir / downloads.MIRROR / version
    assert str(folder) in out.output.replace("\n", "")
    assert _files(folder) >= FILES
    assert json.loads((folder / "manifest.json").read_text())["viewer"] == "public"
    written = (folder / "results.parquet").stat().st_mtime_ns
    again = CliRunner().invoke(app, ["downloads", "mirror", "--home", str(home.root)])
    assert again.exit_code == 0, again.output
    assert (folder / "results.parquet").stat().st_mtime_ns == written  # up to date: kept

    bad = CliRunner().invoke(app, ["downloads", "mirror", "--home", str(home.root),
                                   "--version", "v1"])
    assert bad.exit_code == 2 and "valid choices" in bad.output and version in bad.output
    empty = CliRunner().invoke(app, ["downloads", "mirror", "--home", str(tmp_path / "none")])
    assert empty.exit_code == 2 and "no published results" in empty.output


def test_a_release_writes_the_mirror_again_and_gone_versions_are_removed(
    demo_home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The packaged workforce return is released 88 days after the month ends: the demo's
    last month (April 2024) on 28 July 2024."""
    home = copy_home(demo_home, tmp_path / "home")
    last = max(published(home).periods)
    assert f"{last:%Y-%m}" == "2024-04"
    embargo = access.rules()
    metric = next(m for m, rules in embargo.metric_rules.items() if rules)
    release = embargo.released_at(metric, last)
    assert release is not None
    gone = home.exports_dir / downloads.MIRROR / "v19990101T000000000000"
    gone.mkdir(parents=True)
    monkeypatch.setattr(access, "clock", lambda: release - dt.timedelta(days=1))
    folder = downloads.mirror_current(home)
    assert folder is not None and not gone.exists()
    before = _rows(folder, metric)
    monkeypatch.setattr(access, "clock", lambda: release)
    assert downloads.mirror_current(home) == folder
    after = _rows(folder, metric)
    assert after > before  # April's workforce figures joined the public files


def test_the_worker_mirrors_each_publication(demo_home: Home, tmp_path: Path) -> None:
    home = copy_home(demo_home, tmp_path / "home")
    month = f"{max(published(home).periods):%Y-%m}"
    base = published(home).id
    worker = queue.Worker(home, poll=0.2)
    worker.start()
    try:
        submit_ucr(home, "QMJ", month, 100, 41)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            new = published(home).id
            if new != base and (home.exports_dir / downloads.MIRROR / new
                                / "manifest.json").exists():
                break
            time.sleep(0.2)
    finally:
        worker.stop()
    new = published(home).id
    assert new != base
    folder = home.exports_dir / downloads.MIRROR / new
    assert _files(folder) >= FILES
    assert stage.judged(home, new) is not None and queue.unjudged(home) == []
