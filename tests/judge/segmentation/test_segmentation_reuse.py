"""An incremental build of the stored segments (judge.segmentation.artefact.build with a parent)
reuses the parent's file of a quarter only where a build from scratch would give the same file:
told that every month changed when no input did, every file is the parent's; after one
ICB-month is withdrawn, the quarters its figures feed are made again, the rest are the parent's,
and every file equals the one a build from scratch of the same figures gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge import stage
from oversight.judge.segmentation import artefact
from oversight.metrics.results import published

pytestmark = pytest.mark.slow
CAT = load()


def _data(segments: Path) -> dict[str, Any]:
    return {
        str(p.relative_to(segments)): json.loads(p.read_text())
        for p in sorted(segments.rglob("*.json"))
    }


def _inodes(segments: Path) -> dict[str, int]:
    return {str(p.relative_to(segments)): p.stat().st_ino for p in segments.rglob("*.json")}


def _every_month(monthly: pd.DataFrame) -> pd.DataFrame:
    """What the stage says when it cannot tell which months changed: all of them."""
    months = sorted(set(monthly["period"]))
    return pd.DataFrame(
        [(r, m) for r in sorted(CAT.rule_sets) for m in months], columns=["rules", "period"]
    )


def _build(
    home: Home, where: Path, monthly: pd.DataFrame, parent: Path | None, changed: Any
) -> Path:
    version = published(home)
    judged = stage.latest(home)
    assert judged is not None
    return artefact.build(
        home,
        where,
        version.metrics_path,
        lambda since: stage._flag_outcomes(judged, CAT, since=since),
        catalogue=CAT,
        parent_path=parent,
        changed=changed,
        monthly=monthly,
    )


def test_a_quarter_whose_inputs_did_not_change_is_the_parent_file(
    demo_home: Home, tmp_path: Path
) -> None:
    parent = stage.latest(demo_home)
    assert parent is not None
    monthly = artefact.monthly_rows(published(demo_home).metrics_path, ["icb"])
    built = _build(demo_home, tmp_path / "again", monthly, parent.path, _every_month(monthly))
    theirs = artefact.folder(parent.path)
    assert _inodes(built) == _inodes(theirs) and len(_inodes(built)) >= 12


def test_after_a_withdrawn_month_the_incremental_build_equals_one_from_scratch(
    demo_home: Home, tmp_path: Path
) -> None:
    parent = stage.latest(demo_home)
    assert parent is not None
    monthly = artefact.monthly_rows(published(demo_home).metrics_path, ["icb"])
    months = sorted(set(monthly["period"]))
    month = months[4]  # 2023-08: the second quarter, 2023-Q3
    gone = (monthly["org_code"] == "QMJ") & (monthly["metric_id"] == "ae_4hr") & (
        monthly["period"] == month
    )
    assert gone.sum() == 1
    changed = monthly[~gone].reset_index(drop=True)
    told = pd.DataFrame([(r, month) for r in sorted(CAT.rule_sets)], columns=["rules", "period"])
    for name, said in (("some", told), ("all", _every_month(monthly))):
        built = _build(demo_home, tmp_path / name, changed, parent.path, said)
        scratch = _build(demo_home, tmp_path / f"{name}-scratch", changed, None, None)
        assert _data(built) == _data(scratch), name
        theirs = _inodes(artefact.folder(parent.path))
        shared = {k for k, v in _inodes(built).items() if v == theirs[k]}
        for rules in CAT.rule_sets:
            # the withdrawn figure's quarter is made again (and the next, whose change
            # compares with it, when its figures changed the scored result); the first
            # quarter is the parent's
            assert f"{rules}/2023-Q3.json" not in shared, (name, rules)
            assert f"{rules}/2023-Q2.json" in shared, (name, rules)
