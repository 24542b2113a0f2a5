"""AmbSYS importer on the real published file and on small crafted ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from tests.shared_data import real_file

from oversight.collect.importers.ambulance import FILE, england, mean_mismatches, read_ambulance
from oversight.collect.importers.lookups import TRUST_FILE
from oversight.collect.importers.source import ImportFormatError


@pytest.fixture(scope="module")
def ambsys() -> pd.DataFrame:
    return read_ambulance(real_file(FILE))


def test_one_row_per_org_month_category_with_all_measures(ambsys: pd.DataFrame) -> None:
    assert not ambsys.duplicated(["period", "org_code", "category"]).any()
    assert set(ambsys.org_level) == {"ambulance_trust", "nhs_region", "england"}
    assert ambsys.loc[ambsys.org_level == "ambulance_trust", "org_code"].nunique() == 11
    assert ambsys.period.min() == pd.Timestamp("2017-08-01")
    assert ambsys.period.max() == pd.Timestamp("2021-01-01")


def test_england_c1_august_2017_values(ambsys: pd.DataFrame) -> None:
    eng = england(ambsys)
    c1 = eng[(eng.period == "2017-08-01") & (eng.category == "C1")].iloc[0]
    assert (c1.incidents, c1.mean_response_time_sec, c1.p90_response_time_sec) == (10233, 554, 912)


def test_total_over_count_equals_published_mean(ambsys: pd.DataFrame) -> None:
    # England and every region agree to the rounding second.
    assert mean_mismatches(ambsys[ambsys.org_level != "ambulance_trust"]).empty
    # The only trust rows off by more than a second are East of England (RYC), Nov-Dec 2017,
    # and then by under half a percent: a revision in the published series, not a mapping error.
    off = mean_mismatches(ambsys)
    assert set(off.org_code) == {"RYC"}
    assert set(off.period.dt.strftime("%Y-%m")) == {"2017-11", "2017-12"}
    rel = (off.derived_mean_sec - off.mean_response_time_sec).abs() / off.mean_response_time_sec
    assert rel.max() < 0.005
    checked = ambsys.dropna(subset=["total_response_time_sec", "mean_response_time_sec"])
    assert len(checked) > 2000


def test_mismatch_is_detected_on_a_corrupted_mean(ambsys: pd.DataFrame) -> None:
    bad = ambsys.copy()
    i = bad.index[(bad.org_level == "england") & (bad.category == "C2")][0]
    bad.loc[i, "mean_response_time_sec"] += 30
    assert list(mean_mismatches(bad[bad.org_level == "england"]).index) == [i]


def test_trusts_carry_host_icb_and_region_rows_their_region(ambsys: pd.DataFrame) -> None:
    trusts = ambsys[ambsys.org_level == "ambulance_trust"].groupby("org_code").first()
    assert (trusts.loc["RX7", "icb_code"], trusts.loc["RX7", "region_code"]) == ("QOP", "Y62")
    assert trusts.icb_code.notna().all()
    regions = ambsys[ambsys.org_level == "nhs_region"]
    assert (regions.region_code == regions.org_code).all()
    assert ambsys.loc[ambsys.org_level == "england", "icb_code"].isna().all()


def test_missing_column_and_unknown_category_rejected(tmp_path: Path) -> None:
    shutil.copy(real_file(TRUST_FILE), tmp_path / TRUST_FILE)
    path = tmp_path / FILE
    path.write_text("period,org_code,org_name,org_level,measure,value\n")
    with pytest.raises(ImportFormatError, match=r"missing column\(s\) category"):
        read_ambulance(tmp_path)
    path.write_text(
        "period,org_code,org_name,org_level,category,measure,value\n"
        "2017-08-01,Eng,England,england,C9,incidents,1\n"
    )
    with pytest.raises(ImportFormatError, match="column category has unexpected value"):
        read_ambulance(path)
