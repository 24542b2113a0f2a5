"""Published statistics stored as returns: refused files store nothing; dated ICB membership."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select
from tests.shared_data import REAL, real_file
from typer.testing import CliRunner

from oversight.catalogue import load
from oversight.cli import app
from oversight.collect.importers.returns import dated_icb
from oversight.collect.importers.submit import ReturnRefused, parts, submit_rows
from oversight.home import Home
from oversight.store.models import Revision, Submission

JUNE = "published/ae_monthly/Monthly-AE-June-2024 copy.csv"


def _revisions(home: Home) -> int:
    with home.database().connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Revision)).scalar_one())


def test_a_file_whose_total_is_wrong_is_refused_naming_file_row_and_column_and_stores_nothing(
    tmp_path: Path,
) -> None:
    lines = real_file(JUNE).read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[6] = str(int(cells[6]) + 5)
    lines[1] = ",".join(cells)
    bad = tmp_path / "Monthly-AE-June-2024.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    home = tmp_path / "home"
    result = CliRunner().invoke(
        app, ["import", "ae-sitrep", str(bad), "--submit", "--home", str(home)]
    )
    assert result.exit_code == 1
    assert "Monthly-AE-June-2024.csv" in result.output
    assert f"row {len(lines)} (TOTAL), column A&E attendances Other A&E Department" in (
        result.output
    )
    assert "nothing was stored" in result.output
    assert not (home / "lake" / "ae_sitrep_providers").exists()


def _june_rows() -> pd.DataFrame:
    from oversight.collect.importers.published import ae_rows

    return ae_rows(real_file(JUNE), load())


def test_a_part_failing_validation_stores_no_part(tmp_path: Path) -> None:
    rows = _june_rows()
    last_region = sorted(rows["region_code"].unique())[-1]
    broken = rows.copy()
    at = broken.index[broken["region_code"] == last_region][0]
    broken.loc[at, "attendances"] = -3
    home = Home.at(tmp_path)
    with pytest.raises(ReturnRefused) as refused:
        submit_rows(home, load(), "ae_sitrep_published", broken, submitter="t", source="x.csv")
    assert f"[{last_region} 2024-06]" in str(refused.value)
    assert "attendances" in str(refused.value)
    assert _revisions(home) == 0


def test_a_month_is_stored_one_revision_per_region_and_again_unchanged(tmp_path: Path) -> None:
    rows = _june_rows()
    home = Home.at(tmp_path)
    first = submit_rows(home, load(), "ae_sitrep_published", rows, submitter="t", source="j")
    assert sorted(s.org for s in first) == ["Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"]
    assert sum(s.rows for s in first) == len(rows) and not any(s.unchanged for s in first)
    again = submit_rows(home, load(), "ae_sitrep_published", rows, submitter="t", source="j")
    assert all(s.unchanged for s in again)
    assert _revisions(home) == 7
    with home.database().connect() as conn:
        sent = conn.execute(select(Submission.collection).distinct()).scalars().all()
    assert sent == ["ae_sitrep_published"]


def test_parts_split_provider_returns_by_region_and_icb_returns_by_icb() -> None:
    frame = pd.DataFrame(
        {
            "region_code": ["Y56", "Y56", "Y58"],
            "icb_code": ["QMJ", None, "QJK"],
            "period": [dt.date(2024, 6, 1)] * 3,
        }
    )
    assert [(o, m, len(p)) for o, m, p in parts(frame, "provider_month")] == [
        ("Y56", "2024-06", 2),
        ("Y58", "2024-06", 1),
    ]
    assert [o for o, _, _ in parts(frame.dropna(), "icb_month")] == ["QJK", "QMJ"]


def test_trusts_of_merged_icbs_map_to_their_predecessor_before_the_merger_and_to_it_after() -> None:
    frame = pd.DataFrame(
        {
            "ods_code": ["RRV", "RYJ", "RRV", "RHW", "RHW"],
            "icb_code": ["Z9B2Z", "Z9B2Z", "Z9B2Z", "S0E4D", "S0E4D"],
            "period": [dt.date(2024, 6, 1)] * 2
            + [dt.date(2026, 4, 1)]
            + [dt.date(2024, 6, 1), dt.date(2026, 4, 1)],
        }
    )
    assert dated_icb(frame, load()).tolist() == ["QMJ", "QRV", "Z9B2Z", "QU9", "S0E4D"]


def test_the_shared_lookup_is_where_the_importers_expect_it() -> None:
    assert (REAL / "lookup_trust_icb_region_ods.csv").is_file() or pytest.skip("no real data")


def test_an_analyst_submits_a_month_as_published_and_it_is_stored_and_published(
    tmp_path: Path,
) -> None:
    from oversight.metrics.results import current

    home = str(tmp_path / "home")
    june = str(real_file(JUNE))
    result = CliRunner().invoke(app, ["import", "ae-sitrep", june, "--submit", "--home", home])
    assert result.exit_code == 0, result.output
    assert "stored 7 new revision(s) of ae_sitrep_published" in result.output
    assert "published results version" in result.output
    version = current(Home.at(home))
    assert version is not None
    rows = version.rows(metric="ae_4hr", breakdown="total")
    england = rows[rows["org_type"] == "england"].iloc[0]
    assert round(float(england["value"]), 1) == 74.6
    again = CliRunner().invoke(app, ["import", "ae-sitrep", june, "--submit", "--home", home])
    assert "stored 0 new revision(s)" in again.output and "(7 part(s) unchanged)" in again.output


def test_a_folder_gives_the_sources_it_holds_and_one_with_none_is_refused(tmp_path: Path) -> None:
    from oversight.collect.importers.published import folder_sources, store_folder
    from oversight.collect.importers.source import ImportFormatError

    assert list(folder_sources(REAL)) == [
        "ae_sitrep_published",
        "rtt_published",
        "rtt_waiting_times_published",
        "cancer_62day_published",
        "ambulance_published",
    ]
    only_ae = tmp_path / "ae"
    (only_ae / "published" / "ae_monthly").mkdir(parents=True)
    (only_ae / "published" / "ae_monthly" / "Monthly-AE-June-2024.csv").write_text("x\n")
    assert folder_sources(only_ae) == {"ae_sitrep_published": only_ae / "published" / "ae_monthly"}
    (tmp_path / "empty").mkdir()
    with pytest.raises(ImportFormatError, match="no published files"):
        store_folder(Home.at(tmp_path / "home"), load(), tmp_path / "empty", "test")
