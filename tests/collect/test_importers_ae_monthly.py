"""NHS England's monthly A&E CSV as published (wide, with a TOTAL row) against the long file."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from tests.shared_data import REAL, real_file

from oversight.collect.importers.ae_monthly import (
    monthly_files,
    provider_counts,
    read_ae_monthly,
    read_monthly_file,
)
from oversight.collect.importers.ae_sitrep import (
    FILE_2024_25,
    four_hour_performance,
    read_ae_sitrep,
)
from oversight.collect.importers.source import ImportFormatError

PUBLISHED = REAL / "published" / "ae_monthly"
JUNE = "Monthly-AE-June-2024 copy.csv"
JUNE_FILE = f"published/ae_monthly/{JUNE}"


@pytest.fixture(scope="module")
def wide() -> pd.DataFrame:
    if not PUBLISHED.is_dir():
        pytest.skip(f"{PUBLISHED} is not there")
    return read_ae_monthly(PUBLISHED)


def test_wide_and_long_files_give_identical_provider_month_figures(wide: pd.DataFrame) -> None:
    long = read_ae_sitrep(real_file(FILE_2024_25))
    assert len(wide) == len(long) > 7000
    pd.testing.assert_frame_equal(wide, long, check_dtype=False)


def test_england_four_hour_from_the_wide_files_matches_published(wide: pd.DataFrame) -> None:
    perf = four_hour_performance(wide).set_index("period")["pct_within_4hrs"]
    assert round(perf[pd.Timestamp("2024-06-01")], 1) == 74.6
    assert round(perf[pd.Timestamp("2024-12-01")], 1) == 71.1
    assert len(perf) == 13


def test_file_names_as_downloaded_give_the_month_and_revised_flag() -> None:
    files = {f.name: read_monthly_file(f) for f in monthly_files(real_file(JUNE_FILE).parent)}
    assert files[JUNE].month.isoformat() == "2024-06-01" and not files[JUNE].revised
    july = files["Monthly-AE-July-2024-revised.csv"]
    assert july.revised and july.month.isoformat() == "2024-07-01"
    assert files["Monthly-AE-June-2025-1-1.csv"].month.isoformat() == "2025-06-01"
    assert "TOTAL" not in set(files[JUNE].providers["org_code"].str.upper())


def test_a_revised_file_replaces_the_first_publication_of_its_month(tmp_path: Path) -> None:
    source = real_file(JUNE_FILE)
    shutil.copy(source, tmp_path / "Monthly-AE-June-2024.csv")
    shutil.copy(source, tmp_path / "Monthly-AE-June-2024-revised.csv")
    assert [f.name for f in monthly_files(tmp_path)] == ["Monthly-AE-June-2024-revised.csv"]


def test_provider_counts_keep_the_counts_without_a_department_type() -> None:
    counts = provider_counts(real_file(JUNE_FILE))
    assert counts["publication"].unique().tolist() == [JUNE]
    assert counts["waits_over_12hrs_from_decision_to_admit"].sum() == 38106  # the TOTAL row's


def _edited(tmp_path: Path, edit: Callable[[list[str]], list[str]], name: str = JUNE) -> Path:
    lines = real_file(JUNE_FILE).read_text(encoding="utf-8").splitlines()
    out = tmp_path / name
    out.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")
    return out


def _refused(path: Path) -> str:
    with pytest.raises(ImportFormatError) as caught:
        read_ae_monthly(path, lookups=REAL)
    return str(caught.value)


def test_a_changed_header_is_refused_naming_file_row_and_column(tmp_path: Path) -> None:
    def rename(lines: list[str]) -> list[str]:
        return [lines[0].replace("A&E attendances Type 2", "A&E attendances T2"), *lines[1:]]

    message = _refused(_edited(tmp_path, rename))
    assert JUNE in message and "row 1, column 6" in message
    assert "'A&E attendances T2'" in message


def test_a_missing_total_row_is_refused(tmp_path: Path) -> None:
    message = _refused(_edited(tmp_path, lambda lines: lines[:-1]))
    assert JUNE in message and "no TOTAL row" in message
    last_provider_row = len(real_file(JUNE_FILE).read_text().splitlines()) - 1
    assert "column Period" in message and f"row {last_provider_row}," in message


def test_a_total_that_is_not_the_providers_sum_is_refused(tmp_path: Path) -> None:
    def bump(lines: list[str]) -> list[str]:
        cells = lines[1].split(",")
        cells[6] = str(int(cells[6]) + 1)  # a provider's "other department" attendances
        return [lines[0], ",".join(cells), *lines[2:]]

    edited = _edited(tmp_path, bump)
    message = _refused(edited)
    total_row = len(edited.read_text().splitlines())
    assert f"row {total_row} (TOTAL), column A&E attendances Other A&E Department" in message
    assert "792,016" in message and "792,017" in message


def test_text_in_a_count_column_is_refused_naming_row_and_column(tmp_path: Path) -> None:
    def text(lines: list[str]) -> list[str]:
        cells = lines[3].split(",")
        cells[10] = "n/a"
        return [*lines[:3], ",".join(cells), *lines[4:]]

    message = _refused(_edited(tmp_path, text))
    assert JUNE in message and "row 4, column Attendances over 4hrs Type 1" in message
    assert "'n/a' is not a whole number" in message


def test_a_file_name_month_that_disagrees_with_the_period_column_is_refused(
    tmp_path: Path,
) -> None:
    message = _refused(_edited(tmp_path, lambda lines: lines, name="Monthly-AE-July-2024.csv"))
    assert "row 2, column Period" in message and "MSITAE-JULY-2024" in message.upper()


def test_empty_trailing_columns_are_ignored_but_values_in_them_are_not(tmp_path: Path) -> None:
    september = real_file("published/ae_monthly/Monthly-AE-September-2024.csv")
    assert len(read_monthly_file(september).providers) == 197

    lines = september.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5] + "7"
    bad = tmp_path / september.name
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="row 6, column 23: unexpected value '7'"):
        read_monthly_file(bad)
