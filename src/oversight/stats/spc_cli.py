"""`oversight spc`: SPC charts of a CSV file's series, printed or written as CSV.

The I/O edge of ``oversight.stats.spc``: it reads the file, calls ``spc_many`` (one series
per value of ``--by``, or one series) and shows the per-point table with rich.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    import pandas as pd

_SHOWN = ["f", "x", "y", "mean_col", "lpl", "upl", "special_cause_type", "point_type"]


def spc_command(
    file: Annotated[Path, typer.Argument(help="CSV file with one row per point.", exists=True)],
    value: Annotated[str, typer.Option(help="Column of values.")],
    date: Annotated[str, typer.Option(help="Column of dates (sorted for you; no duplicates).")],
    by: Annotated[str | None, typer.Option(help="Column naming the series (facet).")] = None,
    improvement: Annotated[
        str, typer.Option(help="increase, decrease or neutral: which way is better.")
    ] = "increase",
    target: Annotated[float | None, typer.Option(help="Target for the assurance icon.")] = None,
    fix_after: Annotated[
        int | None, typer.Option(help="Fix the limits after this many points (>= 12).")
    ] = None,
    screen_outliers: Annotated[
        bool, typer.Option(help="Drop moving ranges >= 3.267 × AMR (one pass).")
    ] = True,
    out: Annotated[Path | None, typer.Option(help="Write the per-point table here (CSV).")] = None,
) -> None:
    """XmR charts with the Making Data Count rules (NHSRplotthedots semantics)."""
    import pandas as pd

    from oversight.stats.spc import spc_many

    table = pd.read_csv(file)
    key = by or "__series__"
    if by is None:
        table[key] = "no facet"
    try:
        result = spc_many(
            table,
            by=key,
            date=date,
            value=value,
            improvement=improvement,
            target=target,
            fix_after_n_points=fix_after,
            screen_outliers=screen_outliers,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    if out is not None:
        result.points.to_csv(out, index=False)
        typer.echo(f"wrote {len(result.points):,} points of {len(result.summary)} series to {out}")
    else:
        _print(result.points)
    for series, row in result.summary.iterrows():
        icons = f"variation {row['variation_icon']}"
        if row["assurance_icon"] is not None:
            icons += f", assurance {row['assurance_icon']}"
        typer.echo(f"{series}: {icons}" + "".join(f"\n  warning: {w}" for w in row["warnings"]))


def _print(points: pd.DataFrame) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*_SHOWN)
    for row in points[_SHOWN].itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    Console().print(table)


def _cell(value: object) -> str:
    import pandas as pd

    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return str(value.date())
    return str(value)
