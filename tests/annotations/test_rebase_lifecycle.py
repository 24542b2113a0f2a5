"""Rebases through the library on SQLite and PostgreSQL: the lifecycle, who may do what, the
approver register, and an audit event for every change (and none for a refused one)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine
from tests.annotations.annotation_support import Team, audit_count, team

from oversight.annotations import approvers, lifecycle, rebase_store
from oversight.annotations.lifecycle import TransitionError
from oversight.annotations.records import NotFound, RecordError, Refused
from oversight.catalogue import Catalogue, load
from oversight.store import database


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load()


@pytest.fixture
def engine(database_url: str) -> Engine:
    return database.connect(database_url)


@pytest.fixture
def people(engine: Engine) -> Team:
    return team(engine)


def propose(engine: Engine, people: Team, catalogue: Catalogue, who: str = "qmj",
            org: str = "QMJ", month: str = "2024-06") -> rebase_store.RebaseView:
    return rebase_store.propose(engine, people.who[who], catalogue, metric="ae_4hr", org=org,
                                starts=month, reason="new urgent treatment centre opened")


def test_proposed_approved_reversed_with_a_full_audit_trail(
    engine: Engine, people: Team, catalogue: Catalogue
) -> None:
    view = propose(engine, people, catalogue)
    assert (view.state, view.starts, view.org) == ("proposed", dt.date(2024, 6, 1), "QMJ")
    assert view.allowed == ("approved", "rejected", "withdrawn")
    assert rebase_store.approved_rebases(engine) == []
    approved = rebase_store.decide(engine, people.who["nhse"], view.id, "approve",
                                   reason="the UTC changed the case mix")
    assert approved.state == "approved" and approved.decided_by == "token:nhse-oversight"
    assert rebase_store.approved_rebases(engine) == [("ae_4hr", "QMJ", dt.date(2024, 6, 1))]
    reversed_ = rebase_store.decide(engine, people.who["nhse"], view.id, "reverse",
                                    reason="the UTC closed again")
    assert reversed_.state == "reversed" and reversed_.allowed == ()
    assert rebase_store.approved_rebases(engine) == []
    trail = rebase_store.show(engine, None, view.id).audit
    assert [(e["action"], e["actor"], e["role"], e["reason"]) for e in trail] == [
        ("rebase.propose", "token:ncl-performance", "submitter",
         "new urgent treatment centre opened"),
        ("rebase.approve", "token:nhse-oversight", "nhse", "the UTC changed the case mix"),
        ("rebase.reverse", "token:nhse-oversight", "nhse", "the UTC closed again"),
    ]
    assert [(e.get("from"), e.get("to")) for e in trail[1:]] == [
        ("proposed", "approved"), ("approved", "reversed")]
    assert all(e["at"] for e in trail)


@pytest.mark.parametrize(("first", "then", "allowed"), [
    ("reject", "approve", None),
    ("withdraw", "reverse", None),
    (None, "reverse", "'approved' or 'rejected' or 'withdrawn'"),
])
def test_illegal_moves_name_the_allowed_ones_and_store_nothing(
    engine: Engine, people: Team, catalogue: Catalogue, first: str | None, then: str,
    allowed: str | None,
) -> None:
    view = propose(engine, people, catalogue)
    if first:
        rebase_store.decide(engine, people.who["nhse"], view.id, first, reason="no")
    before = audit_count(engine)
    message = "cannot move to any other state" if allowed is None else f"only to {allowed}"
    with pytest.raises(TransitionError, match=message):
        rebase_store.decide(engine, people.who["nhse"], view.id, then, reason="try")
    assert audit_count(engine) == before


def test_an_icb_acts_only_on_its_own_series(
    engine: Engine, people: Team, catalogue: Catalogue
) -> None:
    with pytest.raises(Refused, match="speaks for QOP: it may not propose a rebase of QMJ's"):
        propose(engine, people, catalogue, who="qop")
    with pytest.raises(Refused, match="may not propose a rebase of NHS England's"):
        propose(engine, people, catalogue, who="qmj", org="Y56")
    regional = propose(engine, people, catalogue, who="nhse", org="Y56")
    assert regional.org == "Y56"
    view = propose(engine, people, catalogue)
    with pytest.raises(NotFound):  # another ICB does not even see a proposal
        rebase_store.decide(engine, people.who["qop"], view.id, "approve", reason="x")
    with pytest.raises(Refused, match="not on the approver register"):
        rebase_store.decide(engine, people.who["qmj2"], view.id, "approve", reason="x")
    rebase_store.decide(engine, people.who["admin"], regional.id, "approve", reason="ok")
    with pytest.raises(Refused, match=r"only NHS England .* may reverse NHS England's"):
        rebase_store.decide(engine, people.who["qmj"], regional.id, "reverse", reason="x")
    rebase_store.decide(engine, people.who["nhse"], view.id, "approve", reason="agreed")
    with pytest.raises(Refused, match="speaks for QOP: it may not reverse QMJ's rebases"):
        rebase_store.decide(engine, people.who["qop"], view.id, "reverse", reason="x")
    with pytest.raises(Refused, match="speaks for QOP: it may not withdraw a rebase of QMJ's"):
        rebase_store.decide(engine, people.who["qop"], view.id, "withdraw", reason="x")


def test_the_named_approver_approves_but_not_their_own_proposal(
    engine: Engine, people: Team, catalogue: Catalogue
) -> None:
    with pytest.raises(Refused, match="appointed by NHS England"):
        approvers.appoint(engine, people.who["qmj"], icb="QMJ",
                          token_id=people.who["qmj2"].token_id, reason="me")
    with pytest.raises(RecordError, match="one of QMJ's own submitter tokens"):
        approvers.appoint(engine, people.who["nhse"], icb="QMJ",
                          token_id=people.who["qop"].token_id, reason="wrong ICB")
    entry = approvers.appoint(engine, people.who["nhse"], icb="QMJ",
                              token_id=people.who["qmj2"].token_id, reason="ICB director")
    assert [a.id for a in approvers.listing(engine, "QMJ")] == [entry.id]
    assert entry.audit[0]["action"] == "rebase_approver.appoint"
    own = propose(engine, people, catalogue, who="qmj2", month="2024-05")
    with pytest.raises(Refused, match="its proposer may not approve it"):
        rebase_store.decide(engine, people.who["qmj2"], own.id, "approve", reason="mine")
    view = propose(engine, people, catalogue)
    approved = rebase_store.decide(engine, people.who["qmj2"], view.id, "approve",
                                   reason="agreed at the board")
    assert approved.decided_by == "token:ncl-director"
    approvers.remove(engine, people.who["nhse"], entry.id, reason="left the ICB")
    assert approvers.listing(engine, "QMJ") == []
    with pytest.raises(Refused, match="not on the approver register"):
        rebase_store.decide(engine, people.who["qmj2"], view.id, "reverse", reason="x")
    removed = approvers.listing(engine, "QMJ", current=False)[0]
    assert [e["action"] for e in removed.audit] == [
        "rebase_approver.appoint", "rebase_approver.remove"]


def test_bad_input_and_unknown_ids_are_refused_clearly(
    engine: Engine, people: Team, catalogue: Catalogue
) -> None:
    nhse = people.who["nhse"]
    with pytest.raises(RecordError, match="no metric 'nope'"):
        rebase_store.propose(engine, nhse, catalogue, metric="nope", org="QMJ",
                             starts="2024-06", reason="x")
    with pytest.raises(RecordError, match="not an organisation with series"):
        rebase_store.propose(engine, nhse, catalogue, metric="ae_4hr", org="RX1",
                             starts="2024-06", reason="x")
    with pytest.raises(RecordError, match="is not a date"):
        rebase_store.propose(engine, nhse, catalogue, metric="ae_4hr", org="QMJ",
                             starts="June", reason="x")
    with pytest.raises(RecordError, match="a reason is needed"):
        rebase_store.propose(engine, nhse, catalogue, metric="ae_4hr", org="QMJ",
                             starts="2024-06", reason=" ")
    propose(engine, people, catalogue)
    with pytest.raises(RecordError, match="already has rebase"):
        propose(engine, people, catalogue)
    with pytest.raises(NotFound, match="no rebase 'rb-nope'"):
        rebase_store.decide(engine, nhse, "rb-nope", "approve", reason="x")
    with pytest.raises(RecordError, match="use one of approve, reject, withdraw, reverse"):
        rebase_store.decide(engine, nhse, "rb-nope", "delete", reason="x")
    with pytest.raises(TransitionError, match="the states are 'proposed'"):
        rebase_store.rebases_for(engine, nhse, state="live")


def test_proposals_are_seen_by_their_icb_and_nhs_england_not_the_public(
    engine: Engine, people: Team, catalogue: Catalogue
) -> None:
    view = propose(engine, people, catalogue)
    assert rebase_store.rebases_for(engine, None) == []
    assert [r.id for r in rebase_store.rebases_for(engine, people.who["qmj2"])] == [view.id]
    assert rebase_store.rebases_for(engine, people.who["qop"]) == []
    with pytest.raises(NotFound):
        rebase_store.show(engine, people.who["qop"], view.id)
    rebase_store.decide(engine, people.who["admin"], view.id, "approve", reason="fine")
    assert [r.state for r in rebase_store.rebases_for(engine, None, metric="ae_4hr",
                                                      org="qmj")] == [lifecycle.APPROVED]
