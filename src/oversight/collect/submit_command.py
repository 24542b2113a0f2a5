"""`oversight submit` and `oversight token`: the command-line face of the submission service.

Exit codes of `submit`: 0 accepted, 1 rejected (or waiting for --confirm), 2 usage error or
a file over one of its collection's limits (docs/collection.md "Limits").
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from oversight import config
from oversight.collect.fields import FieldError, check_fields
from oversight.collect.organisations import OrganisationError, check_token_org
from oversight.home import Home
from oversight.options import HomeOption, resolve_home
from oversight.period import Period
from oversight.period_cli import MONTH_METAVAR, month_option

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue
    from oversight.collect.outcome import IngestResult

console = Console(stderr=True)
out = Console()
SHOWN_ISSUES = 50


def _usage(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(2)


def submit_command(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX, JSON or Parquet file to submit.")],
    collection: Annotated[str, typer.Option(help="Collection id from the catalogue.")],
    org: Annotated[str, typer.Option(help="ODS code of the organisation (ICB) it is for.")],
    period: Annotated[
        Period,
        typer.Option(
            parser=month_option, metavar=MONTH_METAVAR, help="Month the data is for, YYYY-MM."
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate only; store nothing.")
    ] = False,
    confirm: Annotated[bool, typer.Option("--confirm", help="Accept despite warnings.")] = False,
    token: Annotated[
        str | None, typer.Option(envvar=config.TOKEN_ENV, help="Submit as this API token.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    publish: Annotated[
        bool,
        typer.Option(help="Recompute, judge and publish the figures it changes, and announce "
                     "them in the change feed, before returning."),
    ] = True,
    home: HomeOption = None,
) -> None:
    """Validate a file and store it as a new revision of a collection."""
    from oversight.catalogue import load
    from oversight.collect import tokens
    from oversight.collect.ingest import ConcurrentSubmissionError
    from oversight.collect.limits import LimitExceeded

    if not file.is_file():
        raise _usage(f"{file}: no such file")
    catalogue = load()
    try:
        checked = check_fields(catalogue, collection, org, period)
    except FieldError as error:
        raise _usage(str(error)) from error
    where = resolve_home(home)
    submitter = f"cli:{getpass.getuser()}"
    if token is not None:
        who = tokens.authenticate(token, where.database())
        if who is None:
            raise _usage("the token is not valid")
        refusal = who.submit_refusal(checked.org, checked.collection, checked.sent_by)
        if refusal is not None:
            raise _usage(refusal)
        submitter = who.submitter
    try:
        result = _run(
            file,
            checked.collection,
            checked.org,
            checked.period,
            submitter,
            dry_run,
            confirm,
            catalogue,
            where,
        )
    except ConcurrentSubmissionError as error:
        console.print(f"[red]not stored:[/red] {error}", highlight=False)
        raise typer.Exit(1) from error
    except LimitExceeded as refused:
        raise _usage(refused.message) from None
    if as_json:
        out.print_json(json.dumps(result.to_dict(), default=str))
    else:
        _print(result)
    if publish and result.created_revision:
        _publish(where, catalogue, quiet=as_json)
    raise typer.Exit(0 if result.accepted else 1)


def _publish(home: Home, catalogue: Catalogue, quiet: bool) -> None:
    """The publish path inline (the server runs it in a worker): every accepted revision not
    yet published, this one included (oversight.publish.queue)."""
    from oversight.publish.queue import publish_pending

    outcome = publish_pending(home, catalogue=catalogue)
    if quiet:
        return
    if outcome is None:
        console.print("Not published: the home has no computed results yet (run `oversight "
                      "compute`).", highlight=False)
    elif outcome.version is not None:
        console.print(f"Published results {outcome.version} ({outcome.how}); "
                      f"{len(outcome.entries)} change-feed entries.", highlight=False)


def _run(
    file: Path,
    collection: str,
    org: str,
    period: str,
    submitter: str,
    dry_run: bool,
    confirm: bool,
    catalogue: Catalogue,
    home: Home,
) -> IngestResult:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from oversight.collect.ingest import ingest

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f} rows"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(f"{file.name}", total=None)

        def progress(rows: int, estimate: int | None) -> None:
            bar.update(task, completed=rows, total=max(estimate or rows, rows))

        return ingest(
            file,
            collection=collection,
            org=org,
            period=period,
            submitter=submitter,
            dry_run=dry_run,
            confirm=confirm,
            catalogue=catalogue,
            lake=home.lake(),
            engine=home.database(),
            progress=progress,
        )


def _print(result: IngestResult) -> None:
    report = result.report
    issues = report.get("issues", [])
    for issue in issues[:SHOWN_ISSUES]:
        out.print(describe_issue(issue), highlight=False, soft_wrap=True)
    if len(issues) > SHOWN_ISSUES:
        out.print(f"... and {len(issues) - SHOWN_ISSUES} more issues")
    for s in report.get("suppressed", []):
        out.print(f"... {s['count']} more {s['severity']}s of rule {s['rule']} ({s['column']})")
    verb = "would be" if result.dry_run else "is"
    if result.status == "accepted":
        rev = result.revision
        if rev is None:
            out.print(f"[green]accepted[/green] (dry run): {result.rows:,} rows are valid")
        elif result.created_revision:
            out.print(f"[green]accepted[/green]: revision {rev.id} ({rev.row_count:,} rows)")
        else:
            out.print(f"[green]accepted[/green]: identical to revision {rev.id}; nothing new")
    elif result.status == "pending_confirmation":
        out.print("[yellow]not stored[/yellow]: warnings need confirmation; rerun with --confirm")
    else:
        out.print(f"[red]rejected[/red]: the submission {verb} not stored")
    if result.submission_id:
        out.print(f"submission {result.submission_id}")


def describe_issue(issue: dict[str, Any]) -> str:
    """One issue on one line: where (file, row, column), which rule, the value, why."""
    row = "whole file" if issue.get("row") is None else f"row {issue['row']}"
    column = f", column {issue['column']}" if issue.get("column") else ""
    value = f" value {issue['value']!r}" if issue.get("value") is not None else ""
    return (
        f"{issue.get('severity', 'error')}: {issue.get('file')} {row}{column}: "
        f"rule {issue.get('rule')}{value}: {issue.get('message')}"
    )


def expire_waiting_command(home: HomeOption = None) -> None:
    """Expire submissions waiting for confirmation longer than OVERSIGHT_WAITING_DAYS (default
    14) and remove the files the API holds for them (the API also does this at startup and on
    every submission)."""
    from oversight.collect import waiting

    try:
        policy = config.waiting_policy()
    except ValueError as error:
        raise _usage(str(error)) from error
    where = resolve_home(home)
    actor = f"cli:{getpass.getuser()}"
    expired = waiting.expire(where.database(), where.incoming_dir, policy, actor=actor)
    for submission_id in expired:
        out.print(f"expired {submission_id}")
    out.print(f"{len(expired)} waiting submission(s) older than {policy.days:g} days expired")


token_app = typer.Typer(help="API tokens for submitters (shown once, stored hashed).")


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option(help="Who or what the token is for.")],
    org: Annotated[str | None, typer.Option(help="Organisation it may submit for.")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="National token: any org.")] = False,
    role: Annotated[
        str | None,
        typer.Option(
            help="submitter (an ICB), nhse (national oversight), dhsc (reads), cqc (reads; "
            "makes CQC assessments), admin."
        ),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Create a token and print it (the only time it is shown). An organisation the
    catalogue does not know is a usage error; one that has merged is warned about."""
    from oversight.catalogue import load
    from oversight.collect import tokens

    catalogue = load()
    if admin and role not in (None, "admin"):
        raise _usage(f"--admin and --role {role} disagree; give one of them")
    role = "admin" if admin else role or "submitter"
    try:
        notice = check_token_org(catalogue, org, dt.date.today()) if org is not None else None
        text = tokens.create(
            name, org, role, engine=resolve_home(home).database(), catalogue=catalogue
        )
    except (OrganisationError, ValueError) as error:
        raise _usage(str(error)) from error
    if notice is not None:
        console.print(f"[yellow]warning:[/yellow] {notice}", highlight=False)
    out.print(text, soft_wrap=True, highlight=False)


@token_app.command("list")
def token_list(home: HomeOption = None) -> None:
    """List tokens (never their secrets)."""
    from rich.table import Table

    from oversight.collect import tokens

    table = Table("id", "name", "org", "role", "created", "revoked")
    for t in tokens.listing(resolve_home(home).database()):
        table.add_row(
            t.id, t.name, t.org_code or "-", t.role, str(t.created_at), str(t.revoked_at or "-")
        )
    out.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="Token id (see `token list`).")],
    home: HomeOption = None,
) -> None:
    """Revoke a token."""
    from oversight.collect import tokens

    if not tokens.revoke(token_id, resolve_home(home).database()):
        raise _usage(f"no live token {token_id!r}")
    out.print(f"revoked {token_id}")
