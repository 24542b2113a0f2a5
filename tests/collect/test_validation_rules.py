"""Range, cross-item, duplicate, injection and outlier rules, each with a small bad file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.collect.validation_catalogue import ae_row, found, validate, write_rows


def _gp(path: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    keys = ("icb_code", "period", "appointments", "appointments_within_2_weeks")
    return write_rows(path, [dict(zip(keys, r, strict=True)) for r in rows])


def test_negative_counts(tmp_path: Path) -> None:
    rows = [ae_row(1, wait_minutes="-5"), ae_row(2), ae_row(3, wait_minutes="-1")]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "ranges.negative") == [
        (1, "wait_minutes", "-5"),
        (3, "wait_minutes", "-1"),
    ]


def test_catalogue_min_and_max(tmp_path: Path) -> None:
    rows = [ae_row(1, imd_decile="0"), ae_row(2, imd_decile="11"), ae_row(3, imd_decile="12")]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "ranges.below_min") == [(1, "imd_decile", "0")]
    assert found(report, "ranges.above_max") == [(2, "imd_decile", "11"), (3, "imd_decile", "12")]


def test_values_exactly_at_the_catalogue_min_and_max_are_accepted(tmp_path: Path) -> None:
    # imd_decile runs 1..10 inclusive: the bounds themselves are valid deciles.
    rows = [ae_row(1, imd_decile="1"), ae_row(2, imd_decile="10")]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "ranges.below_min") == []
    assert found(report, "ranges.above_max") == []


def test_numerator_above_denominator_from_ratio_metric(tmp_path: Path) -> None:
    keys = ("icb_code", "period", "ga_beds_available", "ga_beds_occupied")
    rows = [("QMJ", "2024-06-01", "100", "120")]
    path = write_rows(tmp_path / "beds.csv", [dict(zip(keys, r, strict=True)) for r in rows])
    report, _ = validate(path, "beds")
    assert found(report, "ranges.numerator_gt_denominator") == [(1, "ga_beds_occupied", "120")]


def test_period_column_must_be_the_submitted_month(tmp_path: Path) -> None:
    rows = [ae_row(1, period="2024-05-01"), ae_row(2), ae_row(3, period="2024-07-01")]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "ranges.period_mismatch") == [
        (1, "period", "2024-05-01"),
        (3, "period", "2024-07-01"),
    ]


def test_event_dates_inside_the_month(tmp_path: Path) -> None:
    rows = [
        ae_row(
            1,
            arrival_time="2024-05-31 23:59:00",
            departure_time="2024-06-01 01:00:00",
            wait_minutes="61",
        ),
        ae_row(
            2,
            arrival_time="2024-06-30 23:59:59",
            departure_time="2024-07-01 02:00:00",
            wait_minutes="120",
        ),
        ae_row(
            3,
            arrival_time="2024-07-01 00:00:00",
            departure_time="2024-07-01 01:00:00",
            wait_minutes="60",
        ),
    ]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "ranges.date_outside_period") == [
        (1, "arrival_time", "2024-05-31 23:59:00"),
        (3, "arrival_time", "2024-07-01 00:00:00"),
    ]


def test_dates_after_submission_time(tmp_path: Path) -> None:
    rows = [ae_row(1), ae_row(2, departure_time="2024-06-20 09:00:00", wait_minutes="24420")]
    report, _ = validate(
        write_rows(tmp_path / "ae.csv", rows), as_of=dt.datetime(2024, 6, 10, 12, 0)
    )
    assert found(report, "ranges.future_date") == [(2, "departure_time", "2024-06-20 09:00:00")]


def test_duplicate_record_ids_across_batches(tmp_path: Path) -> None:
    rows = [ae_row(i) for i in (1, 2, 3, 2, 5, 1, 2)]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows), batch_rows=2)
    assert found(report, "ranges.duplicate_key") == [
        (4, "record_id", "2"),
        (6, "record_id", "1"),
        (7, "record_id", "2"),
    ]
    assert "same as row 2" in report.issues[0].message


def test_duplicate_icb_month_rows(tmp_path: Path) -> None:
    rows = [("QMJ", "2024-06-01", "10", "5"), ("QMJ", "2024-06", "11", "5")]
    report, _ = validate(_gp(tmp_path / "gp.csv", rows), "gp_appointments")
    assert found(report, "ranges.duplicate_key") == [(2, "icb_code+period", "QMJ|2024-06-01")]


def test_part_exceeds_whole(tmp_path: Path) -> None:
    rows = [("QMJ", "2024-06-01", "10", "11")]
    report, _ = validate(_gp(tmp_path / "gp.csv", rows), "gp_appointments")
    assert found(report, "cross.part_exceeds_whole") == [
        (1, "appointments_within_2_weeks", "appointments_within_2_weeks=11; appointments=10")
    ]


def test_departure_before_arrival_and_wait_mismatch(tmp_path: Path) -> None:
    rows = [
        ae_row(1, departure_time="2024-06-03 09:00:00", wait_minutes="0"),
        ae_row(2, wait_minutes="211"),  # within the 1-minute rounding tolerance
        ae_row(3, wait_minutes="300"),
    ]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert [r for r, *_ in found(report, "cross.departure_before_arrival")] == [1]
    assert [(r, c) for r, c, _ in found(report, "cross.wait_minutes_mismatch")] == [
        (1, "wait_minutes"),
        (3, "wait_minutes"),
    ]


def test_clock_stop_before_clock_start(tmp_path: Path) -> None:
    path = tmp_path / "rtt.csv"
    row = "QMJ,2024-06-01,{n},QMJ-A1,80+,male,Asian,1,{start},{stop},C_100\n"
    path.write_text(
        "icb_code,period,record_id,provider_code,age_band,sex,ethnicity_group,imd_decile,"
        "clock_start,clock_stop,treatment_function\n"
        + row.format(n=1, start="2024-06-10", stop="2024-06-01")
        + row.format(n=2, start="2024-06-10", stop="")
        + row.format(n=3, start="2023-01-10", stop="2022-12-01")  # carried in: may be earlier
    )
    report, _ = validate(path, "rtt", "QMJ-A1")
    assert [(r, c) for r, c, _ in found(report, "cross.clock_stop_before_start")] == [
        (1, "clock_stop"),
        (3, "clock_stop"),
    ]
    assert found(report, "ranges.date_outside_period") == []


def test_formula_injection_in_text_cells(tmp_path: Path) -> None:
    rows = [
        ae_row(1, provider_code='=HYPERLINK("x")'),
        ae_row(2, ethnicity_group="@SUM(1)"),
        ae_row(3, provider_code="+44"),
        ae_row(4, wait_minutes="-5"),  # a number, not text: reported as negative instead
        ae_row(5, provider_code="\tQMJ-A1"),
    ]
    path = write_rows(tmp_path / "ae.csv", rows)
    report, _ = validate(path)
    assert found(report, "injection.formula") == [
        (1, "provider_code", '=HYPERLINK("x")'),
        (2, "ethnicity_group", "@SUM(1)"),
        (3, "provider_code", "+44"),
        (5, "provider_code", "\tQMJ-A1"),
    ]


def test_formula_in_an_unexpected_column_is_still_rejected(tmp_path: Path) -> None:
    rows = [{**ae_row(1), "notes": "-see above"}]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "injection.formula") == [(1, "notes", "-see above")]


def test_outlier_against_own_history_is_a_warning(tmp_path: Path) -> None:
    history = {"gp_appointments": [1000, 1010, 990, 1005, 995, 1000, 1002, 998]}
    path = _gp(tmp_path / "gp.csv", [("QMJ", "2024-06-01", "2000", "500")])
    report, _ = validate(path, "gp_appointments", history=history)
    assert found(report, "outliers.history") == [(1, "appointments", "2000")]
    assert report.ok and len(report.warnings) == 1
    assert report.warnings[0].severity == "warning"


def test_outlier_needs_enough_history_and_accepts_a_dataframe(tmp_path: Path) -> None:
    import pandas as pd

    path = _gp(tmp_path / "gp.csv", [("QMJ", "2024-06-01", "2000", "500")])
    short, _ = validate(path, "gp_appointments", history={"gp_appointments": [1000, 1001]})
    assert found(short, "outliers.history") == []
    frame = pd.DataFrame({"item": ["gp_within_2_weeks"] * 6, "value": [100.0] * 6})
    report, _ = validate(path, "gp_appointments", history=frame)
    assert [(c, v) for _, c, v in found(report, "outliers.history")] == [
        ("appointments_within_2_weeks", "500")
    ]


def test_record_level_outlier_counts_rows_with_the_item_filter(tmp_path: Path) -> None:
    rows = [ae_row(i, admitted="true" if i <= 3 else "false") for i in range(1, 11)]
    history = {"ae_attendances": [10, 11, 9, 10, 10, 10], "ae_admitted": [40, 41, 39, 40, 40, 40]}
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows), history=history, batch_rows=3)
    assert [(r, c, v) for r, c, v in found(report, "outliers.history")] == [
        (None, "ae_admitted", "3")
    ]


BYPASSES = [" =1+1", "\n=1+1", "\u00a0=1+1", "\ufeff=1+1", "\uff1d1+1"]
"""Issue 16: only the first byte was checked, so these passed as plain text."""


def test_formula_behind_whitespace_bom_or_full_width_sign_is_rejected(tmp_path: Path) -> None:
    more = ["\u200b@SUM(A1)", "\x00+1", "\r\n -1", "\u3000\uff0b1", "\ufe66cmd"]
    rows = [ae_row(n, ethnicity_group=v) for n, v in enumerate([*BYPASSES, *more], start=1)]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "injection.formula") == [
        (n, "ethnicity_group", v) for n, v in enumerate([*BYPASSES, *more], start=1)
    ]


def test_normalisation_flags_nothing_that_is_plain_text(tmp_path: Path) -> None:
    plain = ["White", " White", "\u00a0Asian", "\ufeffMixed", "A=B", "x-1", "\uff21sian", "1+1"]
    rows = [ae_row(n, ethnicity_group=v) for n, v in enumerate(plain, start=1)]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "injection.formula") == []


def test_negative_numbers_stay_numbers_in_numeric_columns(tmp_path: Path) -> None:
    """A leading '-' in a column the catalogue types as a number is a sign: the range rules
    judge it (negative counts), not the formula guard, with or without spaces around it."""
    rows = [ae_row(1, wait_minutes="-5"), ae_row(2, wait_minutes=" -7"), ae_row(3)]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "injection.formula") == []
    assert [r for r, _, _ in found(report, "ranges.negative")] == [1, 2]


def test_formula_in_a_header_name_is_rejected(tmp_path: Path) -> None:
    for header in ("=HYPERLINK(1)", " =1+1", "\u00a0+1", "\ufeff@x", "\uff1dcmd", "-notes"):
        rows = [{**ae_row(1), header: "ok"}]
        report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
        name = header.strip()  # the readers trim spaces around header names
        assert found(report, "injection.formula") == [(None, name, name)], header
    clean = [{**ae_row(1), "\ufeffnotes": "ok", "A-B": "ok"}]
    report, _ = validate(write_rows(tmp_path / "ae.csv", clean))
    assert found(report, "injection.formula") == []


def test_formula_check_on_a_sliced_column_with_nulls() -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from oversight.collect.validation.injection import starts_like_formula

    text = pa.array(["=x", None, " =1", "ok", "\u00a0x", None, "\uff1d", "\t", ""]).slice(1)
    assert pc.fill_null(starts_like_formula(text), False).to_pylist() == [
        False,
        True,
        False,
        False,
        False,
        True,
        True,
        False,
    ]
