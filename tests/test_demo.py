"""`oversight demo` prepares its home safely: a demo home is rebuilt whole, a real one refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from oversight.cli import app
from oversight.demo import NotADemoHome, _prepare_home
from oversight.home import Home


def _demo_home(home: Path) -> None:
    (home / "lake" / "_synth").mkdir(parents=True)
    (home / "lake" / "_synth" / "manifest.json").write_text("{}")
    (home / "lake" / "ae_attendances").mkdir()
    (home / "results").mkdir()
    (home / "oversight.db").write_bytes(b"old demo database")


def test_a_previous_demo_is_cleared_with_its_database(tmp_path: Path) -> None:
    _demo_home(tmp_path)
    _prepare_home(Home.at(tmp_path))
    assert not (tmp_path / "lake").exists()
    assert not (tmp_path / "results").exists()
    assert not (tmp_path / "oversight.db").exists()


def test_a_database_elsewhere_is_never_deleted(tmp_path: Path) -> None:
    _demo_home(tmp_path)
    _prepare_home(Home.at(tmp_path, "postgresql+psycopg://u:p@127.0.0.1/db"))
    assert (tmp_path / "oversight.db").exists()  # not the database in use: left alone


def test_a_home_holding_real_data_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lake" / "ae_attendances").mkdir(parents=True)
    with pytest.raises(NotADemoHome, match="not synthetic demo data"):
        _prepare_home(Home.at(tmp_path))
    assert (tmp_path / "lake" / "ae_attendances").exists()
    refused = CliRunner().invoke(app, ["demo", "--home", str(tmp_path), "--no-serve"])
    assert refused.exit_code == 2 and "not synthetic demo data" in refused.output
    assert (tmp_path / "lake" / "ae_attendances").exists()
