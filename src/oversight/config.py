"""Where things live. Every command honours these environment variables."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "OVERSIGHT_HOME"
DATABASE_URL_ENV = "OVERSIGHT_DATABASE_URL"
ENGINE_ENV = "OVERSIGHT_ENGINE"
DEFAULT_HOME = Path.home() / ".oversight"


def home(override: str | Path | None = None) -> Path:
    """The platform's home directory: the lake, the SQLite database, published files."""
    if override is not None:
        return Path(override).expanduser().resolve()
    env = os.environ.get(HOME_ENV)
    return Path(env).expanduser().resolve() if env else DEFAULT_HOME


def lake_dir(home_dir: Path | None = None) -> Path:
    return (home_dir or home()) / "lake"


def database_url(home_dir: Path | None = None) -> str:
    """PostgreSQL by URL when set, otherwise a SQLite file in the home directory."""
    env = os.environ.get(DATABASE_URL_ENV)
    if env:
        return env
    return f"sqlite:///{(home_dir or home()) / 'oversight.db'}"


def engine_name() -> str:
    """Analytic engine for the lake: duckdb (default) or spark."""
    name = os.environ.get(ENGINE_ENV, "duckdb").strip().lower()
    if name not in {"duckdb", "spark"}:
        raise ValueError(f"{ENGINE_ENV} must be 'duckdb' or 'spark', not {name!r}")
    return name
