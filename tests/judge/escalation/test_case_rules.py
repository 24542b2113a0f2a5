"""The small rules of cases and triggers that the larger tests pass through without pinning:
values that cannot change once made, a missing month never meeting a criterion, a listing
without audit trails, the segment range 1-5 and which metrics have a national target."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from tests.judge.escalation.case_support import AE, NHSE, open_qop, publish_results

from oversight.home import Home
from oversight.judge.escalation.cases import (
    Action,
    System,
    add_action,
    add_criterion,
    audit,
    listing,
    move,
    show,
)
from oversight.judge.escalation.evaluation import Evaluated
from oversight.judge.escalation.trigger_inputs import (
    InputError,
    national_concerns,
    national_target_metrics,
    read_segments,
)
from oversight.judge.escalation.triggers import Proposal, Trigger, TriggerPolicy
from oversight.store import database


def test_case_values_cannot_be_changed_in_place() -> None:
    made: list[tuple[object, str, object]] = [
        (System(), "name", "someone"),
        (Action("Recovery plan", "Jo Smith", dt.date(2027, 3, 31)), "done", True),
        (AE, "threshold", 1.0),
        (Evaluated("case-1", "QOP", "intervention", (True,), False), "moved", True),
        (Trigger("manual", "asked for by the region"), "detail", "changed"),
        (TriggerPolicy(5, 3, "Inadequate", False), "open_cases", True),
        (Proposal("QOP"), "org", "QHL"),
    ]
    for value, name, other in made:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, name, other)


def test_a_month_without_a_value_does_not_hold_and_says_so_with_false() -> None:
    assert AE.holds(None) is False
    assert AE.holds(float("nan")) is False
    assert AE.holds(78.0) is True


def test_a_listing_carries_no_audit_trail_but_show_does(database_url: str) -> None:
    engine = database.connect(database_url)
    case = open_qop(engine)
    [listed] = listing(engine, NHSE)
    assert listed.id == case.id
    assert listed.audit == []
    assert listed.to_json()["audit"] == []
    shown = show(engine, NHSE, case.id)
    assert [e["action"] for e in shown.audit] == ["case.open"]


@pytest.mark.parametrize("segment", [1, 5])
def test_segments_one_and_five_are_read(tmp_path: Path, segment: int) -> None:
    path = tmp_path / "segments.json"
    path.write_text(f'[{{"org": "QOP", "segment": {segment}}}]')
    assert read_segments(path) == {"QOP": segment}


@pytest.mark.parametrize("segment", [0, 6])
def test_segments_outside_one_to_five_are_refused(tmp_path: Path, segment: int) -> None:
    path = tmp_path / "segments.json"
    path.write_text(f'[{{"org": "QOP", "segment": {segment}}}]')
    with pytest.raises(InputError, match=r"segments must be 1 to 5 \(see QOP\)"):
        read_segments(path)


def test_only_metrics_with_a_national_target_count_for_concern_triggers() -> None:
    national = national_target_metrics()
    assert {"ae_4hr", "cancer_62d", "rtt_over_65wk"} <= national  # cancer_62d: national only
    assert "rtt_over_52wk" not in national  # a local target only


def test_an_added_action_or_criterion_is_audited_with_its_id_and_words(database_url: str) -> None:
    engine = database.connect(database_url)
    case = open_qop(engine, actions=[], criteria=[])
    added = add_action(
        engine, NHSE, case.id, Action("Plan", "ICB CEO", dt.date(2027, 3, 31)), reason="agreed"
    )
    [action] = added.actions
    trail = show(engine, NHSE, case.id).audit[-1]
    assert (trail["action"], trail["reason"]) == ("case.action.add", "agreed")
    assert trail["action_id"] == action["id"] is not None
    assert trail["added_action"] == "Plan (ICB CEO, due 2027-03-31)"
    [criterion] = add_criterion(engine, NHSE, case.id, AE, reason="exit agreed").criteria
    trail = show(engine, NHSE, case.id).audit[-1]
    assert (trail["action"], trail["reason"]) == ("case.exit.add", "exit agreed")
    assert trail["criterion_id"] == criterion["id"] is not None
    assert trail["exit_criterion"] == "ae_4hr >= 78 for 3 consecutive months"


def test_a_change_reads_its_case_for_update_and_a_read_does_not(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL FOR UPDATE keeps two changes from starting from the same state (SQLite
    ignores it, so the lock itself is seen here by what is asked of the session)."""
    from sqlalchemy.orm import Session

    engine = database.connect(database_url)
    case = open_qop(engine).id
    asked: list[bool] = []
    get = Session.get

    def spy(self: Session, entity: Any, ident: Any, **kw: Any) -> Any:
        asked.append(bool(kw.get("with_for_update")))
        return get(self, entity, ident, **kw)

    monkeypatch.setattr(Session, "get", spy)
    changes = [
        lambda: move(engine, NHSE, case, "diagnostic", reason="r"),
        lambda: add_action(engine, NHSE, case, Action("a", "b", dt.date(2027, 1, 1)), reason="r"),
        lambda: add_criterion(engine, NHSE, case, AE, reason="r"),
    ]
    for change in changes:
        asked.clear()
        change()
        assert asked[0] is True  # then show() reads it back without a lock
        assert asked[1:] == [False]


def test_a_listing_by_state_or_organisation_keeps_only_those(database_url: str) -> None:
    engine = database.connect(database_url)
    first = open_qop(engine).id
    second = open_qop(engine, org="QHL").id
    move(engine, NHSE, second, "diagnostic", reason="agreed")
    assert [v.id for v in listing(engine, NHSE, state="identified")] == [first]
    assert [v.id for v in listing(engine, NHSE, state="diagnostic")] == [second]
    assert listing(engine, NHSE, state="closed") == []
    assert [v.id for v in listing(engine, NHSE, org="QOP")] == [first]
    assert [v.id for v in listing(engine, NHSE, org="QHL", state="diagnostic")] == [second]


def test_the_system_s_own_change_is_audited_with_its_reason(database_url: str) -> None:
    engine = database.connect(database_url)
    case = open_qop(engine).id
    with database.session(engine) as s:
        audit(s, System(), "case.note", case, " checked by the platform ", months=3)
    trail = show(engine, NHSE, case).audit[-1]
    assert (trail["actor"], trail["action"]) == ("system", "case.note")
    assert (trail["reason"], trail["months"]) == ("checked by the platform", 3)


def test_no_concerns_from_results_without_statistics(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    publish_results(home, {("QOP", "ae_4hr"): [70.0, 71.0, 72.0]})  # metrics only
    assert national_concerns(home, 1) == {}
