"""A&E sitrep importer on the real published files and on small crafted ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from tests.shared_data import REAL, real_file

from oversight.collect.importers.ae_sitrep import (
    FILE_2016_19,
    FILE_2024_25,
    four_hour_performance,
    read_ae_sitrep,
)
from oversight.collect.importers.lookups import TRUST_FILE, unmapped_providers
from oversight.collect.importers.source import ImportFormatError


@pytest.fixture(scope="module")
def sitrep_2024() -> pd.DataFrame:
    return read_ae_sitrep(real_file(FILE_2024_25))


def test_england_all_types_four_hour_matches_published_june_and_december_2024(
    sitrep_2024: pd.DataFrame,
) -> None:
    perf = four_hour_performance(sitrep_2024).set_index("period")["pct_within_4hrs"]
    assert round(perf[pd.Timestamp("2024-06-01")], 1) == 74.6
    assert round(perf[pd.Timestamp("2024-12-01")], 1) == 71.1


def test_unplanned_and_booked_are_summed(sitrep_2024: pd.DataFrame) -> None:
    raw = pd.read_csv(real_file(FILE_2024_25))
    picked = raw[
        (raw.period == "2024-06-01")
        & (raw.org_code == "R0A")
        & (raw.department_type == "type_1")
        & (raw.measure == "attendances")
    ]
    assert set(picked.attendance_kind) == {"unplanned", "booked"}
    row = sitrep_2024[
        (sitrep_2024.period == "2024-06-01")
        & (sitrep_2024.org_code == "R0A")
        & (sitrep_2024.department_type == "type_1")
    ]
    assert int(row.attendances.iloc[0]) == int(picked.value.sum())


def test_providers_map_to_icb_and_unmapped_are_listed_not_dropped(
    sitrep_2024: pd.DataFrame,
) -> None:
    r0a = sitrep_2024[sitrep_2024.org_code == "R0A"].iloc[0]
    assert (r0a.icb_code, r0a.region_code) == ("QOP", "Y62")  # Manchester University FT
    missing = unmapped_providers(sitrep_2024, weight="attendances")
    assert "NLX" in set(missing.org_code)  # an independent provider, not an NHS trust
    mapped = sitrep_2024.loc[sitrep_2024.icb_code.notna(), "attendances"].sum()
    assert mapped + missing.attendances.sum() == sitrep_2024.attendances.sum()
    assert 0 < missing.attendances.sum() / sitrep_2024.attendances.sum() < 0.1


def test_directory_path_reads_the_2024_25_file() -> None:
    real_file(FILE_2024_25)
    table = read_ae_sitrep(REAL)
    assert table.period.min() == pd.Timestamp("2024-06-01")
    assert table.period.nunique() == 13


def test_2016_19_series_reads_with_same_columns(sitrep_2024: pd.DataFrame) -> None:
    old = read_ae_sitrep(real_file(FILE_2016_19))
    assert list(old.columns) == list(sitrep_2024.columns)
    assert old.period.nunique() == 36
    assert old.org_code.nunique() == 274
    assert set(old.department_type) == {"type_1", "type_2", "other"}
    assert (old.attendances_over_4hrs <= old.attendances).all()


def _write(tmp_path: Path, text: str) -> Path:
    shutil.copy(real_file(TRUST_FILE), tmp_path / TRUST_FILE)
    path = tmp_path / "sitrep.csv"
    path.write_text(text)
    return path


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, "period,org_code,department_type,measure\n2024-06-01,R0A,type_1,x\n")
    with pytest.raises(ImportFormatError, match=r"sitrep\.csv: missing column\(s\) value"):
        read_ae_sitrep(path)


def test_breaches_above_attendances_rejected(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "period,org_code,department_type,measure,value\n"
        "2024-06-01,R0A,type_1,attendances,10\n"
        "2024-06-01,R0A,type_1,attendances_over_4hrs,11\n",
    )
    with pytest.raises(ImportFormatError, match="R0A 2024-06 type_1: attendances_over_4hrs 11"):
        read_ae_sitrep(path)


def test_unknown_department_type_and_bad_number_rejected(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "period,org_code,department_type,measure,value\n2024-06-01,R0A,type_9,attendances,1\n",
    )
    with pytest.raises(ImportFormatError, match=r"department_type has unexpected value.*type_9"):
        read_ae_sitrep(path)
    path = _write(
        tmp_path,
        "period,org_code,department_type,measure,value\n2024-06-01,R0A,type_1,attendances,ten\n",
    )
    with pytest.raises(ImportFormatError, match="row 2, column value: 'ten'"):
        read_ae_sitrep(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=FILE_2024_25):
        read_ae_sitrep(tmp_path)
