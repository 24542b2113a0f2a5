"""`oversight compute`: the command-line face of `oversight.metrics.compute`."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from oversight.options import HomeOption, resolve_home

if TYPE_CHECKING:
    from rich.console import Console

    from oversight.home import Home
    from oversight.metrics.results import ResultsVersion


def compute_with_bar(home: Home, console: Console | None = None, **options: Any) -> ResultsVersion:
    """Compute (`oversight.metrics.compute(home, **options)`), judge the results and evaluate
    the escalation cases (oversight.pipeline), with a progress bar on the console."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from oversight import config
    from oversight.pipeline import compute_and_judge

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console) as bar:
        task = bar.add_task("computing", total=None)

        def progress(description: str, done: int, total: int) -> None:
            bar.update(task, description=description, completed=done, total=max(total, 1))

        version, _ = compute_and_judge(
            home, progress=progress, deciles=config.deprivation_file(), **options
        )
        return version


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
    home: HomeOption = None,
) -> None:
    """Compute every metric for every ICB, region and England, with SPC, intervals, funnels."""
    from rich.console import Console

    from oversight import config
    from oversight.metrics.results import current_version
    from oversight.metrics.stage import SinceError

    where = resolve_home(home)
    try:
        engine_name = config.engine_name(engine)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--engine") from None
    console = Console()
    before = current_version(where)
    started = time.perf_counter()
    evaluated: list[Any] = []
    try:
        version = compute_with_bar(
            where, console, full=full, since=since, engine=engine_name, on_cases=evaluated.extend
        )
    except SinceError as error:
        raise typer.BadParameter(str(error), param_hint="--since") from None
    if version.id == before and not full:
        console.print("No ICB-month changed since the published results; nothing to do.")
    else:
        took = time.perf_counter() - started
        console.print(
            f"Published results {version.id}: {version.row_count:,} rows, {version.how}, "
            f"{version.engine}, {took:.1f} s"
        )
    _report_cases(evaluated, console)


def _report_cases(outcomes: list[Any], console: Console) -> None:
    """What the pipeline's evaluation of the escalation cases found (judge.escalation)."""
    moved = [e for e in outcomes if e.moved]
    if outcomes:
        console.print(
            f"Escalation cases: {len(outcomes)} evaluated, {len(moved)} now meet their exit "
            "criteria" + (f" ({', '.join(e.case_id for e in moved)})" if moved else ""),
            soft_wrap=True,
        )
