"""`oversight demo`: a synthetic NHS, every metric computed, and the portal serving it.

The whole path (synth → compute → publish) on data with known, injected truth, so a new user
sees the platform working end to end in a couple of minutes on a laptop.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Annotated

import typer

from oversight import config
from oversight.period import Period
from oversight.period_cli import MONTH_METAVAR, month_option

DEMO_SCALE = 0.005
DEMO_MONTHS = 36
DEMO_START = Period.month(2023, 4)
DEMO_SEED = 2023


def _prepare_home(home: Path) -> None:
    """Clear a previous demo (lake, results, its SQLite database); refuse a home with real data.

    A demo home is disposable: its database only describes its lake, so both go together,
    otherwise revisions recorded there would point at files the rebuild deleted.
    """
    lake = config.lake_dir(home)
    if lake.exists() and any(lake.iterdir()) and not (lake / "_synth" / "manifest.json").exists():
        raise typer.BadParameter(
            f"{home} holds a lake that is not synthetic demo data; choose another --home",
            param_hint="--home",
        )
    for sub in (lake, home / "results", home / "incoming"):
        if sub.exists():
            shutil.rmtree(sub)
    database = home / "oversight.db"
    if config.database_url(home) == f"sqlite:///{database}":
        database.unlink(missing_ok=True)
    home.mkdir(parents=True, exist_ok=True)


def build_demo(home: Path, *, scale: float, months: int, start: Period | str, seed: int,
               progress: bool = True) -> None:
    """Write the synthetic lake into `home` and compute every metric over it."""
    from oversight.synth.register import register_lake
    from oversight.metrics.command import compute_command
    from oversight.synth import generate

    _prepare_home(home)
    generate(config.lake_dir(home), scale=scale, months=months, start=start, seed=seed,
             progress=progress)
    register_lake(home, progress=progress)  # lineage and the burden report see the returns
    compute_command(full=True, since=None, engine="duckdb", home=home)


def demo_command(
    scale: Annotated[float, typer.Option(help="Fraction of England's volumes to synthesise.")] = (
        DEMO_SCALE
    ),
    months: Annotated[int, typer.Option(help="Months of data.")] = DEMO_MONTHS,
    start: Annotated[
        Period, typer.Option(parser=month_option, metavar=MONTH_METAVAR, help="First month.")
    ] = DEMO_START,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = DEMO_SEED,
    home: Annotated[
        Path | None, typer.Option("--home", help="Home folder (default: $OVERSIGHT_HOME).")
    ] = None,
    port: Annotated[int, typer.Option(help="Port for the portal.")] = 8000,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the portal when built.")
    ] = True,
) -> None:
    """Build demo data (a synthetic NHS), compute every metric, and serve the portal."""
    from oversight.publish.serve import run_server

    home_dir = config.home(home)
    started = time.perf_counter()
    build_demo(home_dir, scale=scale, months=months, start=start, seed=seed)
    typer.echo(f"Demo built in {home_dir} in {time.perf_counter() - started:.0f} s.")
    if serve:
        run_server(home_dir, port=port)
