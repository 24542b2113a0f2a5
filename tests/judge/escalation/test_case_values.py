"""The small values of a case: an action typed as `what|owner|due`, a case read back, and the
case named when it does not exist."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from tests.judge.escalation.case_support import NHSE, open_qop

from oversight.judge.escalation.cases import Action, CaseError, CaseView, set_action_done, show
from oversight.store import database


def test_an_action_needs_its_text_its_owner_and_a_due_date() -> None:
    action = Action.parse(" Recovery plan | Jo Smith | 2027-03-31 ")
    assert action == Action("Recovery plan", "Jo Smith", dt.date(2027, 3, 31))
    assert not action.done


@pytest.mark.parametrize(
    "text",
    ["|Jo Smith|2027-03-31", "Recovery plan||2027-03-31", "Recovery plan|Jo Smith|",
     "Recovery plan|Jo Smith", "a|b|2027-03-31|extra", "Recovery plan|Jo Smith|31/03/2027"],
)  # fmt: skip
def test_an_action_missing_a_part_is_refused_with_the_form_to_use(text: str) -> None:
    with pytest.raises(CaseError, match=r"must look like 'what\|owner\|2027-03-31'"):
        Action.parse(text)


def test_a_case_read_back_cannot_be_changed_in_place() -> None:
    at = dt.datetime(2027, 1, 5, 9, 30)
    view = CaseView("case-1", "QOP", "diagnostic", "nhse", "falling 4-hour", [], at, "nhse", at)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.state = "closed"  # type: ignore[misc]
    assert view.state == "diagnostic"


def test_marking_an_action_of_an_unknown_case_names_the_case(database_url: str) -> None:
    engine = database.connect(database_url)
    case = open_qop(engine)
    action_id = case.actions[0]["id"]
    with pytest.raises(CaseError, match="there is no case 'case-nope'"):
        set_action_done(engine, NHSE, "case-nope", action_id, reason="report received")
    assert show(engine, NHSE, case.id).actions[0]["done"] is False
