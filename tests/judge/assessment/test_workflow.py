"""The assessment workflow in the operational database, on SQLite and PostgreSQL: draft ->
moderation -> published, assessors edit only their own drafts, published is immutable and a new
version supersedes it, every change audited with its reason."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from tests.judge.assessment.assessors import ADMIN, ANNA, BEN, DAY, ICB, NHSE, SCORES, published

from oversight.judge.assessment import workflow as wf
from oversight.judge.assessment.evidence import Evidence
from oversight.store import database
from oversight.store.assessment_models import Assessment
from oversight.store.models import AuditEvent


def _published(url: str) -> wf.AssessmentView:
    return published(database.connect(url))


def test_draft_to_moderation_to_published_stores_the_ratings(database_url: str) -> None:
    done = _published(database_url)
    assert done.status == "published" and done.published_at is not None
    assert done.method == "quality_statement"  # assessed after December 2024
    quality = done.result["themes"]["quality_and_safety"]  # 7 of 12: 58.33%
    assert (quality["rounded"], quality["rating"], quality["limiter"]) == (
        58, "Requires improvement", None)
    assert done.result["themes"]["integration"]["rating"] == "Outstanding"
    overall = done.result["overall"]  # 11 of 16: 68.75%, Good, but equity in access scored 1
    assert (overall["aggregated"], overall["limiter"], done.overall) == (
        "Good", "good_capped_by_score_1", "Requires improvement")
    assert done.result["framework"] == "cqc_ics" and done.result["framework_version"]


def test_assessors_edit_only_their_own_drafts(database_url: str) -> None:
    engine = database.connect(database_url)
    a = wf.start(engine, ANNA, org="QMJ", assessed_on=DAY, reason="annual")
    with pytest.raises(wf.AssessmentRefused, match="only its assessor \\(anna\\)"):
        wf.score(engine, BEN, a.id, {"safeguarding": 2}, reason="mine now")
    with pytest.raises(wf.AssessmentRefused, match="only its assessor"):
        wf.score(engine, ADMIN, a.id, {"safeguarding": 2}, reason="ops")
    with pytest.raises(wf.AssessmentRefused, match="cqc or admin token is needed, not nhse"):
        wf.start(engine, NHSE, org="QKK", assessed_on=DAY, reason="x")
    with pytest.raises(wf.AssessmentRefused, match="only its assessor"):
        wf.move(engine, BEN, a.id, "moderation", reason="x")
    wf.score(engine, ANNA, a.id, {"safeguarding": 2}, reason="evidence")
    wf.move(engine, ANNA, a.id, "moderation", reason="ready")
    with pytest.raises(wf.AssessmentRefused, match="may not moderate their own"):
        wf.move(engine, ANNA, a.id, "published", reason="self")
    with pytest.raises(wf.AssessmentRefused, match="only a draft can be changed"):
        wf.score(engine, ANNA, a.id, {"safeguarding": 1}, reason="late")
    back = wf.move(engine, BEN, a.id, "draft", reason="needs evidence for safeguarding")
    assert back.status == "draft"
    with pytest.raises(wf.IllegalMove, match="cannot move to published"):
        wf.move(engine, BEN, a.id, "published", reason="skip")


def test_published_is_immutable_and_a_new_version_supersedes_it(database_url: str) -> None:
    engine = database.connect(database_url)
    first = _published(database_url)
    with pytest.raises(wf.AssessmentRefused, match="published assessment cannot be changed"):
        wf.score(engine, ANNA, first.id, {"safeguarding": 1}, reason="x")
    with pytest.raises(wf.AssessmentRefused, match="published assessment cannot be changed"):
        wf.set_override(engine, ANNA, first.id, "overall", "Inadequate", reason="x")
    with pytest.raises(wf.IllegalMove, match="it is final"):
        wf.move(engine, BEN, first.id, "draft", reason="x")
    with pytest.raises(wf.AssessmentError, match="use assess revise"):
        wf.start(engine, ANNA, org="QMJ", assessed_on=DAY, reason="again")
    second = wf.revise(engine, BEN, first.id, reason="new evidence on safeguarding")
    assert (second.version, second.supersedes, second.status, second.assessor) == (
        2, first.id, "draft", "ben")
    assert second.scores == first.scores
    wf.set_override(engine, BEN, second.id, "overall", "Inadequate",
                    reason="a serious safeguarding failure")  # fmt: skip
    wf.move(engine, BEN, second.id, "moderation", reason="ready")
    done = wf.move(engine, ANNA, second.id, "published", reason="moderated")
    assert done.result["overall"]["rating"] == "Inadequate"
    assert done.result["overall"]["override"]["reason"] == "a serious safeguarding failure"
    again = wf.show(engine, None, first.id)
    assert again.result == first.result and again.status == "published"
    assert wf.published_ratings(engine) == {"QMJ": "Inadequate"}
    with pytest.raises(wf.AssessmentError, match="already superseded"):
        wf.revise(engine, ANNA, first.id, reason="x")


def test_every_change_is_audited_with_its_reason(database_url: str) -> None:
    engine = database.connect(database_url)
    done = _published(database_url)
    trail = wf.show(engine, ADMIN, done.id).audit
    assert [a["action"] for a in trail] == [
        "assessment.start", "assessment.score", "assessment.moderation", "assessment.published"]
    assert [a["actor"] for a in trail] == ["token:anna"] * 3 + ["token:ben"]
    assert trail[1]["reason"] == "site visit findings" and trail[1]["scores"] == SCORES
    with pytest.raises(wf.AssessmentError, match="a reason is needed"):
        wf.revise(engine, ANNA, done.id, reason=" ")
    with database.session(engine) as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.revise")) is None


def test_drafts_are_not_public_and_bad_input_names_the_choices(database_url: str) -> None:
    engine = database.connect(database_url)
    a = wf.start(engine, ANNA, org="QMJ", assessed_on=DAY, reason="annual")
    for reader in (None, ICB, NHSE):
        with pytest.raises(wf.AssessmentRefused, match="only published assessments are public"):
            wf.show(engine, reader, a.id)
    assert wf.listing(engine, None) == [] and len(wf.listing(engine, BEN)) == 1
    with pytest.raises(wf.AssessmentError, match="not a quality statement of cqc_ics"):
        wf.score(engine, ANNA, a.id, {"kindness": 3}, reason="x")
    with pytest.raises(wf.AssessmentError, match="from 1 to 4"):
        wf.score(engine, ANNA, a.id, {"safeguarding": 7}, reason="x")
    with pytest.raises(wf.AssessmentError, match="not a theme of cqc_ics"):
        wf.set_override(engine, ANNA, a.id, "safety", "Good", reason="x")
    with pytest.raises(wf.AssessmentError, match="unknown framework 'cqc_nhs'"):
        wf.start(engine, ANNA, org="QKK", assessed_on=DAY, reason="x", framework="cqc_nhs")
    with pytest.raises(wf.AssessmentError, match="no assessment 'nope'"):
        wf.show(engine, ANNA, "nope")
    with database.session(engine) as s:
        assert s.scalars(select(Assessment)).one().scores == {}


def test_evidence_items_are_checked_and_kept_with_the_assessment(database_url: str) -> None:
    engine = database.connect(database_url)
    a = wf.start(engine, ANNA, org="QMJ", assessed_on=DAY, reason="annual")
    item = Evidence("equity_in_access", "people_s_experience", "survey",
                    "Patients in the most deprived areas report longer waits for GP appointments.",
                    dt.date(2025, 1, 15), {"title": "GP Patient Survey 2024"})  # fmt: skip
    shown = wf.add_evidence(engine, ANNA, a.id, item, reason="survey read")
    assert shown.evidence[0]["source"] == "survey" and shown.evidence[0]["assessor"] == "anna"
    bad = Evidence("equity_in_access", "rumour", "survey", "x", DAY)
    with pytest.raises(wf.AssessmentError, match="not an evidence category"):
        wf.add_evidence(engine, ANNA, a.id, bad, reason="x")
    metric = Evidence("equity_in_access", "outcomes", "metric", "x", DAY, {"metric_id": "ae_4hr"})
    with pytest.raises(wf.AssessmentError, match="needs its metric_id, org and period"):
        wf.add_evidence(engine, ANNA, a.id, metric, reason="x")
    with pytest.raises(wf.AssessmentRefused, match="only its assessor"):
        wf.add_evidence(engine, BEN, a.id, item, reason="x")


def test_a_local_authority_is_assessed_on_the_same_engine(database_url: str) -> None:
    engine = database.connect(database_url)
    la = "cqc_local_authority"
    with pytest.raises(wf.AssessmentError, match="not a council with Care Act duties"):
        wf.start(engine, ANNA, org="E07000223", assessed_on=DAY, reason="x", framework=la)
    with pytest.raises(wf.AssessmentError, match="not an ICB the catalogue knows"):
        wf.start(engine, ANNA, org="E09000007", assessed_on=DAY, reason="x")
    a = wf.start(engine, ANNA, org="e09000007", assessed_on=DAY, reason="Care Act", framework=la)
    assert (a.org, a.framework) == ("E09000007", la)
    wf.score(engine, ANNA, a.id, {"assessing_needs": 2, "safeguarding": 3,
                                  "supporting_people_to_live_healthier_lives": 3},
             reason="findings")  # fmt: skip
    with pytest.raises(wf.AssessmentError, match="not a quality statement of cqc_local_authority"):
        wf.score(engine, ANNA, a.id, {"equity_in_access": 2}, reason="an ICS statement")
    wf.move(engine, ANNA, a.id, "moderation", reason="ready")
    done = wf.move(engine, BEN, a.id, "published", reason="moderated")
    assert set(done.result["themes"]) == {"working_with_people", "ensuring_safety"}
    assert done.result["themes"]["working_with_people"]["rounded"] == 63  # 5 of 8 = 62.5%
    assert done.overall == "Good"  # 8 of 12 = 66.67%
    assert wf.published_ratings(engine, framework=la) == {"E09000007": "Good"}
    assert wf.published_ratings(engine) == {}
