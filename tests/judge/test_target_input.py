"""Every bad target is refused with a sentence saying what to change (pure checks)."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.judge.register_support import local_spec, national_spec

from oversight.catalogue import load
from oversight.judge.target_input import TargetInputError, check


@pytest.fixture(scope="module")
def catalogue():
    return load()


def test_a_valid_local_target_is_normalised(catalogue) -> None:
    checked = check(local_spec(), catalogue)
    assert checked.unit == "percent"
    assert checked.accountable_body == "icb_board"
    assert checked.accountable_name == "Board of " + catalogue.icbs["QOP"].name
    assert checked.trajectory[0] == ("2025-04", 72.0)
    assert len(checked.trajectory) == 12


def test_a_national_target_answers_to_nhs_england(catalogue) -> None:
    checked = check(national_spec(), catalogue)
    assert (checked.accountable_body, checked.accountable_name) == (
        "nhs_england",
        "NHS England board",
    )


def test_a_new_local_metric_needs_name_and_unit(catalogue) -> None:
    checked = check(
        local_spec(metric_id="falls_per_1000", metric_name="Falls", unit="rate", trajectory=()),
        catalogue,
    )
    assert (checked.metric_id, checked.metric_name, checked.unit) == (
        "falls_per_1000",
        "Falls",
        "rate",
    )


def test_a_trust_board_is_named_by_a_trust_of_the_system(catalogue) -> None:
    trust = next(p for p in catalogue.providers.values() if p.icb_code == "QOP")
    checked = check(
        local_spec(accountable_body="trust_board", accountable_name=trust.code), catalogue
    )
    assert checked.accountable_name == trust.code


def test_a_trajectory_may_be_given_in_any_order(catalogue) -> None:
    spec = local_spec(trajectory=[("2025-05", 71.0), ("2025-04", 70.0)])
    assert check(spec, catalogue).trajectory == (("2025-04", 70.0), ("2025-05", 71.0))


def test_a_national_deadline_may_fall_in_a_later_year(catalogue) -> None:
    # 2023/24's diagnostics target was due by March 2025
    assert check(national_spec(deadline=dt.date(2027, 3, 31)), catalogue).deadline.year == 2027


BAD = [
    ({"metric_id": "ae_5hr"}, "unknown metric 'ae_5hr'"),
    ({"metric_id": "falls", "metric_name": "Falls"}, "needs the metric's name and unit"),
    ({"metric_id": "Falls-Rate", "metric_name": "F", "unit": "rate"}, "snake_case"),
    ({"icb_code": "QZZ"}, "unknown organisation 'QZZ'"),
    ({"icb_code": "QOP-A1"}, "is a provider; a local target is set by an ICB"),
    ({"icb_code": "Z9B2Z"}, "Z9B2Z did not exist during the planning year 2025/26"),
    ({"icb_code": None}, "org is required"),
    ({"planning_year": "2025-26"}, "planning year: period must look like 2025/26"),
    ({"planning_year": "2025/27"}, "planning year"),
    ({"value": 100.5}, "the target value 100.5 is a percentage: it must be 0 to 100"),
    ({"value": -1.0}, "the target value -1 is a percentage: it must be 0 to 100"),
    ({"value": float("nan")}, "the target value must be a number"),
    ({"trajectory": [("2025-04", 70.0), ("2025-05", 120.0)]}, "2025-05 120 is a percentage"),
    (
        {"trajectory": [("2025-04", 70.0), ("2025-05", 71.0), ("2025-07", 72.0)]},
        "the trajectory has a gap: no value for 2025-06 (between 2025-05 and 2025-07)",
    ),
    ({"trajectory": [("2025-04", 70.0), ("2025-04", 71.0)]}, "the trajectory gives 2025-04 twice"),
    ({"trajectory": [("2025-03", 70.0)]}, "the trajectory month 2025-03 is outside"),
    (
        {"date_set": dt.date(2025, 6, 3)},
        "the trajectory month 2025-04 is outside the target's months (2025-06 to 2026-03)",
    ),
    ({"comparison": "<="}, "comparison <= contradicts the metric: for ae_4hr higher is better"),
    (
        {"trajectory": [("2026-03", 70.0), ("2026-04", 71.0)]},
        "the trajectory month 2026-04 is outside the target's months (2025-04 to 2026-03)",
    ),
    ({"trajectory": [("April", 70.0)]}, "trajectory: period must look like 2024-06"),
    ({"deadline": dt.date(2025, 3, 31)}, "the deadline 2025-03-31 is before the planning year"),
    ({"date_set": dt.date(2026, 4, 1)}, "the date set 2026-04-01 is after the planning year"),
    ({"comparison": "=>"}, "comparison must be one of"),
    ({"scope": "regional"}, "scope must be national or local"),
    ({"owner": " "}, "owner is required"),
    ({"rationale": ""}, "rationale is required"),
    ({"accountable_body": "nhs_england"}, "accountable body is icb_board or trust_board or place"),
    ({"accountable_body": "place"}, "an accountable place needs its name"),
    ({"accountable_body": "trust_board", "accountable_name": "RXX"}, "unknown organisation"),
    ({"accountable_body": "trust_board", "accountable_name": "QHL-A1"}, "not in QOP's system"),
]


@pytest.mark.parametrize(("changes", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_local_input_is_refused_with_a_clear_message(catalogue, changes, message) -> None:
    with pytest.raises(TargetInputError) as error:
        check(local_spec(**changes), catalogue)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"metric_id": "falls"}, "a national target uses a catalogue metric"),
        ({"icb_code": "QOP"}, "a national target is for every ICB"),
        ({"accountable_body": "icb_board"}, "accountable body is nhs_england"),
    ],
)
def test_bad_national_input_is_refused(catalogue, changes, message) -> None:
    with pytest.raises(TargetInputError) as error:
        check(national_spec(**changes), catalogue)
    assert message in str(error.value)


def test_a_count_cannot_be_negative(catalogue) -> None:
    with pytest.raises(TargetInputError, match="in count: it cannot be negative"):
        spec = local_spec(metric_id="ae_12hr_waits", comparison="<=", value=-3.0, trajectory=())
        check(spec, catalogue)
