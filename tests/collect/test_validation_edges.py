"""Range rules at their boundaries, the per-dataset event-date rule, the issue cap's edge and
what makes a report ok: each case sits exactly on a limit, where an off-by-one would show."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pyarrow as pa
import pytest
from tests.collect.validation_catalogue import ae_row, found, validate, write_rows

from oversight.collect.validation.ranges import EVENT_DATES, check_ranges
from oversight.collect.validation.report import Issue, Suppressed, ValidationReport
from oversight.collect.validation.sink import IssueSink

JUNE = (dt.date(2024, 6, 1), dt.date(2024, 6, 30))


def _rows(found_in: ValidationReport, *rules: str) -> dict[str, list]:
    return {rule: found(found_in, rule) for rule in rules}


def test_zero_is_a_valid_count_and_a_negative_one_is_reported_once(tmp_path: Path) -> None:
    rows = [ae_row(1, wait_minutes="0", departure_time="2024-06-03 10:00:00"), ae_row(2)]
    rows.append(ae_row(3, wait_minutes="-1"))
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert _rows(report, "ranges.negative", "ranges.below_min") == {
        "ranges.negative": [(3, "wait_minutes", "-1")],
        "ranges.below_min": [],
    }


def test_a_numerator_equal_to_its_denominator_is_accepted(tmp_path: Path) -> None:
    keys = ("icb_code", "period", "ga_beds_available", "ga_beds_occupied")
    path = write_rows(
        tmp_path / "beds.csv", [dict(zip(keys, ("QMJ", "2024-06-01", "100", "100"), strict=True))]
    )
    report, _ = validate(path, "beds")
    assert found(report, "ranges.numerator_gt_denominator") == []


def test_event_times_on_the_months_first_and_last_instant_are_inside(tmp_path: Path) -> None:
    times = [
        ("2024-06-01 00:00:00", "2024-06-01 01:00:00", "60"),
        ("2024-06-30 23:59:59.999999", "2024-07-01 01:00:00", "60"),
        ("2024-05-31 23:59:59.999999", "2024-06-01 01:00:00", "60"),
    ]
    rows = [
        ae_row(n, arrival_time=a, departure_time=d, wait_minutes=w)
        for n, (a, d, w) in enumerate(times, 1)
    ]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "ranges.date_outside_period") == [
        (3, "arrival_time", "2024-05-31 23:59:59.999999")
    ]


def test_a_time_equal_to_the_submission_time_is_not_in_the_future(tmp_path: Path) -> None:
    rows = [ae_row(1), ae_row(2, departure_time="2024-06-03 13:30:01")]
    as_of = dt.datetime(2024, 6, 3, 13, 30)  # row 1 departs at exactly 13:30:00
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows), as_of=as_of)
    assert found(report, "ranges.future_date") == [(2, "departure_time", "2024-06-03 13:30:01")]


def test_a_file_without_its_period_column_is_reported_not_crashed(tmp_path: Path) -> None:
    rows = [{k: v for k, v in ae_row(1).items() if k != "period"}]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "schema.missing_column") == [(None, "period", None)]
    assert found(report, "ranges.period_mismatch") == []


def _spec(dataset: str, column: str, **over: object) -> SimpleNamespace:
    spec = SimpleNamespace(
        dataset_id=dataset,
        period_column="period",
        period_start=JUNE[0],
        period_end=JUNE[1],
        columns=[],
        data_items=[],
        ratio_pairs=[],
        column=lambda name: object() if name == column else None,
    )
    spec.__dict__.update(over)
    return spec


# dataset -> (event column, may it fall before the month?): only an RTT clock may have
# started before the month it is reported in
EVENTS = {
    "ae_attendances": ("arrival_time", False),
    "ambulance_incidents": ("call_time", False),
    "cancer_referrals": ("referral_date", False),
    "rtt_pathways": ("clock_start", True),
    "talking_therapies_referrals": ("referral_date", False),
}


def test_every_dataset_with_an_event_date_is_checked() -> None:
    assert EVENT_DATES == EVENTS


@pytest.mark.parametrize(
    ("dataset", "column", "may_be_earlier"), [(d, *r) for d, r in EVENTS.items()]
)
def test_each_datasets_event_date_falls_in_the_month(
    dataset: str, column: str, may_be_earlier: bool
) -> None:
    days = [(5, 31), (6, 1), (6, 30), (7, 1)]
    dates = pa.array([dt.date(2024, m, d) for m, d in days])
    sink = IssueSink("f.csv")
    typed = {column: dates}
    check_ranges(sink, _spec(dataset, column), typed, {column: dates}, 0, None)  # type: ignore[arg-type]
    flagged = [i.row for i in sink.issues if i.rule == "ranges.date_outside_period"]
    assert flagged == ([4] if may_be_earlier else [1, 4])


def test_counts_in_float_columns_cannot_be_negative_but_money_can() -> None:
    def col(name: str, type_: str, low: float | None = None) -> SimpleNamespace:
        return SimpleNamespace(name=name, type=type_, min=low, max=None)

    spec = _spec(
        "workforce",
        "none",
        columns=[
            col("fte", "float64"),
            col("spend", "float64"),
            col("beds", "int64", 5),
            col("note", "string"),
        ],
        data_items=[
            SimpleNamespace(column="fte", unit="fte"),
            SimpleNamespace(column="spend", unit="gbp"),
            SimpleNamespace(column=None, unit="count"),
        ],
    )
    typed = {
        "fte": pa.array([-0.5, 0.0]),
        "spend": pa.array([-10.0, 5.0]),
        "beds": pa.array([-1, 6]),
    }
    sink = IssueSink("f.csv")
    check_ranges(sink, spec, typed, {}, 0, None)  # type: ignore[arg-type]
    assert [(i.rule, i.column, i.row) for i in sink.issues] == [
        ("ranges.negative", "fte", 1),
        ("ranges.below_min", "beds", 1),  # the catalogue's minimum (5) governs, once
    ]


def test_the_issue_cap_keeps_exactly_cap_issues_and_counts_the_rest() -> None:
    sink = IssueSink("f.csv", cap=2)
    for row in (1, 2, 3):
        sink.add("codes.unknown", "icb_code", "not known", row=row, severity="warning")
    report = sink.report(rows=3)
    assert [i.row for i in report.issues] == [1, 2]
    assert report.suppressed == [Suppressed("codes.unknown", "icb_code", "warning", 1)]
    assert report.ok  # only warnings were suppressed
    assert report.count("warning") == 3


def test_a_report_is_not_ok_when_an_error_was_only_counted() -> None:
    report = ValidationReport("f.csv", suppressed=[Suppressed("x.y", None, "error", 1)])
    assert not report.ok
    assert ValidationReport("f.csv").rows == 0 and ValidationReport("f.csv").ok


def test_issues_are_values_that_cannot_be_changed() -> None:
    issue = Issue("f.csv", 1, "sex", "codes.unknown", "X", "must be one of: female, male")
    with pytest.raises(dataclasses.FrozenInstanceError):
        issue.row = 2  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Suppressed("x.y", None, "error", 1).count = 2  # type: ignore[misc]


def test_add_mask_says_how_many_rows_failed_and_file_level_issues_come_first() -> None:
    sink = IssueSink("f.csv", cap=1)
    values = pa.array(["a", "b", "c"])
    assert sink.add_mask(pa.array([False, False, None]), "x.y", "c", values, 0, "m") == 0
    assert sink.add_mask(pa.array([True, False, True]), "x.y", "c", values, 0, "m") == 2
    sink.add("x.file", None, "whole file")
    report = sink.report(rows=3)
    assert [(i.rule, i.row) for i in report.issues] == [("x.file", None), ("x.y", 1)]
    assert report.suppressed == [Suppressed("x.y", "c", "error", 1)]
