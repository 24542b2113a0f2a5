"""`oversight serve`: the portal over an existing home."""

from __future__ import annotations

from typing import Annotated

import typer

from oversight.home import Home
from oversight.options import HomeOption, resolve_home

DEFAULT_PORT = 8000


def run_server(home: Home, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
    import uvicorn

    from oversight.publish.web.app import create_app

    app = create_app(home, publish=True, warm=True)
    typer.echo(f"Serving the portal for {home.root} on http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def serve_command(
    home: HomeOption = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_PORT,
) -> None:
    """Serve the portal over an existing home (after `oversight demo` or `oversight compute`)."""
    where = resolve_home(home)
    if not where.root.exists():
        typer.echo(f"error: home folder {where.root} does not exist; run `oversight demo` first",
                   err=True)
        raise typer.Exit(2)
    run_server(where, host=host, port=port)
