"""`oversight serve`: the portal over an existing home."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from oversight.config import home as resolve_home

DEFAULT_PORT = 8000


def run_server(home: Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
    import uvicorn

    from oversight.publish.web.app import create_app

    app = create_app(home)
    typer.echo(f"Serving the portal for {home} on http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def serve_command(
    home: Annotated[
        Path | None, typer.Option("--home", help="Home folder (default: $OVERSIGHT_HOME).")
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_PORT,
) -> None:
    """Serve the portal over an existing home (after `oversight demo` or `oversight compute`)."""
    resolved = resolve_home(home)
    if not resolved.exists():
        typer.echo(f"error: home folder {resolved} does not exist; run `oversight demo` first",
                   err=True)
        raise typer.Exit(2)
    run_server(resolved, host=host, port=port)
