"""A home knows all its paths; config is the one place that reads the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from oversight import config
from oversight.home import Home

SRC = Path(__file__).resolve().parents[1] / "src" / "oversight"


def test_a_home_knows_every_path(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    assert home.database_url == f"sqlite:///{tmp_path / 'oversight.db'}"
    assert home.database_file == tmp_path / "oversight.db"
    assert home.lake_dir == tmp_path / "lake" and home.lake().root == home.lake_dir
    assert home.results_dir == tmp_path / "results"
    assert home.incoming_dir == tmp_path / "incoming"
    assert home.judgements_dir == tmp_path / "judgements"
    assert home.exports_dir == tmp_path / "exports"
    assert home.synthetic_manifest == tmp_path / "lake" / "_synth" / "manifest.json"
    elsewhere = Home.at(tmp_path, "postgresql+psycopg://u:p@127.0.0.1/db")
    assert elsewhere.database_file is None  # the home holds no database file of its own


def test_config_resolves_the_home_from_the_option_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(config.DATABASE_URL_ENV, raising=False)
    monkeypatch.delenv(config.HOME_ENV, raising=False)
    assert config.home().root == config.DEFAULT_HOME.resolve()
    monkeypatch.setenv(config.HOME_ENV, str(tmp_path / "env"))
    assert config.home() == Home.at(tmp_path / "env")
    assert config.home(tmp_path / "given") == Home.at(tmp_path / "given")
    monkeypatch.setenv(config.DATABASE_URL_ENV, "postgresql+psycopg://u:p@127.0.0.1/db")
    assert config.home(tmp_path).database_url == "postgresql+psycopg://u:p@127.0.0.1/db"


def test_config_resolves_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(config.ENGINE_ENV, raising=False)
    assert config.engine_name() == "duckdb"
    monkeypatch.setenv(config.ENGINE_ENV, "Spark")
    assert config.engine_name() == "spark"
    assert config.engine_name("duckdb") == "duckdb"
    with pytest.raises(ValueError, match="'duckdb' or 'spark', not 'polars'"):
        config.engine_name("polars")


def test_only_config_reads_the_environment() -> None:
    """No library module finds its home, database or engine (or, for the tests' PostgreSQL
    fixture, its server) on its own."""
    pattern = re.compile(r"os\.environ|getenv|environ\[")
    readers = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if pattern.search(path.read_text())
    )
    assert readers == ["config.py"]


def test_screenshots_go_to_the_configured_artefacts_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(config.SCREENSHOTS_ENV, raising=False)
    assert config.screenshots_dir() == Path("test-artefacts") / "screenshots"
    monkeypatch.setenv(config.SCREENSHOTS_ENV, str(tmp_path / "shots"))
    assert config.screenshots_dir() == tmp_path / "shots"
