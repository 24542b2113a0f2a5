"""`oversight demo`: a synthetic NHS, every metric computed, and the portal serving it.

The whole path (synth → compute → publish) on data with known, injected truth, so a new user
sees the platform working end to end in a couple of minutes on a laptop.
"""

from __future__ import annotations

import shutil
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from oversight.home import Home
from oversight.options import HomeOption, resolve_home
from oversight.period import Period
from oversight.period_cli import MONTH_METAVAR, month_option

DEMO_SCALE = 0.005
DEMO_MONTHS = 36
DEMO_START = Period.month(2023, 4)
DEMO_SEED = 2023


class DemoData(StrEnum):
    """What the demo home is built from."""

    synthetic = "synthetic"
    published = "published"


class NotADemoHome(ValueError):
    """The home holds a lake that is not synthetic demo data; the demo will not touch it."""


def _prepare_home(home: Home) -> None:
    """Clear a previous demo (lake, results, its SQLite database); refuse a home with real data.

    A demo home is disposable: its database only describes its lake, so both go together,
    otherwise revisions recorded there would point at files the rebuild deleted.
    """
    lake = home.lake_dir
    if lake.exists() and any(lake.iterdir()) and not home.synthetic_manifest.exists():
        raise NotADemoHome(
            f"{home.root} holds a lake that is not synthetic demo data; choose another home"
        )
    for sub in (lake, home.results_dir, home.judgements_dir, home.incoming_dir):
        if sub.exists():
            shutil.rmtree(sub)
    if home.database_file is not None:
        home.database_file.unlink(missing_ok=True)
    home.root.mkdir(parents=True, exist_ok=True)


def seed_register(home: Home) -> list[str]:
    """Copy the catalogue's national targets and its example local targets into the demo's
    target register, so `oversight target list` and the accountability map show them and the
    judge reads its targets from the register (audited as target.seed by the demo)."""
    from oversight.catalogue import load
    from oversight.judge import register

    return register.seed(home.database(), load(), actor="demo")


def build_demo(home: Home, *, scale: float, months: int, start: Period | str, seed: int,
               progress: bool = True) -> None:
    """Write the synthetic lake into `home`, register it, compute every metric over it and
    judge the results."""
    from oversight import config
    from oversight.metrics.command import compute_with_bar
    from oversight.pipeline import compute_and_judge
    from oversight.synth import generate
    from oversight.synth.register import register_lake

    _prepare_home(home)
    generate(home.lake_dir, scale=scale, months=months, start=start, seed=seed,
             progress=progress)
    register_lake(home, progress=progress)  # lineage and the burden report see the returns
    from oversight.annotations.demo_seed import seed as annotate_planted

    annotate_planted(home)  # the charts show where the synthetic NHS planted steps and trends
    seed_register(home)
    if progress:
        compute_with_bar(home, full=True, engine="duckdb")
    else:
        compute_and_judge(home, full=True, engine="duckdb", deciles=config.deprivation_file())


def demo_command(
    scale: Annotated[float, typer.Option(help="Fraction of England's volumes to synthesise.")] = (
        DEMO_SCALE
    ),
    months: Annotated[int, typer.Option(help="Months of data.")] = DEMO_MONTHS,
    start: Annotated[
        Period, typer.Option(parser=month_option, metavar=MONTH_METAVAR, help="First month.")
    ] = DEMO_START,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = DEMO_SEED,
    home: HomeOption = None,
    port: Annotated[int, typer.Option(help="Port for the portal.")] = 8000,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the portal when built.")
    ] = True,
    data: Annotated[
        DemoData,
        typer.Option(
            help="synthetic: a synthetic NHS with known truth; published: NHS England's "
            "published statistics (--source)."
        ),
    ] = DemoData.synthetic,
    source: Annotated[
        Path | None,
        typer.Option(
            help="Folder of published files for --data published (default "
            "$OVERSIGHT_PUBLISHED_DATA, else ../shared/data/real)."
        ),
    ] = None,
) -> None:
    """Build demo data (a synthetic NHS, or NHS England's published statistics), compute
    every metric, and serve the portal."""
    from oversight.publish.serve import run_server

    where = resolve_home(home)
    started = time.perf_counter()
    try:
        if data is DemoData.published:
            from oversight import config
            from oversight.published_demo import NotAPublishedHome, build_published

            folder = config.published_data(source)
            if not folder.is_dir():
                raise typer.BadParameter(f"{folder}: no such folder", param_hint="--source")
            try:
                build_published(where, folder)
            except NotAPublishedHome as error:
                raise NotADemoHome(str(error)) from None
        else:
            build_demo(where, scale=scale, months=months, start=start, seed=seed)
    except NotADemoHome as error:
        raise typer.BadParameter(str(error), param_hint="--home") from None
    typer.echo(f"Demo built in {where.root} in {time.perf_counter() - started:.0f} s.")
    if serve:
        run_server(where, port=port)
