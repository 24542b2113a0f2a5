"""Aggregating imported provider tables to ICB × month, with the left-out rows explained."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from tests.shared_data import REAL

from oversight.collect.importers.ae_sitrep import FILE_2024_25, read_ae_sitrep
from oversight.collect.importers.icb_month import NO_ICB, NOT_IN_CONFIGURATION, to_icb_month
from oversight.collect.importers.lookups import icb2026_predecessors, load_icb22


def crafted() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-06-01"] * 5 + ["2024-07-01"]),
            "org_code": ["T1", "T1", "T2", "X9", "M1", "T1"],
            "department_type": ["type_1", "other", "type_1", "other", "type_1", "type_1"],
            "attendances": [100, 50, 30, 7, 40, 90],
            "attendances_over_4hrs": [20, 0, 10, 1, 5, 30],
            "icb_code": ["QAA", "QAA", "QBB", None, "MERGED", "QAA"],
        }
    )


def test_sums_providers_and_department_types_per_icb_and_month() -> None:
    result = to_icb_month(crafted(), {"ae_attendances": "attendances"}, icb_codes=None)
    got = {(r.icb_code, r.period): r.ae_attendances for r in result.table.itertuples()}
    assert got == {
        ("QAA", dt.date(2024, 6, 1)): 150,
        ("QBB", dt.date(2024, 6, 1)): 30,
        ("MERGED", dt.date(2024, 6, 1)): 40,
        ("QAA", dt.date(2024, 7, 1)): 90,
    }
    assert list(result.unmapped.org_code) == ["X9"]
    assert list(result.unmapped.reason) == [NO_ICB]


def test_icbs_outside_the_configuration_are_reported_with_reason() -> None:
    result = to_icb_month(crafted(), ["attendances"], icb_codes={"QAA", "QBB"})
    reasons = dict(zip(result.unmapped.org_code, result.unmapped.reason, strict=True))
    assert reasons == {"X9": NO_ICB, "M1": NOT_IN_CONFIGURATION}
    total = result.table.attendances.sum() + result.unmapped.attendances.sum()
    assert total == crafted().attendances.sum()


def test_merged_icb_with_one_predecessor_in_configuration_maps_to_it() -> None:
    one = to_icb_month(
        crafted(), ["attendances"], icb_codes={"QAA", "QBB"}, predecessors={"MERGED": ("QBB",)}
    )
    june = one.table[one.table.period == dt.date(2024, 6, 1)].set_index("icb_code")
    assert june.loc["QBB", "attendances"] == 70
    two = to_icb_month(
        crafted(),
        ["attendances"],
        icb_codes={"QAA", "QBB"},
        predecessors={"MERGED": ("QAA", "QBB")},
    )
    assert NOT_IN_CONFIGURATION in set(two.unmapped.reason)


def test_missing_item_column_is_named() -> None:
    with pytest.raises(KeyError, match="emergency_admissions"):
        to_icb_month(crafted(), ["emergency_admissions"])


def test_real_ae_sitrep_to_the_42_icbs_loses_nothing_silently() -> None:
    if not (REAL / FILE_2024_25).is_file():
        pytest.skip(f"real NHS data file {REAL / FILE_2024_25} is absent")
    sitrep = read_ae_sitrep(REAL)
    result = to_icb_month(
        sitrep,
        ["attendances", "attendances_over_4hrs"],
        icb_codes=set(load_icb22(REAL).icb_code),
        predecessors=icb2026_predecessors(REAL, REAL),
    )
    assert result.table.icb_code.isin(set(load_icb22(REAL).icb_code)).all()
    assert not result.table.duplicated(["icb_code", "period"]).any()
    for col in ("attendances", "attendances_over_4hrs"):
        assert result.table[col].sum() + result.unmapped[col].sum() == sitrep[col].sum()
    # Thames Valley (S0E4D) has one 2022 predecessor among the 42 (QU9) and maps to it.
    assert "S0E4D" not in set(result.unmapped.icb_code.dropna())
    assert set(result.unmapped.reason) == {NO_ICB, NOT_IN_CONFIGURATION}


def test_catalogue_items_fed_by_importers_exist_in_their_collections() -> None:
    from oversight.catalogue import load
    from oversight.collect.importers import ae_sitrep, rtt

    cat = load()
    assert set(ae_sitrep.CATALOGUE_ITEMS) <= set(cat.collections["ae_sitrep"].data_items)
    assert set(rtt.CATALOGUE_ITEMS) == set(cat.collections["rtt_monthly"].data_items)


def test_real_rtt_feeds_the_rtt_monthly_return() -> None:
    from oversight.collect.importers.rtt import CATALOGUE_ITEMS, PROVIDER_FILE, read_rtt

    if not (REAL / PROVIDER_FILE).is_file():
        pytest.skip(f"real NHS data file {REAL / PROVIDER_FILE} is absent")
    table = read_rtt(REAL)
    result = to_icb_month(table, CATALOGUE_ITEMS, code_column="icb_code")
    assert list(result.table.columns) == ["icb_code", "period", *CATALOGUE_ITEMS]
    assert result.table.rtt_waiting.sum() == 7_123_980
    assert set(result.table.period) == {dt.date(2026, 4, 1)}


def test_icb_codes_are_checked_against_the_catalogue_in_each_rows_month() -> None:
    """Issue 16: organisation codes from imported files are checked like submitted ones. A
    code the catalogue does not know (or a path) is left out with its reason; an ICB that had
    not yet been formed maps to its one predecessor; one that had merged is left out."""
    from oversight.catalogue import load

    table = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-06-01"] * 5 + ["2026-05-01"] * 2),
            "org_code": ["T1", "T2", "T3", "T4", "T5", "T6", "T7"],
            "attendances": [1, 2, 4, 8, 16, 32, 64],
            "icb_code": ["QMJ", "S0E4D", "Z9B2Z", "../x", "NOSUCH", "QMJ", "Z9B2Z"],
        }
    )
    result = to_icb_month(table, ["attendances"], catalogue=load())
    got = {(r.icb_code, r.period): r.attendances for r in result.table.itertuples()}
    assert got == {
        ("QMJ", dt.date(2024, 6, 1)): 1,
        ("QU9", dt.date(2024, 6, 1)): 2,  # Thames Valley was formed from QU9 alone
        ("Z9B2Z", dt.date(2026, 5, 1)): 64,
    }
    reasons = dict(zip(result.unmapped.org_code, result.unmapped.reason, strict=True))
    assert reasons == {
        "T3": NOT_IN_CONFIGURATION,  # Z9B2Z in 2024: QMJ and QRV, which cannot be split
        "T4": NOT_IN_CONFIGURATION,
        "T5": NOT_IN_CONFIGURATION,
        "T6": NOT_IN_CONFIGURATION,  # QMJ after it merged into Z9B2Z
    }
    total = result.table.attendances.sum() + result.unmapped.attendances.sum()
    assert total == table.attendances.sum()
    assert (
        dict(zip(result.unmapped.org_code, result.unmapped.icb_code, strict=True))["T4"] == "../x"
    )
