"""The assessment workflow's edges: what each change locks, which version a refusal names, what
is audited for each kind of change, what a new version carries over, and what a listing, a
reading and the published ratings keep when several assessments are stored."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from tests.judge.assessment.assessors import ANNA, BEN, DAY, NHSE, SCORES, published

from oversight.judge.assessment import workflow as wf
from oversight.judge.assessment.evidence import Evidence
from oversight.store import database

SURVEY = Evidence("equity_in_access", "people_s_experience", "survey",
                  "Patients in the most deprived areas wait longer.", dt.date(2025, 1, 15),
                  {"title": "GP Patient Survey 2024"})  # fmt: skip


def _draft(engine: Any, org: str = "QOP") -> wf.AssessmentView:
    a = wf.start(engine, ANNA, org=org, assessed_on=DAY, reason="annual")
    return wf.score(engine, ANNA, a.id, {"safeguarding": 3}, reason="visit")


def test_a_change_reads_its_assessment_for_update_and_a_read_does_not(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL FOR UPDATE keeps two changes from starting from the same draft (SQLite
    ignores it, so the lock is seen here by what is asked of the session)."""
    from sqlalchemy.orm import Session

    engine = database.connect(database_url)
    a = wf.start(engine, ANNA, org="QMJ", assessed_on=DAY, reason="annual").id
    asked: list[bool] = []
    get = Session.get

    def spy(self: Session, entity: Any, ident: Any, **kw: Any) -> Any:
        asked.append(bool(kw.get("with_for_update")))
        return get(self, entity, ident, **kw)

    monkeypatch.setattr(Session, "get", spy)
    changes = [
        lambda: wf.score(engine, ANNA, a, {"safeguarding": 3}, reason="r"),
        lambda: wf.set_override(engine, ANNA, a, "overall", "Good", reason="r"),
        lambda: wf.add_evidence(engine, ANNA, a, SURVEY, reason="r"),
        lambda: wf.move(engine, ANNA, a, "moderation", reason="r"),
    ]
    for change in changes:
        asked.clear()
        change()
        assert asked == [True]
    asked.clear()
    wf.show(engine, BEN, a)
    assert asked == [False]


def test_an_assessment_id_is_sixteen_hex_characters(database_url: str) -> None:
    engine = database.connect(database_url)
    first = published(engine)
    second = wf.revise(engine, BEN, first.id, reason="new evidence")
    for view in (first, second):
        assert re.fullmatch("[0-9a-f]{16}", view.id), view.id


def test_starting_again_names_the_latest_version_and_what_to_do(database_url: str) -> None:
    engine = database.connect(database_url)
    first = published(engine)
    second = wf.revise(engine, BEN, first.id, reason="new evidence")
    with pytest.raises(wf.AssessmentError) as refused:
        wf.start(engine, ANNA, org="QMJ", assessed_on=DAY, reason="again")
    assert str(refused.value) == (
        f"QMJ already has assessment {second.id} (version 2, draft): work on that one"
    )


def test_each_kind_of_change_is_audited_with_what_it_changed(database_url: str) -> None:
    engine = database.connect(database_url)
    a = wf.start(engine, ANNA, org="QMJ", assessed_on=DAY, reason="annual")
    wf.score(engine, ANNA, a.id, SCORES, reason="site visit findings")
    wf.set_override(engine, ANNA, a.id, "integration", "Good", reason="partners disagree")
    wf.add_evidence(engine, ANNA, a.id, SURVEY, reason="survey read")
    wf.move(engine, ANNA, a.id, "moderation", reason="ready")
    done = wf.move(engine, BEN, a.id, "published", reason="moderated")
    newer = wf.revise(engine, BEN, done.id, reason="new evidence")
    trail = wf.show(engine, BEN, a.id).audit
    assert [t["action"] for t in trail] == [
        "assessment.start", "assessment.score", "assessment.override", "assessment.evidence",
        "assessment.moderation", "assessment.published"]  # fmt: skip
    start, _, override, evidence, moderation, publish = trail
    assert (start["framework"], start["method"], start["version"]) == (
        "cqc_ics",
        "quality_statement",
        1,
    )
    assert (override["subject"], override["rating"], override["reason"]) == (
        "integration",
        "Good",
        "partners disagree",
    )
    assert (evidence["statement"], evidence["source"]) == ("equity_in_access", "survey")
    assert (moderation["before"], moderation["overall"]) == ("draft", None)
    assert (publish["before"], publish["overall"]) == ("moderation", "Requires improvement")
    [revised] = wf.show(engine, BEN, newer.id).audit
    assert (revised["action"], revised["supersedes"], revised["version"]) == (
        "assessment.revise",
        done.id,
        2,
    )


def test_a_new_version_carries_its_own_evidence_only(database_url: str) -> None:
    engine = database.connect(database_url)
    other = _draft(engine, "QOP")
    wf.add_evidence(engine, ANNA, other.id, SURVEY, reason="another ICB's survey")
    a = wf.start(engine, ANNA, org="QMJ", assessed_on=DAY, reason="annual")
    wf.score(engine, ANNA, a.id, SCORES, reason="findings")
    visit = Evidence("safeguarding", "observation", "observation", "Referrals checked.", DAY)
    wf.add_evidence(engine, ANNA, a.id, visit, reason="visit")
    wf.move(engine, ANNA, a.id, "moderation", reason="ready")
    done = wf.move(engine, BEN, a.id, "published", reason="moderated")
    assert [e["summary"] for e in done.evidence] == ["Referrals checked."]
    newer = wf.revise(engine, BEN, done.id, reason="new evidence")
    assert [(e["statement"], e["source"], e["assessor"]) for e in newer.evidence] == [
        ("safeguarding", "observation", "anna")
    ]
    assert newer.evidence[0]["id"] != done.evidence[0]["id"]
    assert [e["summary"] for e in wf.show(engine, BEN, other.id).evidence] == [
        "Patients in the most deprived areas wait longer."
    ]
    assert [t["action"] for t in wf.show(engine, BEN, other.id).audit] == [
        "assessment.start",
        "assessment.score",
        "assessment.evidence",
    ]


def test_a_listing_keeps_the_organisation_and_state_asked_for(database_url: str) -> None:
    engine = database.connect(database_url)
    done = published(engine)
    draft = _draft(engine, "QOP")
    assert [(v.org, v.version) for v in wf.listing(engine, BEN)] == [("QMJ", 1), ("QOP", 1)]
    assert [v.id for v in wf.listing(engine, BEN, org="QOP")] == [draft.id]
    assert [v.id for v in wf.listing(engine, BEN, status="published")] == [done.id]
    assert [v.id for v in wf.listing(engine, BEN, status="draft")] == [draft.id]
    assert wf.listing(engine, BEN, org="QMJ", status="draft") == []
    assert [v.id for v in wf.listing(engine, NHSE)] == [done.id]
    with pytest.raises(wf.AssessmentError, match="status 'final' is not one of draft, moderat"):
        wf.listing(engine, BEN, status="final")


def test_published_ratings_are_each_organisation_s_latest_published_version(
    database_url: str,
) -> None:
    engine = database.connect(database_url)
    first = published(engine)  # QMJ: Requires improvement
    second = wf.revise(engine, BEN, first.id, reason="new evidence")
    wf.score(engine, BEN, second.id, {"equity_in_access": 3}, reason="improved")
    assert wf.published_ratings(engine) == {"QMJ": "Requires improvement"}  # a draft counts not
    wf.move(engine, BEN, second.id, "moderation", reason="ready")
    wf.move(engine, ANNA, second.id, "published", reason="moderated")
    _draft(engine, "QOP")
    assert wf.published_ratings(engine) == {"QMJ": "Good"}  # 13 of 16: 81.25%
    assert wf.show(engine, None, second.id).overall == "Good"


def test_only_show_reads_the_audit_trail_back(database_url: str) -> None:
    """A change and a listing answer with the assessment alone (the trail can be long); show
    is where the trail is read."""
    engine = database.connect(database_url)
    a = wf.start(engine, ANNA, org="QMJ", assessed_on=DAY, reason="annual")
    scored = wf.score(engine, ANNA, a.id, SCORES, reason="findings")
    assert a.audit == [] and scored.audit == [] and wf.listing(engine, BEN)[0].audit == []
    assert [t["action"] for t in wf.show(engine, BEN, a.id).audit] == [
        "assessment.start",
        "assessment.score",
    ]


def test_an_unscored_draft_cannot_go_to_moderation(database_url: str) -> None:
    engine = database.connect(database_url)
    a = wf.start(engine, ANNA, org="QMJ", assessed_on=DAY, reason="annual")
    with pytest.raises(wf.AssessmentError, match="score at least one quality statement before"):
        wf.move(engine, ANNA, a.id, "moderation", reason="ready")
    assert wf.show(engine, ANNA, a.id).status == "draft"


def test_only_an_assessor_may_start_a_new_version(database_url: str) -> None:
    engine = database.connect(database_url)
    first = published(engine)
    with pytest.raises(wf.AssessmentRefused, match="a cqc or admin token is needed, not nhse"):
        wf.revise(engine, NHSE, first.id, reason="new evidence")
    assert [v.version for v in wf.listing(engine, BEN)] == [1]
