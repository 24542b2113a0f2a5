"""Code rules: known codes, valid in the period, belonging to the submitter."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.collect.validation_catalogue import ae_row, found, validate, write_rows


def test_unknown_icb_and_provider_codes(tmp_path: Path) -> None:
    rows = [ae_row(1, icb_code="XXX"), ae_row(2, provider_code="NOPE"), ae_row(3, icb_code="QQQ")]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "codes.unknown") == [
        (1, "icb_code", "XXX"),
        (2, "provider_code", "NOPE"),
        (3, "icb_code", "QQQ"),
    ]


def test_codes_not_valid_in_the_period(tmp_path: Path) -> None:
    # QOQ ended 2024-03-31; provider QMJ-B2 starts 2025-01-01; the period is 2024-06.
    rows = [ae_row(1, icb_code="QOQ"), ae_row(2, provider_code="QMJ-B2"), ae_row(3)]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "codes.not_valid_in_period") == [
        (1, "icb_code", "QOQ"),
        (2, "provider_code", "QMJ-B2"),
    ]


def test_ended_icb_is_valid_in_its_own_months(tmp_path: Path) -> None:
    rows = [
        ae_row(
            1,
            icb_code="QOQ",
            provider_code="QOQ-A1",
            period="2024-03-01",
            arrival_time="2024-03-05 10:00:00",
            departure_time="2024-03-05 13:30:00",
        )
    ]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows), org="QOQ", period="2024-03")
    assert found(report, "codes.not_valid_in_period") == []
    assert found(report, "codes.org_mismatch") == []


def test_rows_for_another_icb_than_the_submitter(tmp_path: Path) -> None:
    rows = [ae_row(1, icb_code="QWE"), ae_row(2), ae_row(3, icb_code="QWE")]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "codes.org_mismatch") == [(1, "icb_code", "QWE"), (3, "icb_code", "QWE")]


def test_rows_of_another_icbs_provider_than_the_submitters(tmp_path: Path) -> None:
    """Issue 13: QMJ's file may not carry rows of QWE's provider (they would count towards
    that provider's figures), even with QMJ's own icb_code on them."""
    rows = [ae_row(1), ae_row(2, provider_code="QWE-A1")]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "codes.org_mismatch") == [(2, "provider_code", "QWE-A1")]


def test_provider_submitter_must_match_its_icb_and_itself(tmp_path: Path) -> None:
    path = tmp_path / "rtt.csv"
    base = "QMJ,2024-06-01,{n},{p},80+,male,Asian,1,2024-06-02,,C_100\n"
    path.write_text(
        "icb_code,period,record_id,provider_code,age_band,sex,ethnicity_group,imd_decile,"
        "clock_start,clock_stop,treatment_function\n"
        + base.format(n=1, p="QMJ-A1")
        + base.format(n=2, p="QWE-A1").replace("QMJ,", "QWE,", 1)
    )
    report, _ = validate(path, "rtt", "QMJ-A1")
    assert found(report, "codes.org_mismatch") == [
        (2, "icb_code", "QWE"),
        (2, "provider_code", "QWE-A1"),
    ]


def test_region_submitter_covers_its_icbs(tmp_path: Path) -> None:
    rows = [ae_row(1), ae_row(2, icb_code="QWE", provider_code="QWE-A1")]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows), org="Y56")
    assert found(report, "codes.org_mismatch") == []


def test_unknown_submitter_is_a_file_level_error(tmp_path: Path) -> None:
    report, _ = validate(write_rows(tmp_path / "ae.csv", [ae_row(1)]), org="ZZZ")
    assert found(report, "codes.unknown_submitter") == [(None, None, "ZZZ")]
    assert not report.ok


def test_submitter_that_no_longer_exists(tmp_path: Path) -> None:
    report, _ = validate(write_rows(tmp_path / "ae.csv", [ae_row(1, icb_code="QOQ")]), org="QOQ")
    assert found(report, "codes.submitter_not_valid_in_period") == [(None, None, "QOQ")]


def _shipped_collections() -> list[str]:
    from oversight.catalogue import load

    return [c.id for c in load().collections.values() if c.dataset is not None]


@pytest.mark.parametrize("collection", _shipped_collections())
def test_every_collection_refuses_another_icbs_rows_whoever_sends_it(
    tmp_path: Path, collection: str
) -> None:
    """Issue 13: QMJ's file may not carry QMF's rows, in any shipped collection, including
    those NHS England sends (gp_appointments_return); the report names the row and column."""
    from oversight.catalogue import load

    catalogue = load()
    dataset_id = catalogue.collections[collection].dataset
    assert dataset_id is not None
    dataset = catalogue.datasets[dataset_id]
    names = [c.name for c in dataset.columns if not c.set_by_platform]
    row = {n: "" for n in names} | {"icb_code": "QMF", "period": "2024-06-01"}
    path = write_rows(tmp_path / "data.csv", [row])
    report, _ = validate(path, collection, "QMJ", catalogue=catalogue)
    assert (1, "icb_code", "QMF") in found(report, "codes.org_mismatch")
