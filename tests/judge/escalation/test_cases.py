"""Cases in the operational database (SQLite and PostgreSQL): the lifecycle, refusals that store
nothing, the audit trail of every change, roles, and exit criteria evaluated from the results."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from tests.judge.escalation.case_support import (
    ADMIN,
    NHSE,
    QHL,
    QOP,
    audit_count,
    open_qop,
    publish_results,
)

from oversight.home import Home
from oversight.judge.escalation import cases, states
from oversight.judge.escalation.evaluation import evaluate
from oversight.store import database
from oversight.store.models import AuditEvent, EscalationCase

FORWARD = ["diagnostic", "support offered", "intervention", "exit criteria met", "closed"]


def test_a_case_goes_through_every_state_and_each_change_is_audited(database_url: str) -> None:
    engine = database.connect(database_url)
    case = open_qop(engine)
    assert case.state == "identified"
    assert case.allowed == ("diagnostic", "closed")
    for i, target in enumerate(FORWARD):
        case = cases.advance(engine, NHSE if i % 2 else ADMIN, case.id, reason=f"step {i}")
        assert case.state == target
    trail = cases.show(engine, NHSE, case.id).audit
    assert [e["action"] for e in trail] == ["case.open"] + ["case.state"] * 5
    assert [e.get("to") for e in trail[1:]] == FORWARD
    assert [e.get("from") for e in trail[1:]] == ["identified", *FORWARD[:-1]]
    assert [e["reason"] for e in trail] == ["segment 5 in 2025-Q2"] + [
        f"step {i}" for i in range(5)
    ]
    assert trail[0]["actor"] == "token:nhse-oversight"
    assert trail[1]["actor"] == "token:ops" and trail[1]["role"] == "admin"
    assert all(e["at"] for e in trail)
    assert trail[0]["exit_criteria"] == [
        "ae_4hr >= 78 for 3 consecutive months",
        "bed_occupancy <= 92 for 2 consecutive months",
    ]


@pytest.mark.parametrize("early", ["identified", "diagnostic"])
def test_closed_early_from_identified_or_diagnostic(database_url: str, early: str) -> None:
    engine = database.connect(database_url)
    case = open_qop(engine)
    if early == "diagnostic":
        case = cases.advance(engine, NHSE, case.id, reason="review")
    closed = cases.close(engine, NHSE, case.id, reason="review found no case to answer")
    assert closed.state == "closed" and closed.allowed == ()
    assert closed.audit[-1]["reason"] == "review found no case to answer"


@pytest.mark.parametrize("reached", ["support offered", "intervention"])
def test_closing_mid_support_is_refused_and_stores_nothing(database_url: str, reached: str) -> None:
    engine = database.connect(database_url)
    case = open_qop(engine)
    case = cases.advance(engine, NHSE, case.id, reason="a")
    case = cases.advance(engine, NHSE, case.id, reason="b")
    if reached == "intervention":
        case = cases.advance(engine, NHSE, case.id, reason="c")
    before = audit_count(engine)
    with pytest.raises(states.TransitionError, match=f"from '{reached}' it may move only to"):
        cases.close(engine, NHSE, case.id, reason="tired of it")
    assert cases.show(engine, NHSE, case.id).state == reached
    assert audit_count(engine) == before


def test_a_skip_is_refused_naming_the_allowed_states(database_url: str) -> None:
    engine = database.connect(database_url)
    case = open_qop(engine)
    with pytest.raises(states.TransitionError) as refused:
        cases.advance(engine, NHSE, case.id, reason="fast track", to="intervention")
    assert "only to 'diagnostic' or 'closed'" in str(refused.value)


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_every_change_needs_a_reason(database_url: str, reason: str | None) -> None:
    engine = database.connect(database_url)
    with pytest.raises(cases.CaseError, match="reason"):
        open_qop(engine, reason=reason)
    case = open_qop(engine)
    before = audit_count(engine)
    with pytest.raises(cases.CaseError, match="reason"):
        cases.advance(engine, NHSE, case.id, reason=reason)  # type: ignore[arg-type]
    assert cases.show(engine, NHSE, case.id).state == "identified"
    assert audit_count(engine) == before


def test_only_nhs_england_roles_change_cases(database_url: str) -> None:
    engine = database.connect(database_url)
    with pytest.raises(cases.CaseRefused, match="only an nhse or admin token"):
        open_qop(engine, actor=QOP)
    case = open_qop(engine)
    before = audit_count(engine)
    for change in (
        lambda: cases.advance(engine, QOP, case.id, reason="we are better now"),
        lambda: cases.close(engine, QOP, case.id, reason="we are better now"),
        lambda: cases.set_action_done(engine, QOP, case.id, 1, reason="done"),
    ):
        with pytest.raises(cases.CaseRefused):
            change()
    assert cases.show(engine, NHSE, case.id).state == "identified"
    assert audit_count(engine) == before


def test_an_icb_reads_only_its_own_cases(database_url: str) -> None:
    engine = database.connect(database_url)
    qop = open_qop(engine)
    qhl = open_qop(engine, org="QHL")
    assert [c.id for c in cases.listing(engine, QOP)] == [qop.id]
    assert [c.id for c in cases.listing(engine, QHL)] == [qhl.id]
    assert {c.id for c in cases.listing(engine, NHSE)} == {qop.id, qhl.id}
    assert cases.show(engine, QOP, qop.id).audit[0]["action"] == "case.open"
    with pytest.raises(cases.CaseRefused, match="only QOP's cases, not QHL's"):
        cases.show(engine, QOP, qhl.id)
    with pytest.raises(cases.CaseRefused):
        cases.listing(engine, QOP, org="QHL")


def test_listing_filters_by_state(database_url: str) -> None:
    engine = database.connect(database_url)
    a = open_qop(engine)
    open_qop(engine, org="QHL")
    cases.advance(engine, NHSE, a.id, reason="r")
    assert [c.id for c in cases.listing(engine, NHSE, state="diagnostic")] == [a.id]
    with pytest.raises(cases.CaseError, match="not a case state"):
        cases.listing(engine, NHSE, state="open")


def test_actions_are_marked_done_and_audited(database_url: str) -> None:
    engine = database.connect(database_url)
    case = open_qop(engine)
    action = case.actions[0]
    assert action == {
        "id": action["id"],
        "text": "Diagnostic review",
        "owner": "NHSE NW",
        "due": "2027-01-31",
        "done": False,
    }
    done = cases.set_action_done(engine, NHSE, case.id, action["id"], reason="report received")
    assert done.actions[0]["done"] is True
    assert done.audit[-1]["action"] == "case.action" and done.audit[-1]["done"] is True
    with pytest.raises(cases.CaseError, match="no action 999"):
        cases.set_action_done(engine, NHSE, case.id, 999, reason="x")


def test_an_unknown_case_is_named(database_url: str) -> None:
    engine = database.connect(database_url)
    with pytest.raises(cases.CaseError, match="no case 'case-nope'"):
        cases.advance(engine, NHSE, "case-nope", reason="x")


def test_action_text_parses() -> None:
    parsed = cases.Action.parse("Recovery plan | ICB CEO | 2027-03-31")
    assert parsed == cases.Action("Recovery plan", "ICB CEO", dt.date(2027, 3, 31))
    with pytest.raises(cases.CaseError, match="what\\|owner"):
        cases.Action.parse("Recovery plan|2027-03-31")


def _to_intervention(engine, case_id: str) -> None:
    for _ in range(3):
        cases.advance(engine, NHSE, case_id, reason="agreed")


def test_evaluate_moves_a_case_only_when_every_criterion_held_long_enough(
    database_url: str, tmp_path
) -> None:
    home = Home.at(tmp_path, database_url)
    engine = database.connect(database_url)
    case = open_qop(engine)
    _to_intervention(engine, case.id)
    # A&E met for 2 of the 3 months needed; beds met for 2 of 2
    publish_results(
        home,
        {
            ("QOP", "ae_4hr"): [70.0, 75.0, 79.0, 80.0],
            ("QOP", "bed_occupancy"): [95.0, 93.0, 91.0, 90.0],
        },
    )
    [outcome] = evaluate(home, engine) or []
    assert outcome.met == (False, True) and not outcome.moved
    shown = cases.show(engine, NHSE, case.id)
    assert shown.state == "intervention"
    assert [(c["months_met"], c["through"], c["met"]) for c in shown.criteria] == [
        (2, "2025-04", False),
        (2, "2025-04", True),
    ]
    # a month later A&E has held for 3 months: the case moves, audited as the system
    publish_results(
        home,
        {
            ("QOP", "ae_4hr"): [70.0, 75.0, 79.0, 80.0, 81.0],
            ("QOP", "bed_occupancy"): [95.0, 93.0, 91.0, 90.0, 89.0],
        },
    )
    [outcome] = evaluate(home, engine) or []
    assert outcome.moved and outcome.state == "exit criteria met"
    shown = cases.show(engine, NHSE, case.id)
    assert shown.state == "exit criteria met"
    last = shown.audit[-1]
    assert last["actor"] == "system" and last["to"] == "exit criteria met"
    assert "ae_4hr >= 78 for 3 months to 2025-05" in last["reason"]
    # evaluating again changes nothing more
    assert not any(e.moved for e in evaluate(home, engine) or [])
    assert cases.show(engine, NHSE, case.id).audit == shown.audit


def test_no_data_never_counts_as_met(database_url: str, tmp_path) -> None:
    home = Home.at(tmp_path, database_url)
    engine = database.connect(database_url)
    case = open_qop(engine)
    _to_intervention(engine, case.id)
    # beds are fine, but the latest A&E month is missing and another ICB's data is irrelevant
    publish_results(
        home,
        {
            ("QOP", "ae_4hr"): [80.0, 80.0, 80.0, None],
            ("QOP", "bed_occupancy"): [90.0, 90.0, 90.0, 90.0],
            ("QHL", "ae_4hr"): [99.0, 99.0, 99.0, 99.0],
        },
    )
    [outcome] = evaluate(home, engine) or []
    assert outcome.met == (False, True) and not outcome.moved
    assert cases.show(engine, NHSE, case.id).state == "intervention"


def test_evaluate_moves_only_cases_in_intervention(database_url: str, tmp_path) -> None:
    home = Home.at(tmp_path, database_url)
    engine = database.connect(database_url)
    waiting = open_qop(engine)  # identified: criteria evaluated, state kept
    bare = open_qop(engine, org="QHL", criteria=[])  # no criteria: never moves by itself
    _to_intervention(engine, bare.id)
    publish_results(
        home,
        {("QOP", "ae_4hr"): [80.0] * 3, ("QOP", "bed_occupancy"): [90.0] * 3},
    )
    outcomes = {e.case_id: e for e in evaluate(home, engine) or []}
    assert outcomes[waiting.id].met == (True, True) and not outcomes[waiting.id].moved
    assert outcomes[bare.id].met == () and not outcomes[bare.id].moved
    with database.session(engine) as s:
        got = dict(s.execute(select(EscalationCase.id, EscalationCase.state)).all())
    assert got == {waiting.id: "identified", bare.id: "intervention"}
    with database.session(engine) as s:
        assert not s.scalars(select(AuditEvent).where(AuditEvent.actor == "system")).all()


def test_evaluate_before_any_results(database_url: str, tmp_path) -> None:
    assert evaluate(Home.at(tmp_path, database_url), database.connect(database_url)) is None


@pytest.mark.parametrize("current", states.STATES)
def test_the_store_allows_exactly_the_legal_moves_from_each_state(
    database_url: str, current: str
) -> None:
    engine = database.connect(database_url)
    legal = {
        "identified": {"diagnostic", "closed"},
        "diagnostic": {"support offered", "closed"},
        "support offered": {"intervention"},
        "intervention": {"exit criteria met"},
        "exit criteria met": {"closed"},
        "closed": set(),
    }[current]
    for target in states.STATES:
        case = open_qop(engine)
        with database.session(engine) as s:  # put it in `current` without the lifecycle
            row = s.get(EscalationCase, case.id)
            assert row is not None
            row.state = current
        before = audit_count(engine)
        if target in legal:
            assert cases.move(engine, NHSE, case.id, target, reason="r").state == target
            assert audit_count(engine) == before + 1
        else:
            with pytest.raises(states.TransitionError):
                cases.move(engine, NHSE, case.id, target, reason="r")
            assert cases.show(engine, NHSE, case.id).state == current
            assert audit_count(engine) == before
