"""The compute stage's contract: `compute(home) -> ResultsVersion`, read through typed
accessors; the command line is only a face over it (same results as the library call)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from oversight.cli import app
from oversight.home import Home
from oversight.metrics import ResultsVersion, compute, current, published
from oversight.metrics.stage import SinceError
from oversight.store import database


def test_a_published_version_reads_through_typed_accessors(demo_home: Home) -> None:
    version = published(demo_home)
    assert isinstance(version, ResultsVersion) and current(demo_home) == version
    assert (version.how, version.engine, version.parent) == ("full", "duckdb", None)
    assert len(version.periods) == 13 and version.path == demo_home.results_dir / version.id
    every = version.metrics(breakdown=None)
    assert version.row_count == len(every) > 0
    rows = version.rows(metric="ae_4hr", org="QMJ")
    stats = version.statistics(metric="ae_4hr", org="QMJ")
    assert stats is not None and len(rows) == len(stats) == 13
    assert {"value", "revisions", "spc_mean", "variation_icon"} <= set(rows.columns)
    series = version.series("ae_4hr", "QMJ")
    assert series["period"].is_monotonic_increasing and len(series) == 13
    behind = version.revisions_behind(rows["revisions"].iloc[-1])
    assert behind and set(behind) <= set(version.lineage()["revision_ids"].explode())
    with pytest.raises(KeyError, match="unknown lineage key"):
        version.revisions_behind("lin-nope")


def test_before_any_compute_there_is_no_version(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    assert current(home) is None
    with pytest.raises(FileNotFoundError, match="run `oversight compute` first"):
        published(home)


def test_the_command_line_publishes_what_the_library_does(demo_home: Home, tmp_path: Path) -> None:
    shutil.copytree(demo_home.root, tmp_path / "home")
    home = Home.at(tmp_path / "home")
    library = published(home)  # computed by the demo through `compute(home, full=True)`
    assert compute(home) == library  # nothing changed since: nothing new is published
    assert sorted(p.name for p in home.results_dir.glob("v*")) == [library.id]
    with pytest.raises(SinceError, match="neither a results version"):
        compute(home, since="nope")

    out = CliRunner().invoke(app, ["compute", "--full", "--home", str(home.root)])
    assert out.exit_code == 0, out.output
    cli = published(home)
    assert cli.id != library.id and cli.parent == library.id
    assert f"Published results {cli.id}: {cli.row_count:,} rows, full, duckdb" in out.output
    pd.testing.assert_frame_equal(cli.rows(breakdown=None), library.rows(breakdown=None))
    pd.testing.assert_frame_equal(cli.lineage(), library.lineage())
    database.dispose(home.database_url)
