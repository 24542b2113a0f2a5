"""The escalation policy as catalogue data: the shipped one, the policy in force per quarter,
and what `oversight catalogue check` refuses."""

from __future__ import annotations

from typing import Any

import pytest

from oversight.catalogue import load
from oversight.catalogue.compile import compile_catalogue
from oversight.judge.escalation.triggers import TriggerPolicy, propose
from oversight.period import Period

from .conftest import CatalogueCopy

FILE = "escalation_policies.yaml"


def test_the_shipped_policy_is_the_methods() -> None:
    policy = load().escalation_policy()
    assert policy.id == "escalation-2022" and policy.version == 1
    assert policy.lowest_segment.value == 5 and policy.concern_months.value == 3
    assert policy.earned_autonomy_segment.value == 1
    assert policy.inadequate_rating == "Inadequate" and policy.open_cases is False
    assert all("oversight.md" in n.source for n in
               (policy.lowest_segment, policy.concern_months, policy.earned_autonomy_segment))
    assert load().escalation_policy(Period.parse_quarter("2025-Q3")) == policy


def test_a_later_version_takes_over_from_its_quarter(tmp_path: Any) -> None:
    copy = CatalogueCopy(tmp_path / "cat")
    stricter: dict[str, Any] = {
        "id": "escalation-2026",
        "title": "Stricter",
        "version": 2,
        "in_force_from": "2026-Q2",
        "source": "a test",
        "lowest_segment": {"value": 4, "source": "test"},
        "concern_months": {"value": 2, "source": "test"},
        "earned_autonomy_segment": {"value": 2, "source": "test"},
    }
    copy.append(FILE, stricter)
    cat, problems = compile_catalogue(copy.root)
    assert cat is not None and not [p for p in problems if p.severity == "error"]
    assert cat.escalation_policy(Period.parse_quarter("2026-Q1")).id == "escalation-2022"
    later = cat.escalation_policy(Period.parse_quarter("2026-Q2"))
    assert later.id == "escalation-2026"
    # The triggers follow the policy: segment 4 now proposes a case.
    got = propose(segments={"QOP": 4, "QHL": 3}, policy=TriggerPolicy.of(later))
    assert [p.org for p in got] == ["QOP"]
    assert propose(segments={"QOP": 4}, policy=TriggerPolicy.of(cat.escalation_policy(
        Period.parse_quarter("2026-Q1")))) == []
    with pytest.raises(LookupError, match="no escalation policy in force in 2022-Q1"):
        cat.escalation_policy(Period.parse_quarter("2022-Q1"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lowest_segment", {"value": 6, "source": "x"}, "segment 1 to 5"),
        ("concern_months", {"value": 0, "source": "x"}, "at least 1"),
        ("concern_months", {"value": 2.5, "source": "x"}, "whole number"),
        ("earned_autonomy_segment", {"value": 5, "source": "x"}, "must be better than"),
        ("inadequate_rating", "Awful", "not a CQC rating"),
        ("lowest_segment", {"value": 5}, "source"),
    ],
)
def test_the_check_refuses_a_bad_policy(
    tmp_path: Any, field: str, value: Any, message: str
) -> None:
    copy = CatalogueCopy(tmp_path / "cat")

    def change(entry: dict[str, Any]) -> None:
        entry[field] = value

    copy.edit(FILE, "escalation-2022", change)
    _, problems = compile_catalogue(copy.root)
    errors = [p for p in problems if p.severity == "error"]
    assert errors and all(p.file == FILE for p in errors), errors
    assert any(message in p.reason for p in errors), errors
