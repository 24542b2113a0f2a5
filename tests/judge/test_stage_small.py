"""The judge stage on a small hand-made results version (tests/judge/stage_support.py): what it
writes, how it is read back, and when a parent's judgements are reused. test_stage.py checks
the same over a computed demo home (slow); these pin each step down in about a second."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tests.judge.stage_support import (
    GROUPS,
    ICBS,
    KEYS,
    METRICS,
    MONTHS,
    REGION,
    rows,
    write_version,
)

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge import assess as core
from oversight.judge import stage
from oversight.judge.coverage import members_frame
from oversight.judge.deprivation_file import DECILE_FILE

CAT = load()
NO_PEERS = pd.DataFrame(columns=["period", "org_code", "peer_code"])


def _expected(frame: pd.DataFrame, breakdowns: tuple[str, ...] = ("total",)) -> pd.DataFrame:
    """The outcomes of results rows as the judge core makes them (no peers), in key order."""
    targets = stage.target_source.targets(Home.at(Path("/nonexistent")), CAT)
    periods = sorted(set(frame["period"]))
    out = core.assess(
        frame,
        CAT.metrics,
        targets,
        peers=NO_PEERS,
        members=members_frame(CAT, periods),
        breakdowns=breakdowns,
    )
    return out.sort_values(KEYS, kind="stable").reset_index(drop=True)


def _objects(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects with None for missing (what the stage reads back)."""
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


def _same(found: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        found, _objects(expected).reset_index(drop=True), check_dtype=False
    )


def _totals(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["breakdown"] == "total"].reset_index(drop=True)


def _groups(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["breakdown"] != "total"].reset_index(drop=True)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home.at(tmp_path / "home")


@pytest.fixture
def judged(home: Home) -> stage.Judgements:
    return stage.assess(home, write_version(home, "v1", rows()), catalogue=CAT)


def test_a_version_is_judged_in_full_into_its_own_folder(
    home: Home, judged: stage.Judgements
) -> None:
    assert judged.id == "v1" and judged.path == home.judgements_dir / "v1"
    assert judged.how == "full" and judged.metric_ids == list(METRICS)
    manifest = json.loads((judged.path / "manifest.json").read_text())
    assert manifest == judged.manifest
    assert manifest["results_version"] == "v1"
    assert manifest["rows"] == 30 and manifest["metrics"] == {m: 15 for m in METRICS}
    assert manifest["groups"] == {m: 10 for m in METRICS} and manifest["groups_period"] == "2024-03"
    assert manifest["absent"] == sorted(set(CAT.metrics) - set(METRICS))
    targets = stage.target_source.targets(home, CAT)
    assert {k: manifest[k] for k in ("method", "targets", "deciles", "metric_definitions")} == (
        stage.fingerprint(targets, None, CAT.metrics)
    )
    assert manifest["method"] == stage.METHOD == 3 and manifest["deciles"] is None
    assert dt.datetime.fromisoformat(manifest["created"]).tzinfo is not None
    assert (home.judgements_dir / "CURRENT").read_text() == "v1\n"
    assert sorted(p.name for p in home.judgements_dir.iterdir()) == ["CURRENT", "v1"]
    for sub in stage.DIRS:
        assert sorted(p.name for p in (judged.path / sub).iterdir()) == [
            f"{m}.parquet" for m in METRICS
        ]


def test_the_outcomes_are_the_judge_cores_and_the_inputs_the_rows_judged(
    judged: stage.Judgements,
) -> None:
    every = rows()
    _same(judged.frame(), _expected(_totals(every)))
    _same(judged.frame(breakdown="imd_decile"), _expected(_groups(every), ("imd_decile",)))
    both = pd.concat([_expected(_totals(every)), _expected(_groups(every), ("imd_decile",))])
    _same(
        judged.frame(breakdown=None),
        both.sort_values(stage.ORDER, kind="stable").reset_index(drop=True),
    )
    for sub, part in ((stage.INPUTS_DIR, _totals(every)), (stage.GROUP_INPUTS_DIR, _groups(every))):
        kept = pd.concat([pd.read_parquet(judged.path / sub / f"{m}.parquet") for m in METRICS])
        kept["period"] = pd.to_datetime(kept["period"]).dt.date
        _same(
            _objects(kept).reset_index(drop=True),
            part[[*stage.ORDER, *stage.INPUTS]].sort_values(stage.ORDER).reset_index(drop=True),
        )
    assert set(judged.frame()["org_type"]) == {"icb", "region", "england"}
    assert all(type(p) is dt.date for p in judged.frame()["period"])
    assert judged.frame().index.tolist() == list(range(30))


def test_read_back_filters(judged: stage.Judgements) -> None:
    frame = judged.frame()
    one = judged.frame(org="QMJ")
    assert len(one) == 6 and set(one["org_code"]) == {"QMJ"}
    _same(one, frame[frame["org_code"] == "QMJ"].reset_index(drop=True))
    feb = judged.frame(period="2024-02")
    assert len(feb) == 10 and set(feb["period"]) == {MONTHS[1]}
    rtt = judged.frame(metric="rtt_18wk")
    _same(rtt, frame[frame["metric_id"] == "rtt_18wk"].reset_index(drop=True))
    cell = judged.frame(org="QMF", metric="ae_4hr", period=MONTHS[2], breakdown="imd_decile")
    assert cell["group"].tolist() == list(GROUPS) and set(cell["org_code"]) == {"QMF"}
    assert judged.frame(period=MONTHS[0], breakdown="imd_decile").empty  # latest month only
    none = judged.frame(org="XXX")
    assert none.empty and list(none.columns) == list(frame.columns)
    assert judged.frame(metric="ae_12hr_pct").empty
    assert judged.periods() == list(MONTHS)


def test_judgements_read_back_with_names_in_their_sentences(
    home: Home, judged: stage.Judgements
) -> None:
    found = stage.judgements(home, org="QMJ", metric="ae_4hr", period=MONTHS[2])
    assert len(found) == 1 and found[0].subject.org_name == CAT.icbs["QMJ"].name
    assert found[0].subject.value == pytest.approx(62.0)
    assert {
        j.subject.org_name for j in stage.judgements(home, period=MONTHS[2], metric="ae_4hr")
    } == {*(CAT.icbs[c].name for c in ICBS), CAT.regions[REGION].name, "England"}
    groups = judged.judgements(org="QMJ", metric="ae_4hr", breakdown="imd_decile", catalogue=CAT)
    assert [j.subject.group for j in groups] == list(GROUPS)
    assert len(stage.judgements(home, version="v1")) == 30
    with pytest.raises(
        FileNotFoundError, match=r"results version v9 under .* have not been judged"
    ):
        stage.judgements(home, version="v9")


def test_names_cover_regions_icbs_merged_icbs_and_england() -> None:
    names = stage.names(CAT)
    assert names["ENG"] == "England" and names[REGION] == CAT.regions[REGION].name
    assert all(names[c] == i.name for c, i in CAT.icbs.items())
    assert all(names[c] == i.name for c, i in CAT.merged_icbs.items() if c not in CAT.icbs)
    assert CAT.merged_icbs


def test_nothing_judged_reads_as_none_or_a_clear_error(home: Home) -> None:
    assert stage.latest(home) is None and stage.judged(home, "v1") is None
    with pytest.raises(
        FileNotFoundError, match=r"the published results under .* have not been judged"
    ):
        stage.judgements(home)


def test_latest_prefers_the_published_versions_judgements_then_the_last_judged(
    home: Home, judged: stage.Judgements
) -> None:
    assert stage.latest(home) == judged and stage.latest(home, "v1") == judged
    assert stage.latest(home, "v2") is None
    write_version(home, "v2", rows(), parent="v1")  # published, not judged yet
    assert stage.latest(home) == judged  # the last judged, by CURRENT
    stage.assess(home, stage_version(home, "v2"), catalogue=CAT)
    (home.judgements_dir / "CURRENT").write_text("v1\n")
    assert stage.latest(home).id == "v2"  # type: ignore[union-attr]  # the published one's
    (home.judgements_dir / "v2" / stage.OUTCOMES_DIR).rename(home.judgements_dir / "v2" / "old")
    assert stage.judged(home, "v2") is None and stage.latest(home) == judged


def stage_version(home: Home, version_id: str) -> Any:
    from oversight.metrics.results import ResultsVersion

    return ResultsVersion(version_id, home.results_dir / version_id)


def test_a_recorded_change_judges_only_the_metrics_it_feeds_and_links_the_rest(
    home: Home, judged: stage.Judgements
) -> None:
    changed = rows({("rtt_18wk", "QMJ"): 7.0})
    changes = {"from": "v1", "icb_months": [["rtt_pathways", "QMJ", "2024-03"]]}
    again = stage.assess(
        home, write_version(home, "v2", changed, parent="v1", changes=changes), catalogue=CAT
    )
    fed = stage.fed_by(CAT, ["rtt_pathways"])
    assert "ae_4hr" not in fed and again.how == f"incremental ({len(fed)} metrics from v1)"
    for sub in stage.DIRS:
        assert os.path.samefile(
            again.path / sub / "ae_4hr.parquet", judged.path / sub / "ae_4hr.parquet"
        )
        assert not os.path.samefile(
            again.path / sub / "rtt_18wk.parquet", judged.path / sub / "rtt_18wk.parquet"
        )
    assert again.manifest["metrics"] == {m: 15 for m in METRICS} and again.manifest["rows"] == 30
    assert again.manifest["groups"] == {m: 10 for m in METRICS}
    _same(again.frame(), _expected(_totals(changed)))
    _same(again.frame(breakdown="imd_decile"), _expected(_groups(changed), ("imd_decile",)))
    _same_segments(home, again, changed)


def _same_segments(home: Home, found: stage.Judgements, frame: pd.DataFrame) -> None:
    """The segments stored with `found` are those of judging `frame` in full in a new home."""
    fresh = Home.at(home.root.parent / f"full-{found.id}")
    full = stage.assess(
        fresh, write_version(fresh, found.id, frame), catalogue=CAT, incremental=False
    )
    mine = {
        str(p.relative_to(found.path)): p.read_bytes()
        for p in sorted((found.path / "segments").rglob("*.json"))
    }
    theirs = {
        str(p.relative_to(full.path)): p.read_bytes()
        for p in sorted((full.path / "segments").rglob("*.json"))
    }
    assert mine == theirs and len(mine) == 3


def test_without_a_record_every_judged_input_is_compared(
    home: Home, judged: stage.Judgements
) -> None:
    changed = rows({("ae_4hr", "QRV"): -4.0})
    again = stage.assess(home, write_version(home, "v2", changed, parent="v1"), catalogue=CAT)
    # the breakdown groups' inputs are not kept by metric, so both are judged again
    assert again.how == "incremental (2 metrics from v1)"
    _same(again.frame(), _expected(_totals(changed)))
    _same_segments(home, again, changed)


def test_a_record_from_another_version_is_not_trusted(home: Home, judged: stage.Judgements) -> None:
    changed = rows({("ae_4hr", "QRV"): -4.0})
    changes = {"from": "v0", "icb_months": [["rtt_pathways", "QMJ", "2024-03"]]}
    again = stage.assess(
        home, write_version(home, "v2", changed, parent="v1", changes=changes), catalogue=CAT
    )
    assert again.how == "incremental (2 metrics from v1)"
    _same(again.frame(), _expected(_totals(changed)))


def test_a_rebased_series_is_judged_again(home: Home, judged: stage.Judgements) -> None:
    changes = {"from": "v1", "icb_months": [], "series": [["ae_4hr", "QMJ"]]}
    again = stage.assess(
        home, write_version(home, "v2", rows(), parent="v1", changes=changes), catalogue=CAT
    )
    assert again.how == "incremental (1 metrics from v1)"
    assert os.path.samefile(again.file("rtt_18wk"), judged.file("rtt_18wk"))
    assert not os.path.samefile(again.file("ae_4hr"), judged.file("ae_4hr"))


@pytest.mark.parametrize("key", ["method", "targets", "deciles", "metric_definitions"])
def test_a_parent_judged_another_way_is_not_reused(
    home: Home, judged: stage.Judgements, key: str
) -> None:
    manifest = judged.manifest | {key: "other"}
    (judged.path / "manifest.json").write_text(json.dumps(manifest))
    changes = {"from": "v1", "icb_months": []}
    again = stage.assess(
        home, write_version(home, "v2", rows(), parent="v1", changes=changes), catalogue=CAT
    )
    assert again.how == "full"


def test_a_version_that_is_its_own_parent_or_has_no_judged_parent_is_judged_in_full(
    home: Home,
) -> None:
    assert (
        stage.assess(home, write_version(home, "v1", rows(), parent="v1"), catalogue=CAT).how
        == "full"
    )
    assert (
        stage.assess(home, write_version(home, "v2", rows(), parent="v0"), catalogue=CAT).how
        == "full"
    )
    changes = {"from": "v2", "icb_months": []}
    version = write_version(home, "v3", rows(), parent="v2", changes=changes)
    assert stage.assess(home, version, catalogue=CAT, incremental=False).how == "full"
    assert stage.assess(home, version, catalogue=CAT).how == "incremental (0 metrics from v2)"


def test_a_metric_the_parent_neither_judged_nor_listed_absent_is_judged(
    home: Home, judged: stage.Judgements
) -> None:
    """As a parent judged before the metric was in the catalogue."""
    first = judged
    manifest = judged.manifest
    manifest["metrics"].pop("rtt_18wk")
    (judged.path / "manifest.json").write_text(json.dumps(manifest))
    changes = {"from": "v1", "icb_months": []}
    again = stage.assess(
        home, write_version(home, "v2", rows(), parent="v1", changes=changes), catalogue=CAT
    )
    assert again.how == "incremental (1 metrics from v1)" and again.metric_ids == list(METRICS)
    assert os.path.samefile(again.file("ae_4hr"), first.file("ae_4hr"))
    _same(again.frame(), _expected(_totals(rows())))


def test_judging_a_version_again_replaces_its_files_and_drops_stale_ones(
    home: Home, judged: stage.Judgements
) -> None:
    """Here with A&E's direction turned round (lower is better) and RTT no longer judged."""
    metrics = {k: v for k, v in CAT.metrics.items() if k != "rtt_18wk"}
    metrics["ae_4hr"] = metrics["ae_4hr"].model_copy(update={"improvement": "decrease"})
    fewer = dataclasses.replace(CAT, metrics=metrics, rule_sets={})
    before = judged.frame(metric="ae_4hr")
    again = stage.assess(home, stage_version(home, "v1"), catalogue=fewer, incremental=False)
    assert again.path == judged.path and again.metric_ids == ["ae_4hr"]
    after = stage.Judgements("v1", judged.path).frame()
    assert after["sign"].tolist() == [-1] * 15 and before["sign"].tolist() == [1] * 15
    targets = stage.target_source.targets(home, fewer)
    _same(after, stage.judge_rows(_totals(rows()), fewer, targets, None))
    assert (
        again.manifest["metrics"] == {"ae_4hr": 15} and "rtt_18wk" not in again.manifest["absent"]
    )
    for sub in stage.DIRS:
        assert [p.name for p in (again.path / sub).iterdir()] == ["ae_4hr.parquet"]
    assert sorted(p.name for p in home.judgements_dir.iterdir()) == ["CURRENT", "v1"]
    assert not list(again.path.glob(".staging*"))


def test_judging_again_a_version_judged_before_breakdown_inputs_were_kept(
    home: Home, judged: stage.Judgements
) -> None:
    """Its folder has no breakdown_inputs (the older layout): judging it again makes one."""
    shutil.rmtree(judged.path / stage.GROUP_INPUTS_DIR)
    again = stage.assess(home, stage_version(home, "v1"), catalogue=CAT, incremental=False)
    assert sorted(p.name for p in (again.path / stage.GROUP_INPUTS_DIR).iterdir()) == [
        f"{m}.parquet" for m in METRICS
    ]
    _same(again.frame(breakdown="imd_decile"), _expected(_groups(rows()), ("imd_decile",)))
    assert not list(again.path.glob(".staging*"))


# ---- the pieces ----


def test_deciles_file_is_the_option_else_the_homes_reference_file(
    home: Home, tmp_path: Path
) -> None:
    assert stage.deciles_file(home) is None
    folder = tmp_path / "ref"
    folder.mkdir()
    assert stage.deciles_file(home, folder) == folder / DECILE_FILE
    assert stage.deciles_file(home, str(folder / "x.csv")) == folder / "x.csv"
    home.reference_dir.mkdir(parents=True)
    (home.reference_dir / DECILE_FILE).write_text("x")
    assert stage.deciles_file(home) == home.reference_dir / DECILE_FILE
    assert stage.deciles_file(home, folder / "y.csv") == folder / "y.csv"


def test_fingerprint_changes_with_each_input(tmp_path: Path) -> None:
    deciles = tmp_path / "d.csv"
    deciles.write_text("a,b\n1,2\n")
    base = stage.fingerprint([], deciles, CAT.metrics)
    assert base["method"] == stage.METHOD and len(base["targets"]) == 16
    assert base["deciles"] == hashlib.sha256(b"a,b\n1,2\n").hexdigest()[:16]
    assert stage.fingerprint([], None, CAT.metrics)["deciles"] is None
    assert stage.fingerprint([], deciles, None)["metric_definitions"] != base["metric_definitions"]
    assert (
        stage.fingerprint([], deciles, {})["metric_definitions"]
        == stage.fingerprint([], deciles)["metric_definitions"]
    )
    flipped = dict(CAT.metrics)
    flipped["ae_4hr"] = CAT.metrics["ae_4hr"].model_copy(update={"improvement": "decrease"})
    assert (
        stage.fingerprint([], deciles, flipped)["metric_definitions"] != base["metric_definitions"]
    )
    reordered = dict(reversed(list(CAT.metrics.items())))
    assert stage.fingerprint([], deciles, reordered) == base
    targets = stage.target_source.targets(Home.at(tmp_path / "none"), CAT)
    assert (
        targets and stage.fingerprint(targets, deciles, CAT.metrics)["targets"] != base["targets"]
    )
    assert stage.fingerprint(targets[1:], deciles, CAT.metrics)["targets"] != base["targets"]


def test_fed_by_names_the_metrics_of_a_dataset() -> None:
    assert "rtt_18wk" in stage.fed_by(CAT, ["rtt_pathways"])
    assert "ae_4hr" not in stage.fed_by(CAT, ["rtt_pathways"])
    assert {"ae_4hr", "rtt_18wk"} <= stage.fed_by(CAT, ["rtt_pathways", "ae_attendances"])
    assert stage.fed_by(CAT, []) == set()


def test_peer_pairs_need_the_deciles_file_and_months_with_icbs() -> None:
    from tests.shared_data import real_file

    deciles = real_file(DECILE_FILE)
    assert stage.peer_pairs(CAT, [MONTHS[2]], None).empty
    assert stage.peer_pairs(CAT, [dt.date(2020, 1, 1)], deciles).empty
    pairs = stage.peer_pairs(CAT, [dt.date(2020, 1, 1), MONTHS[2]], deciles)
    assert set(pairs.columns) >= {"period", "org_code", "peer_code"}
    assert len(pairs) and set(pairs["period"]) == {MONTHS[2]}
    assert set(pairs["org_code"]) == {i.code for i in CAT.icbs_on(MONTHS[2])}


def test_judge_groups_of_no_rows_is_no_rows() -> None:
    empty = rows().iloc[:0]
    assert stage.judge_groups(empty, CAT, [], None) is empty


def _outcomes(**columns: list[Any]) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    keys = {
        "metric_id": ["m"] * n,
        "org_type": ["icb"] * n,
        "org_code": [f"O{i}" for i in range(n)],
        "period": [MONTHS[i % 3] for i in range(n)],
        "breakdown": ["total"] * n,
        "group": ["total"] * n,
    }
    return pd.DataFrame({**keys, **columns})


def test_changed_months_and_metrics_compare_values_text_and_missing_alike() -> None:
    old = _outcomes(value=[1.0, float("nan"), 3.0], variation=["a", None, "c"])
    assert stage.changed_months(old, old.copy(), ["value", "variation"]) == []
    new = _outcomes(value=[1.0, float("nan"), 3.5], variation=["a", None, "c"])
    assert stage.changed_months(old, new, ["value", "variation"]) == [MONTHS[2]]
    assert stage.changed_months(old, new, ["variation"]) == []
    text = _outcomes(value=[1.0, float("nan"), 3.0], variation=["a", "b", "c"])
    assert stage.changed_months(old, text, ["value", "variation"]) == [MONTHS[1]]
    fewer = old.iloc[:2]
    assert stage.changed_months(old, fewer, ["value"]) == [MONTHS[2]]
    assert stage.changed_months(fewer, old, ["value"]) == [MONTHS[2]]
    assert stage.changed_months(old.drop(columns="variation"), old, ["variation"]) == list(MONTHS)
    assert stage.changed_months(old, old.drop(columns="variation"), ["variation"]) == []
    two = pd.concat([old, old.assign(metric_id="n", value=[1.0, 2.0, 3.0])])
    assert stage.changed_metrics(two, two.copy()) == set()
    moved = pd.concat([old, old.assign(metric_id="n", value=[1.0, 2.5, 3.0])])
    assert stage.changed_metrics(two, moved) == {"n"}


def test_an_empty_read_back_keeps_the_outcome_columns(home: Home) -> None:
    """No file to read (a metric not judged): no rows, the columns of the judged files; with
    nothing judged at all, the key columns."""
    only = dataclasses.replace(CAT, metrics={"rtt_18wk": CAT.metrics["rtt_18wk"]}, rule_sets={})
    judged = stage.assess(home, write_version(home, "v1", rows()), catalogue=only)
    assert judged.metric_ids == ["rtt_18wk"]
    full = judged.frame()
    none = judged.frame(metric="ae_4hr")
    assert none.empty and list(none.columns) == list(full.columns)
    assert none.dtypes.to_dict() == full.dtypes.to_dict()
    nothing = dataclasses.replace(CAT, metrics={"ae_12hr_pct": CAT.metrics["ae_12hr_pct"]},
                                  rule_sets={})  # fmt: skip
    empty = stage.assess(home, stage_version(home, "v1"), catalogue=nothing, incremental=False)
    assert empty.metric_ids == [] and empty.manifest["absent"] == ["ae_12hr_pct"]
    assert list(empty.frame().columns) == stage.ORDER and empty.frame().empty
    assert empty.periods() == []


def test_the_recorded_months_are_those_of_a_record_from_the_parent(home: Home) -> None:
    changes = {"from": "v1", "icb_months": [["rtt_pathways", "QMJ", "2024-03"],
                                             ["ae_attendances", "QMF", "2024-01"],
                                             ["rtt_pathways", "QMF", "2024-03"]]}  # fmt: skip
    version = write_version(home, "v2", rows(), parent="v1", changes=changes)
    assert stage._recorded_months(version, "v1") == [MONTHS[0], MONTHS[2]]
    assert stage._recorded_months(version, "v0") == []
    assert stage._recorded_changes(version, "v0", CAT) is None
    assert stage._recorded_changes(version, "v1", CAT) == stage.fed_by(
        CAT, ["rtt_pathways", "ae_attendances"]
    )
    plain = write_version(home, "v3", rows(), parent="v2")
    assert (
        stage._recorded_months(plain, "v2") == []
        and stage._recorded_changes(plain, "v2", CAT) is None
    )


def test_segmentation_reads_the_outcomes_of_the_metrics_a_flags_rule_set_tests(
    judged: stage.Judgements,
) -> None:
    """Here a flags rule set of A&E alone (and one metric it tests that was not judged): only
    its method and metrics are read."""
    from types import SimpleNamespace

    ae_only: dict[str, Any] = {
        "flags": SimpleNamespace(method="flags", metric_ids=("ae_4hr", "ae_12hr_pct")),
        "scored": SimpleNamespace(method="scored", metric_ids=("rtt_18wk",)),
    }
    outcomes = stage._flag_outcomes(judged, dataclasses.replace(CAT, rule_sets=ae_only))
    assert set(outcomes["metric_id"]) == {"ae_4hr"} and len(outcomes) == 15
    assert {"variation", "org_code", "period"} <= set(outcomes.columns)
    scored = dataclasses.replace(
        CAT, rule_sets={k: r for k, r in CAT.rule_sets.items() if r.method != "flags"}
    )
    assert stage._flag_outcomes(judged, scored).empty
