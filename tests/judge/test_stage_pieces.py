"""The judge stage over results kept in pieces (format 2, what `oversight compute` publishes):
the rows it reads, and the rows it patches from the parent's judged inputs when one ICB-month
was recomputed (only that organisation's, its region's and England's pieces, and a month's
funnel when it moved), which must equal reading the version whole."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from tests.judge.stage_support import MONTHS, publish_full, publish_icb_month, rows
from tests.judge.test_stage_small import CAT, _expected, _groups, _objects, _same, _totals

from oversight.home import Home
from oversight.judge import stage

MARCH = MONTHS[2]
FED = stage.fed_by(CAT, ["rtt_pathways"])


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home.at(tmp_path / "home")


def test_a_version_in_pieces_is_read_and_judged_as_one_in_a_folder(home: Home) -> None:
    version = publish_full(home, rows())
    assert version.partitioned
    total, groups = stage.judged_rows(version)
    columns = [*stage.ORDER, *stage.INPUTS]
    _same(total, _totals(rows())[columns].sort_values(stage.ORDER).reset_index(drop=True))
    _same(groups, _groups(rows())[columns].sort_values(stage.ORDER).reset_index(drop=True))
    only, none = stage.judged_rows(version, ["rtt_18wk"])
    assert set(only["metric_id"]) == {"rtt_18wk"} and len(only) == 15 and len(none) == 10
    empty, empty_groups = stage.judged_rows(version, [])
    assert empty.empty and empty_groups.empty and list(empty.columns) == columns
    done = stage.assess(home, version, catalogue=CAT)
    _same(done.frame(), _expected(_totals(rows())))


def test_one_recomputed_icb_month_is_patched_from_the_parents_inputs(home: Home) -> None:
    first = publish_full(home, rows())
    parent = stage.assess(home, first, catalogue=CAT)
    changed = rows({("rtt_18wk", "QMJ"): 7.0, ("rtt_18wk", "ENG"): 1.0})
    version = publish_icb_month(home, first, changed, "rtt_pathways", "QMJ", MARCH)
    patched = stage.patched_rows(version, parent, ["rtt_18wk", "ae_4hr"])
    assert patched is not None
    whole = stage.judged_rows(version, ["ae_4hr", "rtt_18wk"])
    for mine, theirs in zip(patched, whole, strict=True):
        pd.testing.assert_frame_equal(mine, theirs)
    done = stage.assess(home, version, catalogue=CAT)
    assert done.how == f"incremental ({len(FED)} metrics from {first.id})"
    _same(done.frame(), _expected(_totals(changed)))
    _same(done.frame(breakdown="imd_decile"), _expected(_groups(changed), ("imd_decile",)))


def test_a_moved_funnel_moves_every_icbs_position_that_month(home: Home) -> None:
    first = publish_full(home, rows())
    parent = stage.assess(home, first, catalogue=CAT)
    changed = rows({("rtt_18wk", "QMJ"): 7.0})
    at = (changed["org_code"] == "QMF") & (changed["period"] == MARCH)
    at &= changed["metric_id"] == "rtt_18wk"  # its funnel moved with QMJ's figure
    changed.loc[at & (changed["group"] == "total"), "funnel_position"] = "above"
    version = publish_icb_month(
        home, first, changed, "rtt_pathways", "QMJ", MARCH, funnels_moved=True
    )
    patched = stage.patched_rows(version, parent, ["rtt_18wk", "ae_4hr"])
    assert patched is not None
    whole = stage.judged_rows(version, ["ae_4hr", "rtt_18wk"])
    for mine, theirs in zip(patched, whole, strict=True):
        pd.testing.assert_frame_equal(mine, theirs)
    qmf = patched[0][(patched[0]["org_code"] == "QMF") & (patched[0]["period"] == MARCH)]
    assert qmf.set_index("metric_id")["funnel_position"].to_dict() == {
        "ae_4hr": "within",
        "rtt_18wk": "above",
    }
    assert set(patched[1]["funnel_position"]) == {None}  # groups are not drawn in funnels
    done = stage.assess(home, version, catalogue=CAT)
    _same(done.frame(), _expected(_totals(changed)))


def test_the_rows_cannot_be_patched_without_the_parents_pieces_and_inputs(home: Home) -> None:
    first = publish_full(home, rows())
    parent = stage.assess(home, first, catalogue=CAT)
    version = publish_icb_month(home, first, rows(), "rtt_pathways", "QMJ", MARCH)
    assert stage.patched_rows(version, parent, []) is None
    other = dataclasses.replace(parent)
    other.manifest["groups_period"] = "2024-02"
    assert stage.patched_rows(version, other, ["rtt_18wk"]) is None
    (parent.path / stage.GROUP_INPUTS_DIR / "rtt_18wk.parquet").unlink()
    assert stage.patched_rows(version, parent, ["rtt_18wk"]) is None
    assert stage.patched_rows(version, parent, ["ae_4hr"]) is not None
    (parent.path / stage.INPUTS_DIR / "ae_4hr.parquet").unlink()
    assert stage.patched_rows(version, parent, ["ae_4hr"]) is None


def test_a_parent_without_breakdown_inputs_is_patched_without_groups(home: Home) -> None:
    first = publish_full(home, rows())
    parent = stage.assess(home, first, catalogue=CAT)
    parent.manifest["groups"] = {}
    version = publish_icb_month(home, first, rows(), "rtt_pathways", "QMJ", MARCH)
    patched = stage.patched_rows(version, parent, ["rtt_18wk"])
    assert patched is not None
    total, groups = patched
    _same(total, _objects(stage.judged_rows(version, ["rtt_18wk"])[0]))
    assert set(groups["org_code"]) == {"QMJ", "Y56", "ENG"}  # only the recomputed pieces'


def test_segments_read_the_icbs_totals_pieces(home: Home) -> None:
    version = publish_full(home, rows())
    totals = stage._icb_totals(version, CAT)
    assert totals is not None
    assert list(totals.columns) == [
        "metric_id",
        "org_type",
        "org_code",
        "period",
        "group",
        "numerator",
        "denominator",
        "value",
    ]
    assert set(totals["org_type"]) == {"icb"} and len(totals) == 3 * 2 * 3
    assert totals[["org_code", "metric_id", "period"]].equals(
        totals[["org_code", "metric_id", "period"]].sort_values(["org_code", "metric_id", "period"])
    )
    qmj = totals[(totals["org_code"] == "QMJ") & (totals["metric_id"] == "ae_4hr")]
    assert qmj["value"].tolist() == [60.0, 61.0, 62.0]
    assert qmj["numerator"].tolist() == [600.0, 610.0, 620.0]
    regional = {k: r.model_copy(update={"org_type": "region"}) for k, r in CAT.rule_sets.items()}
    assert stage._icb_totals(version, dataclasses.replace(CAT, rule_sets=regional)) is None
    from tests.judge.stage_support import write_version

    assert stage._icb_totals(write_version(home, "old", rows()), CAT) is None


def test_segmentation_is_told_only_the_months_whose_icb_figures_changed(home: Home) -> None:
    """An incremental judgement tells segmentation the months a rule set reads a change in:
    QMJ's January figure moved, so January alone, not every month of the metric judged
    again (each told month makes a quarter be formed and compared again)."""
    first = publish_full(home, rows())
    parent = stage.assess(home, first, catalogue=CAT)
    changed = rows()
    at = (changed["org_code"] == "QMJ") & (changed["metric_id"] == "rtt_18wk")
    changed.loc[at & (changed["period"] == MONTHS[0]), "value"] += 7.0
    version = publish_icb_month(home, first, changed, "rtt_pathways", "QMJ", MONTHS[0])
    done = stage.assess(home, version, catalogue=CAT)
    judged = {m: None for m in FED if done.file(m).exists()}  # read from its file
    assert list(judged) == ["rtt_18wk"]
    told = stage._segment_months(parent, done, judged, CAT)
    reading = sorted(r.id for r in CAT.rule_sets.values() if "rtt_18wk" in r.metric_ids)
    assert reading
    assert told.groupby("rules")["period"].apply(list).to_dict() == {
        r: [MONTHS[0]] for r in reading
    }
    unchanged = stage._segment_months(parent, parent, judged, CAT)
    assert unchanged.empty


def test_segmentation_is_told_the_month_of_an_icb_row_gone(home: Home) -> None:
    """QMJ's January RTT row withdrawn: the old and new outcomes no longer hold the same
    rows, so they are matched by key, and January alone is told."""
    first = publish_full(home, rows())
    parent = stage.assess(home, first, catalogue=CAT)
    changed = rows()
    gone = (changed["org_code"] == "QMJ") & (changed["metric_id"] == "rtt_18wk")
    changed = changed[~(gone & (changed["period"] == MONTHS[0]))].reset_index(drop=True)
    version = publish_icb_month(home, first, changed, "rtt_pathways", "QMJ", MONTHS[0])
    done = stage.assess(home, version, catalogue=CAT)
    assert len(done.frame(metric="rtt_18wk")) == len(parent.frame(metric="rtt_18wk")) - 1
    told = stage._segment_months(parent, done, {"rtt_18wk": None}, CAT)
    reading = sorted(r.id for r in CAT.rule_sets.values() if "rtt_18wk" in r.metric_ids)
    assert told.groupby("rules")["period"].apply(list).to_dict() == {
        r: [MONTHS[0]] for r in reading
    }
