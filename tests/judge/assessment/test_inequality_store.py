"""Stored measures: written with the judgements of a results version, read back filtered, and
made incrementally from the parent version equal to made in full."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tests.judge.assessment.inequality_rows import rows

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge.assessment import inequality_store as store
from oversight.metrics.results import ResultsVersion

CATALOGUE: Any = load()
STATS = ["ci_lower", "ci_upper"]


def _version(home: Home, name: str, frame: pd.DataFrame, parent: str | None) -> ResultsVersion:
    path = home.results_dir / name
    path.mkdir(parents=True)
    frame.drop(columns=STATS).to_parquet(path / "metrics.parquet", index=False)
    frame[[*store.KEYS, *STATS]].to_parquet(path / "statistics.parquet", index=False)
    (path / "manifest.json").write_text(json.dumps({"parent": parent}))
    return ResultsVersion(name, path)


def _judged(home: Home, version_id: str) -> None:
    """The judge stage's file, so `latest` finds the version (its content is not read here)."""
    from oversight.judge.stage import OUTCOMES_DIR

    outcomes = home.judgements_dir / version_id / OUTCOMES_DIR
    outcomes.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"x": [1]}).to_parquet(outcomes / "ae_4hr.parquet")
    (home.judgements_dir / "CURRENT").write_text(version_id)


def test_incremental_equals_full_and_redoes_only_changed_cells(tmp_path: Path) -> None:
    first = rows(CATALOGUE.metrics, months=14, slope=0.02, size=300)
    second = first.copy()
    hit = (second["period"] == sorted(second["period"].unique())[5]) & (second["group"] == "2")
    second.loc[hit, "numerator"] += 20
    second.loc[hit, "value"] = second.loc[hit, "numerator"] / second.loc[hit, "denominator"] * 100
    home, fresh = Home.at(tmp_path / "a"), Home.at(tmp_path / "b")
    store.write(home, _version(home, "v1", first, None), CATALOGUE)
    store.write(home, _version(home, "v2", second, "v1"), CATALOGUE)
    store.write(fresh, _version(fresh, "v2", second, None), CATALOGUE)
    made = json.loads((home.judgements_dir / "v2" / store.META).read_text())
    # the month itself, and the three 12-month windows (months 12-14) that include it
    assert made["how"] == "incremental (4 metric-month-windows from v1)"
    got = pd.read_parquet(home.judgements_dir / "v2" / store.FILE)
    full = pd.read_parquet(fresh.judgements_dir / "v2" / store.FILE)
    pd.testing.assert_frame_equal(got, full)
    before = pd.read_parquet(home.judgements_dir / "v1" / store.FILE)
    assert not before.equals(got)


def test_measures_read_back_filtered(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    version = _version(home, "v1", rows(CATALOGUE.metrics, months=2), None)
    _judged(home, "v1")
    store.write(home, version, CATALOGUE)
    one = store.inequality(home, org="QAA", period="2024-05", window="month")
    assert len(one) == 1 and one["metric_id"].iloc[0] == "ae_4hr"
    assert store.inequality(home, window="12 months").empty
    with pytest.raises(FileNotFoundError, match="no inequality measures for results version v9"):
        store.inequality(home, version="v9")
