"""`oversight synth`: a thin command over `oversight.synth.generate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oversight.options import HomeOption, resolve_home
from oversight.period import Period
from oversight.period_cli import MONTH_METAVAR, month_option

FIRST_MONTH = Period.month(2023, 4)


def synth_command(
    out: Annotated[
        Path | None,
        typer.Option(
            help="Lake directory to write: <dataset>/<YYYY-MM>/<ICB>.parquet (default: the "
            "home's lake)."
        ),
    ] = None,
    scale: Annotated[float, typer.Option(help="Fraction of national volumes (1.0 ≈ England).")] = (
        0.02
    ),
    months: Annotated[int, typer.Option(help="Number of months to generate.")] = 12,
    start: Annotated[
        Period, typer.Option(parser=month_option, metavar=MONTH_METAVAR, help="First month.")
    ] = FIRST_MONTH,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same bytes.")] = 1,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    workers: Annotated[int, typer.Option(help="Worker processes (1 = no extra processes).")] = 2,
    home: HomeOption = None,
) -> None:
    """Generate a synthetic NHS (record-level Parquet for all 42 ICBs) with injected truth."""
    from oversight.synth.build import generate
    from oversight.synth.manifest import manifest_path

    if out is not None and home is not None:
        raise typer.BadParameter("give --out or --home, not both", param_hint="--out")
    out = out if out is not None else resolve_home(home).lake_dir
    try:
        result = generate(
            out,
            scale=scale,
            months=months,
            start=start,
            seed=seed,
            progress=progress,
            workers=workers,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    typer.echo(
        f"wrote {result.total_rows:,} rows for {len(result.icb_codes)} ICBs × {result.months} "
        f"months to {out}; manifest {manifest_path(out)} ({len(result.injections)} injections)"
    )
