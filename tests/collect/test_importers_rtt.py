"""RTT incomplete pathways importer on the real April 2026 extract and on crafted bands."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.shared_data import REAL, real_file

from oversight.collect.importers.rtt import (
    PROVIDER_FILE,
    WEEKS_FILE,
    read_rtt,
    read_rtt_weeks,
    rtt_england,
    waiting_percentile,
)
from oversight.collect.importers.source import ImportFormatError


@pytest.fixture(scope="module")
def rtt() -> pd.DataFrame:
    real_file(PROVIDER_FILE)
    return read_rtt(REAL)


def test_england_incomplete_total_and_18_week_share_match_published(rtt: pd.DataFrame) -> None:
    eng = rtt_england(rtt).iloc[0]
    assert eng.total_waiting == 7_123_980
    assert round(eng.pct_within_18_weeks, 1) == 64.9


def test_one_row_per_2026_icb_with_names_and_2022_predecessors(rtt: pd.DataFrame) -> None:
    assert rtt.icb_code.is_unique
    assert len(rtt) == 37  # 36 ICBs of the 2026 configuration + UNKNOWN
    assert rtt.period.unique().tolist() == [pd.Timestamp("2026-04-01")]
    by = rtt.set_index("icb_code")
    assert by.loc["Z9B2Z", "icb22_codes"] == "QMJ+QRV"
    assert by.loc["QOP", "icb22_codes"] == "QOP"
    assert by.loc["QOP", "icb_name"] == "NHS GREATER MANCHESTER INTEGRATED CARE BOARD"
    assert pd.isna(by.loc["UNKNOWN", "icb22_codes"])  # national hubs: reported, not dropped
    assert (rtt.over_52_weeks >= rtt.over_65_weeks).all()
    assert (rtt.over_65_weeks >= rtt.over_78_weeks).all()
    assert (rtt.within_18_weeks + rtt.over_52_weeks <= rtt.total_waiting).all()


def test_icb_totals_agree_with_weekly_bands(rtt: pd.DataFrame) -> None:
    weeks = read_rtt_weeks(real_file(WEEKS_FILE))
    from_bands = weeks.groupby("icb_code").patients.sum()
    within = weeks[weeks.weeks_to <= 18].groupby("icb_code").patients.sum()
    over52 = weeks[weeks.weeks_from >= 52].groupby("icb_code").patients.sum()
    by = rtt.set_index("icb_code")
    assert (from_bands - by.total_waiting).abs().max() == 0
    assert (within - by.within_18_weeks).abs().max() == 0
    assert (over52 - by.over_52_weeks).abs().max() == 0


def test_waiting_percentile_interpolates_within_band() -> None:
    weeks = pd.DataFrame(
        {
            "icb_code": ["A", "A", "A", "B", "B"],
            "weeks_from": [0, 1, 104, 0, 104],
            "weeks_to": [1, 2, None, 1, None],
            "patients": [10.0, 10.0, 0.0, 1.0, 9.0],
        }
    )
    median = waiting_percentile(weeks, 0.5)
    assert median["A"] == pytest.approx(1.0)
    assert median["B"] == 104.0  # falls in the open-ended band: its lower bound
    assert waiting_percentile(weeks, 0.75)["A"] == pytest.approx(1.5)


def test_real_median_is_below_the_92nd_centile() -> None:
    weeks = read_rtt_weeks(real_file(WEEKS_FILE))
    p50, p92 = waiting_percentile(weeks, 0.5), waiting_percentile(weeks, 0.92)
    assert ((p50 > 0) & (p50 < p92) & (p92 < 104)).all()


def test_missing_column_rejected_with_file_name(tmp_path: Path) -> None:
    path = tmp_path / PROVIDER_FILE
    path.write_text("period,provider_code,icb_code,pathway,value\n")
    with pytest.raises(ImportFormatError, match=rf"{PROVIDER_FILE}: missing column\(s\) measure"):
        read_rtt(tmp_path)
