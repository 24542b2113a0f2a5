"""`oversight submit` and `oversight token`: exit codes 0 accepted, 1 rejected, 2 usage."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from oversight.cli import app
from oversight.store import database

GOOD = "icb_code,period,appointments,appointments_within_2_weeks\nQMJ,2024-06-01,1000,800\n"
ARGS = ["--collection", "gp_appointments_return", "--org", "QMJ", "--period", "2024-06"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OVERSIGHT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OVERSIGHT_DATABASE_URL", raising=False)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    yield tmp_path
    database.dispose()


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_accepted_then_identical(home: Path) -> None:
    good = home / "gp.csv"
    good.write_text(GOOD)
    first = _run("submit", str(good), *ARGS)
    assert first.exit_code == 0, first.output
    assert "accepted: revision" in first.output
    assert (home / "home" / "lake" / "gp_appointments" / "2024-06" / "QMJ.parquet").exists()
    again = _run("submit", str(good), *ARGS)
    assert again.exit_code == 0 and "nothing new" in again.output


def test_rejected_prints_file_row_column_rule_value(home: Path) -> None:
    bad = home / "bad.csv"
    bad.write_text(GOOD.replace("1000,800", "=1+1,800"))
    result = _run("submit", str(bad), *ARGS)
    assert result.exit_code == 1
    assert "bad.csv row 1, column appointments" in result.output
    assert "'=1+1'" in result.output and "rejected" in result.output
    assert not (home / "home" / "lake" / "gp_appointments").exists()


def test_dry_run_stores_nothing(home: Path) -> None:
    good = home / "gp.csv"
    good.write_text(GOOD)
    result = _run("submit", str(good), *ARGS, "--dry-run")
    assert result.exit_code == 0 and "dry run" in result.output
    assert not (home / "home" / "lake" / "gp_appointments").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["missing.csv", *ARGS],
        ["{good}", "--collection", "nope", "--org", "QMJ", "--period", "2024-06"],
        ["{good}", "--collection", "gp_appointments_return", "--org", "QMJ", "--period", "24-6"],
        ["{good}", "--org", "QMJ"],
    ],
)
def test_usage_errors_exit_2(home: Path, args: list[str]) -> None:
    good = home / "gp.csv"
    good.write_text(GOOD)
    result = _run("submit", *[a.replace("{good}", str(good)) for a in args])
    assert result.exit_code == 2, result.output


def test_tokens_scope_cli_submissions(home: Path) -> None:
    good = home / "gp.csv"
    good.write_text(GOOD)
    created = _run("token", "create", "--org", "QMF", "--name", "qmf-bi")
    assert created.exit_code == 0
    token = created.output.strip()
    assert token.startswith("ovs_")
    other = _run("submit", str(good), *ARGS, "--token", token)
    assert other.exit_code == 2 and "may not submit" in other.output
    assert _run("submit", str(good), *ARGS, "--token", "ovs_x_y").exit_code == 2
    mine = _run("token", "create", "--org", "QMJ", "--name", "qmj-bi").output.strip()
    assert _run("submit", str(good), *ARGS, "--token", mine).exit_code == 0
    listing = _run("token", "list")
    assert "qmf-bi" in listing.output and token.split("_", 2)[2] not in listing.output
