"""Stored inequality measures at their edges: when a parent version's measures may be reused,
which rows an incremental pass measures again, the digests of the inputs, and the files' form."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from tests.judge.assessment.inequality_rows import rows
from tests.judge.assessment.test_inequality_store import _judged, _version

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge.assessment import inequality_store as store
from oversight.judge.assessment.inequality import Settings, applicable

CATALOGUE: Any = load()
FAST = Settings(min_group=100)
"""Not the defaults, so the metadata is seen to record the settings given."""


def _how(home: Home, version_id: str) -> str:
    return str(json.loads((home.judgements_dir / version_id / store.META).read_text())["how"])


def _two_versions(tmp_path: Path, months: int = 3) -> tuple[Home, Any]:
    """v1 stored; v2 (parent v1) with the last month of group 2 changed, not yet stored."""
    first = rows(CATALOGUE.metrics, months=months, size=300)
    second = first.copy()
    hit = (second["period"] == max(second["period"])) & (second["group"] == "2")
    second.loc[hit, "numerator"] += 20
    second.loc[hit, "value"] = second.loc[hit, "numerator"] / second.loc[hit, "denominator"] * 100
    home = Home.at(tmp_path)
    store.write(home, _version(home, "v1", first, None), CATALOGUE, FAST)
    return home, _version(home, "v2", second, "v1")


def test_a_parent_is_reused_when_made_the_same_way(tmp_path: Path) -> None:
    home, v2 = _two_versions(tmp_path)
    store.write(home, v2, CATALOGUE, FAST)
    assert _how(home, "v2").startswith("incremental (")


@pytest.mark.parametrize("missing", [store.FILE, store.META, store.INPUTS])
def test_a_parent_missing_one_of_its_files_is_not_reused(tmp_path: Path, missing: str) -> None:
    home, v2 = _two_versions(tmp_path)
    (home.judgements_dir / "v1" / missing).unlink()
    store.write(home, v2, CATALOGUE, FAST)
    assert _how(home, "v2") == "full"


@pytest.mark.parametrize("change", [{"method": store.METHOD + 1},
                                    {"settings": {**asdict(FAST), "min_group": 150}}])  # fmt: skip
def test_a_parent_made_another_way_is_not_reused(tmp_path: Path, change: dict[str, Any]) -> None:
    home, v2 = _two_versions(tmp_path)
    meta = home.judgements_dir / "v1" / store.META
    meta.write_text(json.dumps({**json.loads(meta.read_text()), **change}))
    store.write(home, v2, CATALOGUE, FAST)
    assert _how(home, "v2") == "full"


def test_incremental_measures_only_the_changed_metric_from_a_window_before_the_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last of 14 months changed: its 12-month window reaches back to month 3, so months 3
    to 14 of that metric are measured again, and no other metric or month."""
    first = pd.concat([rows(CATALOGUE.metrics, months=14, size=300),
                       rows(CATALOGUE.metrics, metric="ae_12hr_pct", months=14, size=300)],
                      ignore_index=True)  # fmt: skip
    months = sorted(first["period"].unique())
    second = first.copy()
    hit = (
        (second["period"] == months[-1])
        & (second["group"] == "2")
        & (second["metric_id"] == "ae_4hr")
    )
    second.loc[hit, "numerator"] += 30
    second.loc[hit, "value"] = second.loc[hit, "numerator"] / second.loc[hit, "denominator"] * 100
    home, fresh = Home.at(tmp_path / "a"), Home.at(tmp_path / "b")
    store.write(home, _version(home, "v1", first, None), CATALOGUE, FAST)
    seen: list[pd.DataFrame] = []
    measure = store.measure

    def spy(needed: pd.DataFrame, metrics: Any, settings: Settings) -> pd.DataFrame:
        seen.append(needed)
        return measure(needed, metrics, settings)

    monkeypatch.setattr(store, "measure", spy)
    store.write(home, _version(home, "v2", second, "v1"), CATALOGUE, FAST)
    monkeypatch.undo()
    assert _how(home, "v2") == "incremental (2 metric-month-windows from v1)"
    [needed] = seen
    assert set(needed["metric_id"]) == {"ae_4hr"}
    assert sorted(set(needed["period"])) == months[2:]
    store.write(fresh, _version(fresh, "v2", second, None), CATALOGUE, FAST)
    pd.testing.assert_frame_equal(
        pd.read_parquet(home.judgements_dir / "v2" / store.FILE),
        pd.read_parquet(fresh.judgements_dir / "v2" / store.FILE),
    )


def test_affected_without_months_is_empty() -> None:
    changed = pd.DataFrame({"metric_id": ["ae_4hr"], "period": [dt.date(2024, 4, 1)]})
    assert store.affected(changed, []) == set()


def test_digests_do_not_depend_on_the_order_of_the_rows() -> None:
    frame = rows(CATALOGUE.metrics, months=3)
    frame = pd.concat([frame, rows(CATALOGUE.metrics, metric="ae_12hr_pct", months=3)],
                      ignore_index=True)  # fmt: skip
    shuffled = frame.sample(frac=1, random_state=3).reset_index(drop=True)
    got = store.month_digests(shuffled)
    pd.testing.assert_frame_equal(got, store.month_digests(frame))
    assert list(got.columns) == ["metric_id", "period", "digest"]
    keys = list(got[["metric_id", "period"]].itertuples(index=False, name=None))
    assert keys == sorted(keys) and len(keys) == 6


def test_breakdown_rows_carry_the_intervals_when_the_version_has_statistics(
    tmp_path: Path,
) -> None:
    home = Home.at(tmp_path)
    version = _version(home, "v1", rows(CATALOGUE.metrics, months=1), None)
    got = store.breakdown_rows(version, ["ae_4hr"])
    assert got["ci_lower"].notna().all() and (got["ci_lower"] < got["ci_upper"]).all()
    version.statistics_path.unlink()
    bare = store.breakdown_rows(version, ["ae_4hr"])
    assert bare["ci_lower"].isna().all() and bare["ci_upper"].isna().all()
    assert len(bare) == len(got)


def test_the_files_hold_only_their_columns_and_the_metadata_says_how(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    version = _version(home, "v1", rows(CATALOGUE.metrics, months=1), None)
    path = store.write(home, version, CATALOGUE, FAST)
    where = home.judgements_dir / "v1"
    assert path == where / store.FILE
    frame = pd.read_parquet(path)
    assert pq.read_schema(path).names == list(frame.columns)
    assert "__index_level_0__" not in pq.read_schema(path).names
    assert pq.read_schema(where / store.INPUTS).names == ["metric_id", "period", "digest"]
    text = (where / store.META).read_text()
    meta = json.loads(text)
    assert text == json.dumps(meta, indent=2)
    expected = sorted(set(applicable(CATALOGUE.metrics, "imd_decile"))
                      | set(applicable(CATALOGUE.metrics, "ethnicity_group")))  # fmt: skip
    settings = {**asdict(FAST), "windows": list(FAST.windows)}
    assert {k: v for k, v in meta.items() if k not in ("created", "sii")} == {
        "results_version": "v1", "method": 1, "how": "full", "rows": len(frame),
        "metrics": expected, "settings": settings}  # fmt: skip


def test_the_measured_metrics_are_those_with_either_breakdown(tmp_path: Path) -> None:
    """A metric broken down by deprivation but not ethnicity is still measured."""
    metrics = dict(CATALOGUE.metrics)
    metrics["ae_4hr"] = metrics["ae_4hr"].model_copy(
        update={"breakdowns": ("imd_decile", "imd_quintile")}
    )
    home = Home.at(tmp_path)
    version = _version(home, "v1", rows(CATALOGUE.metrics, months=1), None)
    store.write(home, version, SimpleNamespace(metrics=metrics), FAST)
    meta = json.loads((home.judgements_dir / "v1" / store.META).read_text())
    assert "ae_4hr" in meta["metrics"] and meta["rows"] > 0


def test_without_a_catalogue_the_project_s_own_is_used(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    version = _version(home, "v1", rows(CATALOGUE.metrics, months=1), None)
    store.write(home, version, settings=FAST)
    meta = json.loads((home.judgements_dir / "v1" / store.META).read_text())
    assert "ae_4hr" in meta["metrics"] and meta["rows"] > 0


def test_read_back_has_the_stored_columns_only(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    version = _version(home, "v1", rows(CATALOGUE.metrics, months=1), None)
    _judged(home, "v1")
    path = store.write(home, version, CATALOGUE, FAST)
    got = store.inequality(home, org="QBB")
    assert list(got.columns) == list(pd.read_parquet(path).columns)
    assert list(got["org_code"]) == ["QBB"] and list(got.index) == [0]


def test_a_version_with_its_parents_figures_measures_nothing_again(tmp_path: Path) -> None:
    same = rows(CATALOGUE.metrics, months=3, size=300)
    home = Home.at(tmp_path)
    store.write(home, _version(home, "v1", same, None), CATALOGUE, FAST)
    store.write(home, _version(home, "v2", same, "v1"), CATALOGUE, FAST)
    assert _how(home, "v2") == "incremental (0 metric-month-windows from v1)"
    got, parent = (pd.read_parquet(home.judgements_dir / v / store.FILE) for v in ("v2", "v1"))
    assert len(got) and list(got.index) == list(range(len(got)))
    pd.testing.assert_frame_equal(got, parent)
