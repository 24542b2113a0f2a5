"""`oversight import …` on the real files: summary printed, tidy CSV written, errors exit 1."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.shared_data import REAL
from typer.testing import CliRunner

from oversight.cli import app


@pytest.fixture
def real() -> Path:
    if not (REAL / "rtt_provider_by_icb_2026_04.csv").is_file():
        pytest.skip(f"real NHS data folder {REAL} is absent")
    return REAL


def test_rtt_prints_england_and_writes_tidy_csv(real: Path, tmp_path: Path) -> None:
    out = tmp_path / "rtt.csv"
    result = CliRunner().invoke(app, ["import", "rtt", str(real), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "ENGLAND" in result.output and "7123980" in result.output
    assert pd.read_csv(out).total_waiting.sum() == 7_123_980


def test_ae_sitrep_prints_published_four_hour_figures(real: Path) -> None:
    result = CliRunner().invoke(app, ["import", "ae-sitrep", str(real)])
    assert result.exit_code == 0, result.output
    assert "74.6" in result.output and "71.1" in result.output
    assert "providers with no ICB" in result.output


def test_missing_file_exits_1_with_its_name(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", "ambulance", str(tmp_path)])
    assert result.exit_code == 1
    assert "ambulance_response_times_trust_monthly_2017_2021.csv" in result.output


def test_cancer_prints_england_per_july(real: Path) -> None:
    result = CliRunner().invoke(app, ["import", "cancer", str(real)])
    assert result.exit_code == 0, result.output
    assert "2021-07" in result.output and "2024-07" in result.output
