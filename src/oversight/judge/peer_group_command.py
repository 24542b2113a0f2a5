"""`oversight peer-group add|list|retire`: custom peer groups (judge.peer_groups).

An ICB token adds groups its ICB owns; an nhse or admin token adds NHS England's. Listing needs
no token. Exit codes: 0 done, 2 refused or bad input (nothing stored).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from oversight.judge.target_command import JsonOption, ReasonOption, out, parse_date
from oversight.options import HomeOption, TokenOption, acting_principal, refuse, resolve_home

peer_group_app = typer.Typer(help="Custom peer groups chosen by an ICB or NHS England.")


@peer_group_app.command("add")
def add_command(
    name: Annotated[str, typer.Argument(help="The group's name.")],
    member: Annotated[list[str], typer.Option(help="An ICB code in the group (repeat).")],
    reason: ReasonOption,
    valid_from: Annotated[
        str | None, typer.Option("--from", help="YYYY-MM-DD it starts (default today).")
    ] = None,
    valid_to: Annotated[
        str | None, typer.Option("--to", help="YYYY-MM-DD it ends (default open).")
    ] = None,
    description: Annotated[str, typer.Option(help="What the group is for.")] = "",
    token: TokenOption = None,
    home: HomeOption = None,
) -> None:
    """Add a named peer group, dated and audited."""
    from oversight.catalogue import load
    from oversight.judge import peer_groups

    engine = resolve_home(home).database()
    who = acting_principal(token, engine)
    start = parse_date(valid_from, "--from") or dt.date.today()
    end = parse_date(valid_to, "--to")
    try:
        group = peer_groups.add(
            engine,
            name,
            member,
            start,
            who,
            load(),
            reason=reason,
            valid_to=end,
            description=description,
        )
    except peer_groups.PeerGroupError as error:
        raise refuse(f"not stored: {error}") from None
    out.print(f"added peer group {group.id}: {', '.join(group.members)}", highlight=False)


@peer_group_app.command("list")
def list_command(
    on: Annotated[str | None, typer.Option(help="Only groups valid on this YYYY-MM-DD.")] = None,
    owner: Annotated[
        str | None, typer.Option(help="Only this ICB's groups, or nhse for NHS England's.")
    ] = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """List custom peer groups (all, or those valid on a date)."""
    from rich.table import Table

    from oversight.judge import peer_groups

    engine = resolve_home(home).database()
    day = parse_date(on, "--on")
    if day is not None:
        groups = peer_groups.groups_on(engine, day, owner=owner)
    else:
        wanted = None if owner in (None, peer_groups.NATIONAL_OWNER) else owner
        groups = [g for g in peer_groups.listing(engine) if owner is None or g.owner_org == wanted]
    if as_json:
        out.print_json(json.dumps([g.to_dict() for g in groups]))
        return
    table = Table("id", "name", "owner", "members", "from", "to", "retired")
    for g in groups:
        table.add_row(
            g.id,
            g.name,
            g.owner_org or "NHS England",
            ", ".join(g.members),
            str(g.valid_from),
            str(g.valid_to or "-"),
            str(g.retired_on or "-"),
        )
    out.print(table)


@peer_group_app.command("retire")
def retire_command(
    group_id: Annotated[str, typer.Argument(help="Peer group id (see `peer-group list`).")],
    reason: ReasonOption,
    on: Annotated[str | None, typer.Option(help="YYYY-MM-DD it ends (default today).")] = None,
    token: TokenOption = None,
    home: HomeOption = None,
) -> None:
    """Retire a peer group from a date (it stays in the history)."""
    from oversight.judge import peer_groups

    engine = resolve_home(home).database()
    who = acting_principal(token, engine)
    day = parse_date(on, "--on") or dt.date.today()
    try:
        group = peer_groups.retire(engine, group_id, who, reason=reason, on=day)
    except peer_groups.PeerGroupError as error:
        raise refuse(f"not changed: {error}") from None
    out.print(f"retired peer group {group.id} from {group.retired_on}", highlight=False)
