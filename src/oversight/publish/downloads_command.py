"""`oversight downloads mirror`: write the public bulk downloads of a results version into
<home>/exports/open-data/<version>/ for a mirror to copy (the server's publish worker does the
same after each publication; this is for a home served by nothing, or an older version)."""

from __future__ import annotations

from typing import Annotated

import typer

from oversight.options import HomeOption, resolve_home

downloads_app = typer.Typer(help="Bulk downloads of the published results.",
                            no_args_is_help=True)


@downloads_app.command("mirror")
def mirror_command(
    home: HomeOption = None,
    version: Annotated[
        str | None,
        typer.Option(help="Results version to mirror (default: the published one)."),
    ] = None,
) -> None:
    """Write the public files (CSV, JSON Lines, Parquet, the data dictionary and a manifest)
    of a results version into <home>/exports/open-data/<version>/."""
    from oversight.publish import downloads

    where = resolve_home(home)
    kept = [v.id for v in downloads.versions(where)]
    if not kept:
        typer.echo(f"error: {where.root} has no published results; run `oversight compute` "
                   "first", err=True)
        raise typer.Exit(2)
    if version is not None and version not in kept:
        raise typer.BadParameter(
            f"no results version {version!r}; valid choices: {', '.join(kept)}",
            param_hint="--version",
        )
    folder = (downloads.mirror(where, version) if version is not None
              else downloads.mirror_current(where))
    assert folder is not None
    typer.echo(f"Mirrored the public downloads of {folder.name} into {folder}")
