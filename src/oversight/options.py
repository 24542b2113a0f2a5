"""Command-line options and refusals shared by the commands: the home they work on, and the
API token a changing command acts as."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from oversight import config
from oversight.home import Home

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from oversight.collect.tokens import Principal

_errors = Console(stderr=True)

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


TokenOption = Annotated[
    str | None,
    typer.Option(envvar=config.TOKEN_ENV, help="Act as this API token (default $OVERSIGHT_TOKEN)."),
]


def refuse(message: str) -> typer.Exit:
    """A usage error or refusal: the message on stderr, exit 2 (raise what it returns)."""
    _errors.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


def acting_principal(
    token: str | None, engine: Engine, needed_for: str = "to make this change"
) -> Principal:
    """Who a command acts as; exit 2 without a valid token, saying what it is `needed_for`."""
    from oversight.collect import tokens

    if not token:
        raise refuse(f"a token is needed {needed_for}: pass --token or set {config.TOKEN_ENV}")
    who = tokens.authenticate(token, engine)
    if who is None:
        raise refuse("the token is not valid (unknown, wrong or revoked)")
    return who
