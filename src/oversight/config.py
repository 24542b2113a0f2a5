"""The one place that reads the environment: which home, which database, which engine.

Everything else receives a `Home` (and an engine name) from the edge, so a library call never
depends on the process's environment.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from oversight.home import Home

if TYPE_CHECKING:
    from oversight.collect.waiting import WaitingPolicy

HOME_ENV = "OVERSIGHT_HOME"
DATABASE_URL_ENV = "OVERSIGHT_DATABASE_URL"
ENGINE_ENV = "OVERSIGHT_ENGINE"
TOKEN_ENV = "OVERSIGHT_TOKEN"
"""The API token `oversight submit --token` defaults to (Typer reads it for that option)."""
SPARK_LOCAL_IP_ENV = "SPARK_LOCAL_IP"
WAITING_DAYS_ENV = "OVERSIGHT_WAITING_DAYS"
WAITING_QUOTA_ENV = "OVERSIGHT_WAITING_QUOTA_MB"
DEPRIVATION_ENV = "OVERSIGHT_DEPRIVATION_FILE"
TEST_POSTGRES_ENV = "OVERSIGHT_TEST_POSTGRES_URL"
PUBLISHED_DATA_ENV = "OVERSIGHT_PUBLISHED_DATA"
"""The folder of NHS England's published files `oversight demo --data published` reads."""
AREA_LOOKUP_ENV = "OVERSIGHT_AREA_LOOKUP_DIR"
"""The folder holding the portal's area lookups (LSOA → local authority → ICB, trust
postcodes), for "highlight my ICS"; default: the home's reference folder."""
AREA_LOOKUP_FILE = "imd2019_lsoa11_with_health_geography.csv"
"""The ICB population-by-IMD-decile file (or its folder) the judge builds peer groups from."""
SCREENSHOTS_ENV = "OVERSIGHT_SCREENSHOTS_DIR"
"""Where the browser tests save their page screenshots (CI keeps the folder as an artefact)."""
DEFAULT_SCREENSHOTS = Path("test-artefacts") / "screenshots"
"""Relative to the directory the tests run from (the repository root; gitignored)."""
DEFAULT_HOME = Path.home() / ".oversight"
ENGINES = ("duckdb", "spark")


def home(override: str | Path | None = None) -> Home:
    """The home a command works on: `override` (its --home), else $OVERSIGHT_HOME, else
    ~/.oversight; its database is $OVERSIGHT_DATABASE_URL when set (PostgreSQL), otherwise
    the SQLite file in the home."""
    env = os.environ.get(HOME_ENV)
    root = Path(override) if override is not None else Path(env) if env else DEFAULT_HOME
    return Home.at(root, os.environ.get(DATABASE_URL_ENV) or None)


def engine_name(override: str | None = None) -> str:
    """Analytic engine for the lake: `override` (its --engine), else $OVERSIGHT_ENGINE, else
    duckdb."""
    name = (override or os.environ.get(ENGINE_ENV) or "duckdb").strip().lower()
    if name not in ENGINES:
        raise ValueError(f"the engine must be 'duckdb' or 'spark', not {name!r}")
    return name


def deprivation_file(override: str | Path | None = None) -> Path | None:
    """The population-by-deprivation file for peer groups: `override` (an option), else
    $OVERSIGHT_DEPRIVATION_FILE, else None (the judge then looks in the home's reference/)."""
    if override is not None:
        return Path(override)
    env = os.environ.get(DEPRIVATION_ENV)
    return Path(env) if env else None


def published_data(override: str | Path | None = None) -> Path:
    """The folder of published statistics: `override` (--source), else
    $OVERSIGHT_PUBLISHED_DATA, else ../shared/data/real beside the working directory, else
    /work/shared/data/real."""
    if override is not None:
        return Path(override)
    env = os.environ.get(PUBLISHED_DATA_ENV)
    if env:
        return Path(env)
    beside = Path.cwd().parent / "shared" / "data" / "real"
    return beside if beside.is_dir() else Path("/work/shared/data/real")


def area_lookup_dir(home: Home) -> Path:
    """Where the portal finds its area lookups: $OVERSIGHT_AREA_LOOKUP_DIR, else the home's
    reference folder when it holds them, else the published-data folder (published_data)."""
    env = os.environ.get(AREA_LOOKUP_ENV)
    if env:
        return Path(env)
    if (home.reference_dir / AREA_LOOKUP_FILE).exists():
        return home.reference_dir
    return published_data()


def screenshots_dir() -> Path:
    """The browser tests' screenshot folder: $OVERSIGHT_SCREENSHOTS_DIR, else
    ./test-artefacts/screenshots, so the images outlive pytest's temporary folders."""
    env = os.environ.get(SCREENSHOTS_ENV, "").strip()
    return Path(env) if env else DEFAULT_SCREENSHOTS


def test_postgres_url() -> str | None:
    """The PostgreSQL server the test suite may create schemas in ($OVERSIGHT_TEST_POSTGRES_URL),
    or None when there is none to test against."""
    return os.environ.get(TEST_POSTGRES_ENV) or None


def keep_spark_on_loopback() -> None:
    """Bind a local Spark session to loopback unless SPARK_LOCAL_IP already says otherwise
    (Spark reads it from the environment of the JVM it starts)."""
    os.environ.setdefault(SPARK_LOCAL_IP_ENV, "127.0.0.1")


def waiting_policy() -> WaitingPolicy:
    """How long submissions may wait for confirmation ($OVERSIGHT_WAITING_DAYS, default 14)
    and how many MB of waiting files one organisation may have ($OVERSIGHT_WAITING_QUOTA_MB,
    default 1024). ValueError, naming the variable, for a value that is not a number."""
    from oversight.collect.waiting import WaitingPolicy

    days = os.environ.get(WAITING_DAYS_ENV, "").strip()
    quota = os.environ.get(WAITING_QUOTA_ENV, "").strip()
    try:
        return WaitingPolicy(
            float(days) if days else WaitingPolicy.days,
            float(quota) if quota else WaitingPolicy.quota_mb,
        )
    except ValueError as error:
        message = f"{WAITING_DAYS_ENV} must be a number of days, {WAITING_QUOTA_ENV} of MB"
        raise ValueError(message) from error


def child_environment(first_on_path: Path) -> dict[str, str]:
    """The environment for a child process of this package (the publish worker's judge): this
    process's own, with `first_on_path` first on PYTHONPATH so the child imports the same
    code."""
    rest = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": str(first_on_path) + (os.pathsep + rest if rest else "")}
