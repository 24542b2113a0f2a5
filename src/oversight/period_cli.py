"""A month on the command line: `--period 2024-06` becomes a `Period`, anything else the
period's own message as a usage error (exit 2), never a traceback."""

from __future__ import annotations

import typer

from oversight.period import Period, PeriodError

MONTH_METAVAR = "YYYY-MM"


def month_option(value: str | Period) -> Period:
    """Typer `parser=` for a month option (Typer also passes it the default, a Period)."""
    try:
        return Period.month_of(value)
    except PeriodError as error:
        raise typer.BadParameter(str(error)) from None
