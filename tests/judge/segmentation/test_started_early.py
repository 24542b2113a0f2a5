"""Scored rule sets segmented on forked children started before the judging
(oversight.judge.segmentation.artefact.start): they read only figures, known before the rows
are judged, so their segments are built while the rows are."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tests.judge.segmentation.test_forked import _noting_segmenting, untraced  # noqa: F401
from tests.judge.segmentation.test_segmentation_published_survivors import CAT, RULES, _rows
from tests.judge.stage_support import write_version

from oversight.home import Home
from oversight.judge import stage
from oversight.judge.segmentation import artefact, forked

AUGUST = dt.date(2026, 8, 1)
SCORED = sorted(k for k, r in CAT.rule_sets.items() if r.method != "flags")


def _changed_rows() -> Any:
    """`_rows()` with one ICB's August figures moved, and another's missing with a reason."""
    rows = _rows()
    icbs = sorted(rows["org_code"].unique())
    august = rows["period"] == AUGUST
    rows.loc[august & (rows["org_code"] == icbs[0]), "value"] += 9.0
    gone = august & (rows["org_code"] == icbs[1])
    rows.loc[gone, "value"] = np.nan
    rows.loc[gone, "missing_reason"] = "not submitted"
    return rows


def _two_versions(root: Path) -> tuple[Home, Any]:
    """A home whose v1 is judged in full and whose v2 (its child, `_changed_rows`) is not."""
    from oversight.metrics.results import current

    home = Home.at(root)
    write_version(home, "v1", _rows())
    first = current(home)
    assert first is not None
    stage.assess(home, first, catalogue=CAT, incremental=False)
    return home, write_version(home, "v2", _changed_rows(), parent="v1")


def _segment_files(judged: stage.Judgements) -> dict[str, bytes]:
    where = artefact.folder(judged.path)
    return {str(p.relative_to(where)): p.read_bytes() for p in where.rglob("*.json")}


@pytest.mark.usefixtures("untraced")
def test_scored_rule_sets_start_on_children_before_the_rows_are_judged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scored rule sets reading the change are begun on forked children before the first
    rows are judged, and the segments are byte for byte those of a judgement that forks
    nothing."""
    alone_home, alone_version = _two_versions(tmp_path / "alone")
    with monkeypatch.context() as m:
        m.setattr(forked, "forked_sequential", lambda: True)
        alone = stage.assess(alone_home, alone_version, catalogue=CAT)

    home, version = _two_versions(tmp_path / "forked")
    events: list[tuple[str, ...]] = []
    real_begin, real_judge = forked.begin, stage.judge_rows

    def begin(fn: Any, items: Any) -> Any:
        events.append(("begin", *[r.id for r in items]))
        return real_begin(fn, items)

    def judge_rows(*args: Any, **kwargs: Any) -> Any:
        events.append(("judge",))
        return real_judge(*args, **kwargs)

    monkeypatch.setattr(forked, "begin", begin)
    monkeypatch.setattr(stage, "judge_rows", judge_rows)
    ran = _noting_segmenting(tmp_path, monkeypatch)
    done = stage.assess(home, version, catalogue=CAT)

    reading = [k for k in SCORED if set(CAT.rule_sets[k].metric_ids)
               & set(CAT.rule_sets[RULES].metric_ids)]
    assert RULES in reading
    assert events[0] == ("begin", *reading)
    assert events[1] == ("judge",)
    children = {rules for pid, rules in ran() if pid != os.getpid()}
    assert children == set(reading)
    assert done.how.startswith("incremental")
    assert _segment_files(done) == _segment_files(alone)
    assert not [p.name for p in home.judgements_dir.iterdir() if p.name.startswith(".")]


@pytest.mark.usefixtures("untraced")
def test_a_failure_while_judging_waits_for_the_children_and_leaves_no_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, version = _two_versions(tmp_path / "home")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("judging failed")

    begun: list[Any] = []
    real_begin = forked.begin

    def begin(fn: Any, items: Any) -> Any:
        begun.extend(items)
        return real_begin(fn, items)

    monkeypatch.setattr(forked, "begin", begin)
    monkeypatch.setattr(stage, "judge_rows", broken)
    with pytest.raises(RuntimeError, match="judging failed"):
        stage.assess(home, version, catalogue=CAT)
    assert begun  # children were started, then waited for
    assert multiprocessing.active_children() == []
    assert sorted(p.name for p in home.judgements_dir.iterdir()) == ["CURRENT", "v1"]


def test_the_figure_months_before_judging_are_those_the_outcomes_give(
    tmp_path: Path,
) -> None:
    """What the scored rule sets are told changed, worked out from the two versions' figures
    before judging, equals what comparing the judged outcomes gives: a moved figure's month
    and a figure gone missing both count, with the recorded months; a numerator that moved
    under the same value counts too (quarter values pool numerators)."""
    from oversight.metrics.results import ResultsVersion

    home, version = _two_versions(tmp_path / "home")
    parent = stage.judged(home, "v1")
    assert parent is not None
    done = stage.assess(home, version, catalogue=CAT, incremental=False)
    metrics = sorted(CAT.rule_sets[RULES].metric_ids)
    after = stage._segment_months(parent, done, dict.fromkeys(metrics), CAT, rules=SCORED)
    old = stage._monthly(ResultsVersion("v1", home.results_dir / "v1"), CAT)
    new = stage._monthly(version, CAT)
    before = stage._figure_months(old, new, CAT, metrics, [], SCORED)
    assert sorted(map(tuple, before.to_numpy().tolist())) == sorted(
        map(tuple, after.to_numpy().tolist())
    )
    assert {p for _, p in before.to_numpy().tolist()} == {AUGUST}
    assert stage._figure_months(old, new, CAT, ["no_such_metric"], [], SCORED).empty
    recorded = stage._figure_months(old, new, CAT, metrics, [dt.date(2026, 4, 1)], SCORED)
    assert {p for _, p in recorded.to_numpy().tolist()} == {AUGUST, dt.date(2026, 4, 1)}
    pooled = old.copy()
    pooled.loc[pooled["period"] == dt.date(2026, 5, 1), "numerator"] += 1.0
    moved = stage._figure_months(pooled, new, CAT, metrics, [], SCORED)
    assert {p for _, p in moved.to_numpy().tolist()} == {AUGUST, dt.date(2026, 5, 1)}
    fewer = stage._figure_months(old.iloc[1:], new, CAT, metrics, [], SCORED)  # a row added
    first = pd.Timestamp(old["period"].iloc[0]).date()
    assert {p for _, p in fewer.to_numpy().tolist()} == {AUGUST, first}
    assert stage._changed_figures(version, None, new, CAT, metrics, [], SCORED) is None
    stored = stage._changed_figures(version, parent, new, CAT, metrics, [], SCORED)
    assert stored is not None and stored.equals(before)
    (home.results_dir / "v1" / "manifest.json").unlink()  # the parent's results pruned
    assert stage._changed_figures(version, parent, new, CAT, metrics, [], SCORED) is None
