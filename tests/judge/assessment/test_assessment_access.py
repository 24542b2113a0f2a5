"""Who may do what to an assessment (judge.assessment.access), rule by rule: each refusal and
each permission, for every role and state that decides it."""

from __future__ import annotations

import pytest
from tests.judge.assessment.assessors import ADMIN, ANNA, BEN, ICB, NHSE

from oversight.judge.assessment import access
from oversight.judge.assessment.access import DRAFT, MODERATION, PUBLISHED


def test_only_cqc_and_admin_start() -> None:
    assert access.start_refusal(ANNA) is None
    assert access.start_refusal(ADMIN) is None
    assert access.start_refusal(NHSE) == (
        "assessments are made by CQC assessors: a cqc or admin token is needed, not nhse"
    )
    assert access.start_refusal(ICB) is not None


def test_only_the_assessor_edits_and_only_a_draft() -> None:
    assert access.edit_refusal(ANNA, DRAFT, "anna") is None
    assert access.edit_refusal(BEN, DRAFT, "anna") == (
        "only its assessor (anna) may change this draft"
    )
    assert access.edit_refusal(ADMIN, DRAFT, "anna") is not None
    assert access.edit_refusal(ANNA, MODERATION, "anna") == (
        "the assessment is in moderation: only a draft can be changed (return it first)"
    )
    assert access.edit_refusal(ANNA, PUBLISHED, "anna") == (
        "a published assessment cannot be changed: start a new version (assess revise)"
    )


@pytest.mark.parametrize(
    ("status", "to", "allowed"),
    [(DRAFT, MODERATION, True), (MODERATION, PUBLISHED, True), (MODERATION, DRAFT, True),
     (DRAFT, PUBLISHED, False), (PUBLISHED, DRAFT, False), (PUBLISHED, MODERATION, False),
     (DRAFT, DRAFT, False), ("unknown", DRAFT, False)],
)  # fmt: skip
def test_the_legal_moves(status: str, to: str, allowed: bool) -> None:
    assert (access.illegal_move(status, to) is None) is allowed


def test_an_illegal_move_names_the_allowed_ones() -> None:
    assert access.illegal_move(DRAFT, PUBLISHED) == (
        "an assessment in draft cannot move to published (allowed: moderation)"
    )
    assert access.illegal_move(MODERATION, MODERATION) == (
        "an assessment in moderation cannot move to moderation (allowed: published, draft)"
    )
    assert access.illegal_move(PUBLISHED, DRAFT) == (
        "an assessment in published cannot move to draft (allowed: none: it is final)"
    )


def test_who_may_move_an_assessment() -> None:
    # the assessor sends its own draft; no one else does
    assert access.move_refusal(ANNA, DRAFT, MODERATION, "anna") is None
    assert access.move_refusal(BEN, DRAFT, MODERATION, "anna") == (
        "only its assessor (anna) may send this draft to moderation"
    )
    # another cqc token or admin moderates; never the assessor
    for moderator in (BEN, ADMIN):
        assert access.move_refusal(moderator, MODERATION, PUBLISHED, "anna") is None
        assert access.move_refusal(moderator, MODERATION, DRAFT, "anna") is None
    assert access.move_refusal(ANNA, MODERATION, PUBLISHED, "anna") == (
        "an assessor may not moderate their own assessment: another cqc token must"
    )
    assert access.move_refusal(NHSE, MODERATION, PUBLISHED, "anna") == (
        "a cqc or admin token is needed to move an assessment, not nhse"
    )
    # an illegal move is refused before the role is looked at
    assert access.move_refusal(NHSE, DRAFT, PUBLISHED, "anna") == (
        "an assessment in draft cannot move to published (allowed: moderation)"
    )


def test_published_is_public_and_the_rest_only_for_assessors() -> None:
    for reader in (None, NHSE, ICB, ANNA):
        assert access.read_refusal(reader, PUBLISHED) is None
    for status in (DRAFT, MODERATION):
        assert access.read_refusal(ANNA, status) is None
        assert access.read_refusal(ADMIN, status) is None
        for outsider in (None, NHSE, ICB):
            assert access.read_refusal(outsider, status) == (
                "only published assessments are public; drafts are read with a cqc or admin token"
            )
