"""A case as `oversight case show` prints it without --json: every field, action, exit
criterion (met, not met, not evaluated) and, when asked, the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from rich.console import Console

from oversight.judge.escalation import command
from oversight.judge.escalation.cases import CaseView

AT = dt.datetime(2027, 1, 5, 9, 30)


def view(state: str = "diagnostic") -> CaseView:
    return CaseView(
        "case-1", "QOP", state, "NHSE NW", "Urgent care well below the standard.",
        [{"kind": "segment", "detail": "in segment 5"}], AT, "nhse", AT,
        actions=[
            {"id": 1, "text": "Diagnostic review", "owner": "NHSE NW", "due": "2027-01-31",
             "done": True},
            {"id": 2, "text": "Recovery plan", "owner": "ICB CEO", "due": "2027-03-31",
             "done": False},
        ],
        criteria=[
            {"metric": "ae_4hr", "comparison": ">=", "threshold": 78.0, "periods": 3,
             "met": True, "months_met": 3, "through": "2026-11"},
            {"metric": "bed_occupancy", "comparison": "<=", "threshold": 92.0, "periods": 2,
             "met": False, "months_met": 1, "through": "2026-11"},
            {"metric": "rtt_18wk", "comparison": ">=", "threshold": 65.0, "periods": 3,
             "met": None},
        ],
        audit=[
            {"at": "2027-01-05T09:30", "actor": "nhse", "action": "case.open", "reason": "seg 5"},
            {"at": "2027-01-06T10:00", "actor": "nhse", "action": "case.move",
             "from": "identified", "to": "diagnostic", "reason": "review agreed"},
        ],
    )  # fmt: skip


def printed(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    v: CaseView,
    with_audit: bool,
) -> list[str]:
    monkeypatch.setattr(command, "out", Console(width=200))  # no wrapping at 80 columns
    command._print_case(v, with_audit)
    return capsys.readouterr().out.splitlines()


def test_a_case_is_printed_line_by_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = printed(capsys, monkeypatch, view(), with_audit=True)
    assert lines.pop(4) == "  [x] action 1: Diagnostic review (NHSE NW, due 2027-01-31)"
    assert lines == [
        "case-1  QOP  diagnostic  owner: NHSE NW",
        "  summary: Urgent care well below the standard.",
        "  trigger segment: in segment 5",
        "  may move to: support offered, closed",
        "  [ ] action 2: Recovery plan (ICB CEO, due 2027-03-31)",
        "  exit: ae_4hr >= 78 for 3 consecutive month(s), met: 3 month(s) to 2026-11",
        "  exit: bed_occupancy <= 92 for 2 consecutive month(s), not met: 1 month(s) to 2026-11",
        "  exit: rtt_18wk >= 65 for 3 consecutive month(s), not evaluated",
        "  2027-01-05T09:30  nhse  case.open: seg 5",
        "  2027-01-06T10:00  nhse  case.move identified -> diagnostic: review agreed",
    ]


def test_the_audit_trail_only_when_asked_and_a_closed_case_moves_nowhere(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = printed(capsys, monkeypatch, view("closed"), with_audit=False)
    assert "  may move to: none (closed)" in lines
    assert not [line for line in lines if "case.open" in line or "case.move" in line]
