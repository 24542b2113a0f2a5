"""`oversight segment` over a small hand-made results version (no demo), for what a sampled
mutation run left untested (issue 18): the stored result is read by default (no segmenting),
what progress is reported, the rule set in force when none is named, and the stored files'
build: quarter values formed once per quarter, and a quarter none of whose months changed is
the parent's file, its inputs not formed again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tests.judge.stage_support import icb_total_row, write_version

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge import stage
from oversight.judge.segmentation import artefact
from oversight.judge.segmentation import quarter as quarter_module
from oversight.judge.segmentation.published import segment_published
from oversight.metrics.results import current, published
from oversight.period import Period

CAT = load()
RULES = "nof-2026"  # in force from 2026-Q2
MONTHS = tuple(dt.date(2026, m, 1) for m in range(4, 10))
Q2, Q3 = Period.parse_quarter("2026-Q2"), Period.parse_quarter("2026-Q3")


def _rows() -> pd.DataFrame:
    """Every ICB x nof-2026 metric a level of its own, drifting a little; common cause."""
    icbs = sorted(i.code for i in CAT.icbs_on(MONTHS[-1]))
    rng = np.random.default_rng(5)
    out: list[dict[str, Any]] = []
    for metric in CAT.rule_sets[RULES].metric_ids:
        for k, org in enumerate(icbs):
            base = 40 + (k * 7919 % 41) + rng.normal(0, 1)
            for p, month in enumerate(MONTHS):
                v = float(base + p * (0.5 if k % 3 else -0.5))
                out.append(icb_total_row(metric, org, month, v))
    return pd.DataFrame(out)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home.at(tmp_path_factory.mktemp("segmentation-survivors") / "home")
    write_version(home, "v1", _rows())
    version = current(home)
    assert version is not None
    stage.assess(home, version, catalogue=CAT, incremental=False)
    return home


def _steps(home: Home, **kw: Any) -> list[tuple[str, int, int]]:
    said: list[tuple[str, int, int]] = []
    segment_published(
        home, rules=RULES, org="QMF", progress=lambda d, a, b: said.append((d, a, b)), **kw
    )
    return said


def test_the_stored_result_is_read_without_segmenting_and_progress_says_so(home: Home) -> None:
    assert _steps(home) == [
        ("reading the published results", 0, 0),
        ("what would move QMF", 0, 1),
        ("done", 1, 1),
    ]
    fresh = _steps(home, stored=False)
    assert fresh[0] == ("reading the published results", 0, 0)
    assert fresh[1] == (f"segmenting {Q3} under {RULES}", 0, 0)
    assert fresh[-2:] == [("what would move QMF", 0, 1), ("done", 1, 1)]


def test_without_a_rule_set_the_one_in_force_for_the_quarter_is_used(home: Home) -> None:
    results = segment_published(home, org="QMF")
    assert [(r.org, r.rules, r.period) for r in results] == [("QMF", RULES, Q3)]
    assert results[0].segment is not None


def _build(home: Home, where: Path, monthly: pd.DataFrame | None = None, **kw: Any) -> Path:
    version = published(home)
    judged = stage.latest(home)
    assert judged is not None
    return artefact.build(
        home,
        where,
        version.metrics_path,
        lambda since: stage._flag_outcomes(judged, CAT, since=since),
        catalogue=CAT,
        monthly=monthly,
        **kw,
    )


def test_quarter_values_are_formed_once_per_quarter_for_every_rule_set(
    home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    formed: list[Period] = []
    real = quarter_module.quarter_values

    def counted(monthly: pd.DataFrame, metrics: Any, quarter: Period, *a: Any) -> Any:
        formed.append(quarter)
        return real(monthly, metrics, quarter, *a)

    monkeypatch.setattr(quarter_module, "quarter_values", counted)
    built = _build(home, tmp_path / "again")
    assert sorted(formed) == [Q2, Q3]  # three rule sets, two complete quarters
    assert len(list(built.rglob("*.json"))) == 2 * len(CAT.rule_sets)


def test_a_quarter_none_of_whose_months_changed_is_the_parents_file(
    home: Home, tmp_path: Path
) -> None:
    """`changed` is trusted: the figures passed differ, but no month is said to have changed,
    so every file is the parent's (the same file, not made again)."""
    parent = stage.latest(home)
    assert parent is not None
    monthly = artefact.monthly_rows(published(home).metrics_path, ["icb"])
    monthly["value"] = monthly["value"] + 1.0
    nothing = pd.DataFrame({"rules": pd.Series(dtype=str), "period": pd.Series(dtype=object)})
    built = _build(home, tmp_path / "again", monthly, parent_path=parent.path, changed=nothing)
    theirs = artefact.folder(parent.path)
    inodes = {str(p.relative_to(built)): p.stat().st_ino for p in built.rglob("*.json")}
    assert inodes == {str(p.relative_to(theirs)): p.stat().st_ino for p in theirs.rglob("*.json")}
    assert len(inodes) == 2 * len(CAT.rule_sets)


def test_a_quarter_whose_recorded_judgements_changed_is_made_again(
    home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No month changed, but a financial status recorded since the parent's judgement: that
    quarter's files are made again with it (every rule set stores what was recorded); the
    other quarter's stay the parent's."""
    from oversight.judge.segmentation import recorded
    from oversight.judge.segmentation.inputs import FinancialStatus
    from oversight.judge.segmentation.recorded import Recordings

    parent = stage.latest(home)
    assert parent is not None
    status = FinancialStatus(in_deficit=True, decided_by="a director", reason="overspent")
    real = recorded.reader

    def reader(h: Home) -> Any:
        read = real(h)
        return lambda q, rules=None: Recordings({"QMF": status}, (), ()) if q == Q2 else (
            read(q, rules)
        )

    monkeypatch.setattr(recorded, "reader", reader)
    nothing = pd.DataFrame({"rules": pd.Series(dtype=str), "period": pd.Series(dtype=object)})
    built = _build(home, tmp_path / "again", parent_path=parent.path, changed=nothing)
    theirs = artefact.folder(parent.path)
    for rules in CAT.rule_sets:
        for q in (Q2, Q3):
            same = (built / rules / f"{q}.json").stat().st_ino == (
                theirs / rules / f"{q}.json"
            ).stat().st_ino
            assert same == (q == Q3), (rules, q)
        stored = artefact.read(built, rules, Q2)
        assert stored is not None and stored.inputs().finance == {"QMF": status}
