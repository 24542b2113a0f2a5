"""Command-line options shared by every command that works on a home."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oversight import config
from oversight.home import Home

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home", help="Home folder (default: $OVERSIGHT_HOME, else ~/.oversight).",
        show_default=False,
    ),
]


def resolve_home(option: Path | None) -> Home:
    """The home a command works on: its --home, else the environment's (see config)."""
    return config.home(option)
