"""Which target stands in a month: national by planning year, local by when it was set."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.judge.judge_fixtures import catalogue_target

from oversight.catalogue import load
from oversight.judge.standing import local_target, national_target, standing, trajectory_value

CAT = load()
TARGETS = list(CAT.targets.values())


def m(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (m(2023, 3), None),  # before any planning year with a target
        (m(2023, 4), "2023-24-UEC1"),
        (m(2024, 3), "2023-24-UEC1"),
        (m(2024, 4), "2024-25-UEC1"),
        (m(2027, 1), "2025-26-UEC1"),  # stands until guidance replaces it
    ],
)
def test_national_target_is_the_catalogue_rule(period: dt.date, expected: str | None) -> None:
    found = national_target(TARGETS, "ae_4hr", period)
    assert (found.id if found else None) == expected
    assert found == CAT.standing_national_target("ae_4hr", period)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (m(2023, 3), None),  # before v1 was set (20 April 2023)
        (m(2023, 4), "QMJ-ae_4hr-2023-24-v1"),  # from the month it was set
        (m(2023, 9), "QMJ-ae_4hr-2023-24-v1"),
        (m(2023, 10), "QMJ-ae_4hr-2023-24-v2"),  # the revision, set 12 October 2023
        (m(2024, 3), "QMJ-ae_4hr-2023-24-v2"),
        (m(2024, 4), None),  # after its deadline
    ],
)
def test_local_target_stands_from_its_month_to_its_deadline(
    period: dt.date, expected: str | None
) -> None:
    found = local_target(TARGETS, "QMJ", "ae_4hr", period)
    assert (found.id if found else None) == expected


def test_a_draft_local_target_stands_nowhere() -> None:
    draft = CAT.targets["QHL-cancer_fds_28d-2024-25-v1"]
    assert draft.status == "draft"
    assert local_target(TARGETS, "QHL", "cancer_fds_28d", m(2024, 6)) is None
    published = catalogue_target(
        **{**draft.model_dump(mode="json"), "status": "published", "trajectory": []}
    )
    assert local_target([published], "QHL", "cancer_fds_28d", m(2024, 6)) == published


def test_another_icbs_local_target_does_not_stand() -> None:
    assert local_target(TARGETS, "QMF", "ae_4hr", m(2023, 10)) is None


def test_standing_carries_the_months_trajectory_value() -> None:
    v2 = CAT.targets["QMJ-ae_4hr-2023-24-v2"]
    assert trajectory_value(v2, m(2023, 10)) == 71.0
    assert trajectory_value(v2, m(2023, 9)) is None
    now = standing(v2, m(2023, 10))
    assert now is not None
    assert (now.id, now.scope, now.value, now.comparison, now.trajectory) == (
        "QMJ-ae_4hr-2023-24-v2",
        "local",
        76.0,
        ">=",
        71.0,
    )
    assert standing(None, m(2023, 10)) is None
