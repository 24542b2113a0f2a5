"""Edges of judging a results frame (oversight.judge.assess) that test_assess.py's frame does
not reach: an aggregate figure no ICB row exists for, and rows read back with missing parts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from tests.judge.test_assess import MEMBERS, METRICS, TARGETS, results

from oversight.judge.assess import assess, judgements
from oversight.judge.attainment import TargetCheck, TargetJudgement
from oversight.judge.outcomes import Attainment

MAY = dt.date(2024, 5, 1)


def _with_england_only_in_may():
    frame = results()
    eng = frame[(frame["org_code"] == "ENG") & (frame["metric_id"] == "ae_4hr")].iloc[:1]
    may = eng.assign(period=MAY)
    members = MEMBERS.assign(period=MAY).drop_duplicates()
    return frame, may, members


def test_an_aggregate_figure_without_any_icb_row_counts_none_reported() -> None:
    import pandas as pd

    frame, may, members = _with_england_only_in_may()
    out = assess(pd.concat([frame, may]), METRICS, TARGETS, members=pd.concat([MEMBERS, members]))
    row = out[(out["org_code"] == "ENG") & (out["period"] == MAY)].iloc[0]
    assert (row["reported"], row["expected"]) == (0, 3)
    (j,) = [x for x in judgements(out, METRICS) if x.subject.period == MAY]
    assert j.subject.coverage is not None
    assert (j.subject.coverage.reported, j.subject.coverage.expected) == (0, 3)


def test_rows_read_back_keep_the_missing_reason_and_read_missing_numbers_as_none() -> None:
    out = assess(results(), METRICS, TARGETS)
    by_org = {
        (j.subject.metric_id, j.subject.org_code, j.subject.period): j
        for j in judgements(out, METRICS)
    }
    qrv = by_org[("ae_4hr", "QRV", dt.date(2024, 3, 1))]
    assert qrv.subject.missing_reason == "no records"
    assert qrv.subject.value is None
    assert qrv.change.lower_limit is None and qrv.change.upper_limit is None
    assert qrv.position.ci_lower is None and qrv.position.peer_rank is None
    qmj = by_org[("ae_4hr", "QMJ", dt.date(2024, 3, 1))]
    assert qmj.subject.missing_reason is None and qmj.change.lower_limit == 68.0


def test_target_checks_are_values() -> None:
    check = TargetCheck(None, Attainment.NO_TARGET)
    both = TargetJudgement(national=check, local=check)
    assert hash(check) == hash(TargetCheck(None, Attainment.NO_TARGET))
    assert len({both, TargetJudgement(national=check, local=check)}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.status = Attainment.MET  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        both.local = check  # type: ignore[misc]
