"""The judge stage over a real (small) demo home: compute judges every version it publishes, the
artefact is read back, an incremental run equals a full one, and judging an old version again
reproduces its judgements exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from tests.shared_data import real_file

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge import judgements as read_judgements
from oversight.judge import stage
from oversight.judge.deprivation_file import DECILE_FILE
from oversight.metrics import published
from oversight.pipeline import compute_and_judge

pytestmark = pytest.mark.slow
CAT = load()


def _copy(home: Home, tmp_path: Path) -> Home:
    """A private copy of the session's demo home (lake, results, judgements, database)."""
    shutil.copytree(home.root, tmp_path / "home")
    return Home.at(tmp_path / "home")


def _full(home: Home, version_id: str, deciles: Path | None = None) -> pd.DataFrame:
    """The version judged in full, in memory (nothing written)."""
    rows = published(home, version_id).rows(breakdown="total")
    targets = stage.target_source.targets(home, CAT)
    return stage.judge_rows(rows, CAT, targets, deciles)


def _files(path: Path, pattern: str = "*.parquet") -> dict[str, bytes]:
    """Every file of a judgements directory matching `pattern` (but its manifest, which says
    when), by relative path."""
    return {
        str(p.relative_to(path)): p.read_bytes()
        for p in sorted(path.rglob(pattern))
        if p.name != "manifest.json"
    }


def test_compute_judges_the_version_it_publishes(demo_home: Home) -> None:
    version = published(demo_home)
    found = stage.latest(demo_home)
    assert found is not None and found.id == version.id
    assert found.path == demo_home.judgements_dir / version.id
    assert found.manifest["results_version"] == version.id
    frame = found.frame()
    # one row per organisation × metric × month of the total breakdown
    rows = version.rows(breakdown="total")
    assert len(frame) == len(rows) == found.manifest["rows"]
    assert set(frame["org_type"]) == {"icb", "region", "england"}
    pd.testing.assert_frame_equal(frame, _full(demo_home, version.id))


def test_read_back_filters_and_sentences(demo_home: Home) -> None:
    month = stage.latest(demo_home).periods()[-1]  # type: ignore[union-attr]
    out = read_judgements(demo_home, org="QMJ", metric="ae_4hr", period=month)
    assert len(out) == 1
    j = out[0]
    assert (j.subject.org_code, j.subject.metric_id, j.subject.period) == ("QMJ", "ae_4hr", month)
    assert j.subject.org_name == CAT.icbs["QMJ"].name
    assert j.summary.startswith(f"A&E: seen within 4 hours ({CAT.icbs['QMJ'].name})")
    assert j.to_dict()["change"]["target_id"] == "2024-25-UEC1"
    every = read_judgements(demo_home, period=month)
    assert {x.subject.org_code for x in every} >= {"ENG", "QMJ", *CAT.regions}
    with pytest.raises(FileNotFoundError, match="have not been judged"):
        read_judgements(demo_home, version="v-none")


def test_incremental_judgement_equals_full_and_old_versions_reproduce(
    demo_home: Home, tmp_path: Path
) -> None:
    home = _copy(demo_home, tmp_path)
    old = published(home)
    old_frame = stage.judged(home, old.id).frame()  # type: ignore[union-attr]
    # QMJ withdraws its latest A&E return and one in a complete quarter
    latest, middle = max(old.periods), sorted(old.periods)[len(old.periods) // 2]
    for month in (latest, middle):
        (home.lake_dir / "ae_attendances" / f"{month:%Y-%m}" / "QMJ.parquet").unlink()
    version, found = compute_and_judge(home)
    assert version.id != old.id and version.parent == old.id
    assert found.id == version.id and found.how.startswith("incremental (")
    assert f"from {old.id}" in found.how
    frame = found.frame()
    pd.testing.assert_frame_equal(frame, _full(home, version.id))
    qmj = frame[(frame.org_code == "QMJ") & (frame.metric_id == "ae_4hr")]
    assert qmj.loc[qmj.period == latest, "variation"].tolist() == ["no data"]
    # only the metrics A&E returns feed were judged again; the rest are the parent's files
    parent = stage.judged(home, old.id)
    assert parent is not None
    assert found.manifest["metrics"].keys() == parent.manifest["metrics"].keys()
    redone = stage.fed_by(CAT, ["ae_attendances"])
    assert f"incremental ({len(redone)} metrics from {old.id})" == found.how
    unchanged = frame[frame.metric_id == "rtt_18wk"].reset_index(drop=True)
    before = old_frame[old_frame.metric_id == "rtt_18wk"].reset_index(drop=True)
    pd.testing.assert_frame_equal(unchanged, before)
    shared = found.file("rtt_18wk").stat()
    assert shared.st_ino == parent.file("rtt_18wk").stat().st_ino
    # the rows judged again were made from the parent's judged inputs and only the results
    # pieces the version rewrote, and equal the version's own rows
    patched = stage.patched_rows(version, parent, redone)
    assert patched is not None
    for got, want in zip(patched, stage.judged_rows(version, redone), strict=True):
        assert len(got)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
    # segmentation was told only the months its inputs changed in: a scored rule set's are
    # the withdrawn ICB-months' (not those where only England's or a region's figure moved)
    told = stage._segment_months(parent, found, dict.fromkeys(redone), CAT, [latest, middle])
    scored = [r for r in CAT.rule_sets.values() if r.method == "scored"]
    assert scored
    for rule_set in scored:
        assert set(told.loc[told.rules == rule_set.id, "period"]) == {latest, middle}
    # the scored rule sets, started before the judging, were told the same months from the
    # figures alone, comparing only the months whose totals piece the version rewrote
    early = sorted(r.id for r in scored)
    monthly = stage._monthly(version, CAT)
    figures = stage._changed_figures(version, parent, monthly, CAT, redone, [], early)
    whole = stage._figure_months(stage._monthly(old, CAT), monthly, CAT, redone, [], early)
    assert figures is not None and figures.equals(whole)
    for rule_set in scored:
        assert set(figures.loc[figures.rules == rule_set.id, "period"]) == {latest, middle}
    # segments were rebuilt only for the quarters whose figures or flags changed, and equal a
    # full build
    incremental_files = _files(found.path, "*.json")
    assert incremental_files
    first = min(old.periods)
    quarter = f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    for rule_set in scored:  # a quarter nothing changed in is the parent's file, shared
        path = Path("segments") / rule_set.id / f"{quarter}.json"
        assert (found.path / path).stat().st_ino == (parent.path / path).stat().st_ino
    incremental_tables = _files(found.path)
    stage.assess(home, version, incremental=False)
    assert _files(found.path, "*.json") == incremental_files
    # every file of the incremental judgement is byte for byte the full judgement's (a text
    # column empty in the metrics judged again is typed as text all the same)
    assert _files(found.path) == incremental_tables
    # judging the old version again reproduces its judgements exactly, files included
    saved = _files(home.judgements_dir / old.id)
    again = stage.assess(home, old, incremental=False)
    pd.testing.assert_frame_equal(again.frame(), old_frame)
    assert _files(home.judgements_dir / old.id) == saved
    # and the published results' judgements are still the new version's
    assert stage.latest(home).id == version.id  # type: ignore[union-attr]


def test_rows_are_read_whole_when_the_parent_kept_no_breakdown_inputs(
    demo_home: Home, tmp_path: Path
) -> None:
    """Judgements made before the breakdown groups' inputs were kept: the rows are read from
    the results, and the incremental judgement still equals the full one."""
    home = _copy(demo_home, tmp_path)
    old = published(home)
    parent = stage.judged(home, old.id)
    assert parent is not None
    shutil.rmtree(parent.path / stage.GROUP_INPUTS_DIR)
    (home.lake_dir / "ae_attendances" / f"{max(old.periods):%Y-%m}" / "QMJ.parquet").unlink()
    version, found = compute_and_judge(home)
    redone = stage.fed_by(CAT, ["ae_attendances"])
    assert stage.patched_rows(version, parent, redone) is None
    assert found.how == f"incremental ({len(redone)} metrics from {old.id})"
    pd.testing.assert_frame_equal(found.frame(), _full(home, version.id))


def test_changed_targets_are_not_patched_from_the_parent(demo_home: Home, tmp_path: Path) -> None:
    """A parent judged with other targets (or peers) cannot be reused: judged in full."""
    home = _copy(demo_home, tmp_path)
    old = published(home)
    manifest = home.judgements_dir / old.id / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"targets": "', '"targets": "x'))
    latest = max(old.periods)
    (home.lake_dir / "ae_attendances" / f"{latest:%Y-%m}" / "QMF.parquet").unlink()
    _, found = compute_and_judge(home)
    assert found.how == "full"


def test_peer_ranks_come_from_the_deprivation_file(demo_home: Home, tmp_path: Path) -> None:
    deciles = real_file(DECILE_FILE)
    home = _copy(demo_home, tmp_path)
    version = published(home)
    without = stage.latest(home).frame()  # type: ignore[union-attr]
    assert without["peer_rank"].isna().all()
    found = stage.assess(home, version, deciles=deciles)
    frame = found.frame()
    icb = frame[(frame.org_type == "icb") & frame.value.notna() & (frame.metric_id == "ae_4hr")]
    assert icb["peer_rank"].notna().all() and (icb["peer_size"] == 8).all()
    assert found.manifest["deciles"] is not None
    pd.testing.assert_frame_equal(frame, _full(home, version.id, deciles))
    # the home's reference folder is where the stage looks by default
    home.reference_dir.mkdir()
    shutil.copy(deciles, home.reference_dir / DECILE_FILE)
    assert stage.deciles_file(home) == home.reference_dir / DECILE_FILE


def test_regions_england_and_breakdown_groups_are_judged(demo_home: Home) -> None:
    found = stage.latest(demo_home)
    assert found is not None
    last = found.periods()[-1]
    (eng,) = read_judgements(demo_home, org="ENG", metric="ae_4hr", period=last)
    assert eng.subject.org_type == "england" and eng.summary
    region = sorted(CAT.regions)[0]
    (reg,) = read_judgements(demo_home, org=region, metric="ae_4hr", period=last)
    assert reg.subject.org_type == "region" and reg.subject.coverage is not None
    groups = read_judgements(demo_home, org="QMJ", metric="ae_4hr", breakdown="imd_decile")
    rows = published(demo_home).rows(metric="ae_4hr", breakdown="imd_decile", period=last)
    assert len(groups) == int((rows.org_code == "QMJ").sum()) >= 5
    assert {j.subject.period for j in groups} == {last}
    assert found.manifest["groups_period"] == f"{last:%Y-%m}"
    england = rows[rows.org_type == "england"].set_index("group")["value"]
    for j in groups:  # each group against England's figure for the same group
        assert j.subject.breakdown == "imd_decile"
        assert j.position.england == pytest.approx(england[j.subject.group])
    both = found.frame(metric="ae_4hr", breakdown=None)
    assert {"total", "imd_decile"} <= set(both["breakdown"])
    assert len(both) == len(found.frame(metric="ae_4hr")) + len(
        found.frame(metric="ae_4hr", breakdown="imd_decile")
    ) + sum(
        len(found.frame(metric="ae_4hr", breakdown=b))
        for b in set(both["breakdown"]) - {"total", "imd_decile"}
    )


def test_a_metric_file_is_the_same_whichever_metrics_were_judged_with_it(tmp_path: Path) -> None:
    """An incremental judgement writes a few metrics' tables, a full one every metric's: a text
    column with no value in the few (no local target among them) is still typed as text, so
    the file is byte for byte the one a full judgement writes."""
    import pyarrow.parquet as pq

    frame = pd.DataFrame({
        "metric_id": ["a", "a", "b"],
        "local_target_id": pd.Series([None, None, "T1"], dtype=object),
        "value": [1.0, 2.0, 3.0],
    })
    alone, together = stage._split(frame.iloc[:2]), stage._split(frame)
    pq.write_table(alone["a"], tmp_path / "alone.parquet")
    pq.write_table(together["a"], tmp_path / "together.parquet")
    assert (tmp_path / "alone.parquet").read_bytes() == (tmp_path / "together.parquet").read_bytes()
    assert str(alone["a"].schema.field("local_target_id").type) == "string"
