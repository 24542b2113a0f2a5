"""`oversight compute`: compute every catalogue metric and publish a new results version."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from oversight import config
from oversight.metrics.compute import used_items
from oversight.metrics.engines import connect
from oversight.metrics.incremental import apply_changes, detect_changes
from oversight.metrics.lakefiles import lake_periods
from oversight.metrics.organisations import OrgTree
from oversight.metrics.pipeline import run
from oversight.metrics.results import current_version, publish, results_dir
from oversight.metrics.results import load as load_results
from oversight.metrics.since import Change, UnknownRevision, changes_since
from oversight.store import database


def compute_command(
    full: Annotated[bool, typer.Option("--full", help="Recompute everything.")] = False,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Recompute incrementally on top of the published results: SINCE is a "
            "submission revision id (recompute the ICB-months it and every later revision "
            "touched) or a results version (recompute the ICB-months whose revision differs "
            "from it; 'current' for the published one).",
        ),
    ] = None,
    engine: Annotated[
        str | None, typer.Option("--engine", help="duckdb (default) or spark.")
    ] = None,
    home: Annotated[Path | None, typer.Option("--home", help="OVERSIGHT_HOME override.")] = None,
) -> None:
    """Compute every metric for every ICB, region and England, with SPC, intervals, funnels."""
    from oversight.catalogue import load

    console = Console()
    home_dir = config.home(home)
    lake = config.lake_dir(home_dir)
    cat = load()
    metrics = list(cat.metrics.values())
    datasets = list(used_items(metrics, cat.data_items))
    targets = list(cat.targets.values())
    eng = connect(engine)
    started = time.perf_counter()
    base, changes = None, None
    if not full and (since or current_version(home_dir)):
        version, changes = _since(home_dir, since, datasets)
        base = load_results(home_dir, version)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        if base is None:
            periods = lake_periods(lake, datasets)
            tree = OrgTree.from_catalogue(cat, periods)
            task = bar.add_task("computing", total=len(datasets) + 1)

            def step(name: str) -> None:
                bar.update(task, advance=1, description=f"computing {name}")

            comp = run(lake, metrics, cat.data_items, tree, eng, progress=step, targets=targets)
            bar.update(task, completed=len(datasets) + 1)
            how = "full"
        else:
            tree = OrgTree.from_catalogue(cat, base.periods)
            if changes is None:
                changes = detect_changes(base, lake, datasets)
            task = bar.add_task("recomputing changed ICB-months", total=max(len(changes), 1))
            comp = base
            for change in changes:
                comp = apply_changes(
                    comp, [change], lake, metrics, cat.data_items, tree, eng, targets
                )
                bar.update(task, advance=1)
            how = f"incremental ({len(changes)} ICB-months)"
            if not changes:
                console.print("No ICB-month changed since the published results; nothing to do.")
                eng.close()
                return
    version = publish(comp, home_dir, {"engine": eng.name, "how": how})
    eng.close()
    took = time.perf_counter() - started
    console.print(
        f"Published results {version}: {len(comp.metrics):,} rows, {how}, {eng.name}, {took:.1f} s"
    )


def _since(
    home_dir: Path, since: str | None, datasets: list[str]
) -> tuple[str | None, list[Change] | None]:
    """The results version to start from and, for a revision id, the changes to apply (None:
    detect them by comparing the lake with that version)."""
    if since in (None, "current"):
        return None, None
    if (results_dir(home_dir) / since).is_dir():
        return since, None
    store = database.connect(config.database_url(home_dir))
    try:
        changes = changes_since(since, store)
    except UnknownRevision:
        raise typer.BadParameter(
            f"{since!r} is neither a results version under {results_dir(home_dir)} nor a "
            "revision id in the store",
            param_hint="--since",
        ) from None
    if current_version(home_dir) is None:
        raise typer.BadParameter(
            "no published results to update: run `oversight compute --full` first",
            param_hint="--since",
        )
    return None, [c for c in changes if c[0] in datasets]
