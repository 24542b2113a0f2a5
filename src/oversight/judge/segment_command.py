"""`oversight segment`: the command-line face of
`oversight.judge.segmentation.published.segment_published` (issue 11 item 7)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer

from oversight.options import HomeOption, resolve_home

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

BAR_AFTER_SECONDS = 1.0
"""Show the progress bar only once the work has taken this long."""


class _LateBar:
    """A progress callback that shows a rich bar (on a terminal's stderr) once the work takes
    a while."""

    def __init__(self, console: Console, after: float = BAR_AFTER_SECONDS) -> None:
        self.console, self.after = console, after
        self.started = time.perf_counter()
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __call__(self, description: str, done: int, total: int) -> None:
        if self.bar is None:
            if not self.console.is_terminal:
                return  # a pipe or a file: no bar, and no stray lines on stderr
            if time.perf_counter() - self.started < self.after:
                return
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            columns = (
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TimeElapsedColumn(),
            )
            self.bar = Progress(*columns, console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task(description, total=None)
        assert self.task is not None
        self.bar.update(self.task, description=description, completed=done, total=total or None)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def segment_command(
    ctx: typer.Context,
    rules: Annotated[
        str | None,
        typer.Option(
            "--rules",
            help="Rule set id from the catalogue (nof-2022, nof-2025, nof-2026); default: "
            "the one in force for the quarter.",
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            metavar="YYYY-Qn",
            help="Calendar quarter, e.g. 2025-Q3; default: the latest with three months of "
            "results.",
        ),
    ] = None,
    org: Annotated[
        str | None, typer.Option("--org", help="One organisation's code, e.g. QHM.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="A JSON list of objects, one per organisation.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Segment ICBs under an NHS Oversight Framework rule set: each one's segment, average
    score, reasons and what would move it (docs/segmentation.md). `oversight segment record`
    records the judgements NHS England makes (capability, override, decision)."""
    if ctx.invoked_subcommand is not None:
        return
    import json

    from rich.console import Console

    from oversight.catalogue import load
    from oversight.judge.segmentation.published import (
        SegmentationChoiceError,
        segment_published,
    )
    from oversight.judge.segmentation.text import render

    where = resolve_home(home)
    bar = _LateBar(Console(stderr=True))
    try:
        results = segment_published(where, rules, period, org, progress=bar)
    except SegmentationChoiceError as error:
        raise typer.BadParameter(str(error), param_hint=f"--{error.option}") from None
    except FileNotFoundError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        bar.close()
    if as_json:
        typer.echo(json.dumps([r.to_dict() for r in results], indent=2))
        return
    cat = load()
    names = {code: icb.name for code, icb in {**cat.merged_icbs, **cat.icbs}.items()}
    typer.echo(render(results, names))


segment_app = typer.Typer(invoke_without_command=True, no_args_is_help=False)
segment_app.callback()(segment_command)


def _add_record() -> None:
    from oversight.judge.record_command import record_app

    segment_app.add_typer(record_app, name="record")


_add_record()
