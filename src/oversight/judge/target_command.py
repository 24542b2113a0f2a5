"""`oversight target list|show|add|publish|retire|revise|seed`: the target register's command line.

Changes act as an API token (`--token`, default $OVERSIGHT_TOKEN): a submitter token for its own
ICB's local targets, an nhse token for national targets, an admin token for both (see
judge.authority). Reading needs no token. Exit codes: 0 done, 2 refused or bad input (nothing
stored).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import typer
from rich.console import Console

from oversight.options import HomeOption, TokenOption, acting_principal, refuse, resolve_home

out = Console()

target_app = typer.Typer(help="The target register: national and local targets.")

ReasonOption = Annotated[str, typer.Option(help="Why (kept in the audit log).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def parse_date(value: str | None, what: str) -> dt.date | None:
    """A YYYY-MM-DD option as a date; exit 2 naming the option otherwise."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise refuse(f"{what} must be a date like 2025-04-01, not {value!r}") from None


def parse_trajectory(text: str | None) -> list[tuple[str, float]] | None:
    """`2025-04:72,2025-05:72.5` as (month, value) pairs; months are checked by the register."""
    if text is None:
        return None
    points: list[tuple[str, float]] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        month, sep, value = part.partition(":")
        try:
            if not sep:
                raise ValueError
            points.append((month.strip(), float(value)))
        except ValueError:
            raise refuse(
                f"trajectory point {part!r} must look like 2025-04:72.5 (month:value)"
            ) from None
    return points


def _print_json(value: Any) -> None:
    out.print_json(json.dumps(value, default=str))


@target_app.command("list")
def list_command(
    scope: Annotated[str | None, typer.Option(help="national or local.")] = None,
    icb: Annotated[str | None, typer.Option(help="Only this ICB's local targets.")] = None,
    status: Annotated[str | None, typer.Option(help="draft, published or retired.")] = None,
    year: Annotated[str | None, typer.Option(help="Planning year, e.g. 2025/26.")] = None,
    accountability: Annotated[
        bool, typer.Option("--accountability", help="Accountable body and owner of each.")
    ] = False,
    by_metric: Annotated[
        bool,
        typer.Option("--by-metric", help="Per metric: national, local or both; ICSs choosing it."),
    ] = False,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """List targets; --accountability says who answers for each, --by-metric which metrics are
    national, local or both and how many ICSs chose each locally (published targets)."""
    from rich.table import Table

    from oversight.judge import register
    from oversight.period import Period, PeriodError

    if year is not None:
        try:
            year = str(Period.parse_planning_year(year))
        except PeriodError as error:
            raise refuse(f"--year: {error}") from None
    engine = resolve_home(home).database()
    if by_metric:
        coverage = register.metric_coverage(engine, planning_year=year)
        if as_json:
            _print_json(
                [
                    {
                        "metric": c.metric_id,
                        "kind": c.kind,
                        "national": c.national,
                        "local_icbs": list(c.local_icbs),
                        "local_count": len(c.local_icbs),
                    }
                    for c in coverage
                ]
            )
            return
        table = Table("metric", "national/local", "ICSs choosing it locally", "which")
        for c in coverage:
            table.add_row(c.metric_id, c.kind, str(len(c.local_icbs)), ", ".join(c.local_icbs))
        out.print(table)
        return
    targets = register.listing(engine, scope=scope, icb_code=icb, status=status, planning_year=year)
    if accountability:
        if as_json:
            _print_json(
                [
                    {
                        "target_id": t.id,
                        "scope": t.scope,
                        "icb": t.icb_code,
                        "metric": t.metric_id,
                        "planning_year": t.planning_year,
                        "status": t.status,
                        "accountable_body": t.accountable_body,
                        "accountable_name": t.accountable_name,
                        "owner": t.owner,
                    }
                    for t in targets
                ]
            )
            return
        table = Table("target", "status", "accountable body", "accountable", "owner")
        for t in targets:
            table.add_row(t.id, t.status, t.accountable_body, t.accountable_name, t.owner)
        out.print(table)
        return
    if as_json:
        _print_json([t.to_dict() for t in targets])
        return
    table = Table("target", "scope", "ICB", "metric", "year", "target", "status", "version")
    for t in targets:
        table.add_row(
            t.id,
            t.scope,
            t.icb_code or "-",
            t.metric_id,
            t.planning_year,
            f"{t.comparison} {t.value:g}",
            t.status,
            str(t.version),
        )
    out.print(table)
    out.print(f"{len(targets)} targets")


@target_app.command("show")
def show_command(
    target_id: Annotated[str, typer.Argument(help="Target id (see `target list`).")],
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """One target and its audited history (who, when, what, why)."""
    from oversight.judge import register

    engine = resolve_home(home).database()
    try:
        target = register.get(engine, target_id)
        events = register.history(engine, target_id)
    except register.RegisterError as error:
        raise refuse(str(error)) from None
    if as_json:
        history = [
            {
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "target": e.target_id,
                "reason": e.reason,
            }
            for e in events
        ]
        _print_json({"target": target.to_dict(), "history": history})
        return
    for key, value in target.to_dict().items():
        out.print(f"{key}: {value}", highlight=False, soft_wrap=True)
    out.print("history:")
    for e in events:
        why = f" because {e.reason}" if e.reason else ""
        out.print(
            f"  {e.at:%Y-%m-%d %H:%M} {e.actor} {e.action} {e.target_id}{why}",
            highlight=False,
            soft_wrap=True,
        )


@target_app.command("add")
def add_command(
    scope: Annotated[str, typer.Option(help="national or local.")],
    metric: Annotated[str, typer.Option(help="Catalogue metric id, or a new local metric id.")],
    year: Annotated[str, typer.Option(help="Planning year, e.g. 2025/26.")],
    value: Annotated[float, typer.Option(help="The target value.")],
    comparison: Annotated[str, typer.Option(help=">=, <=, >, < or ==.")],
    deadline: Annotated[str, typer.Option(help="YYYY-MM-DD by which it is to be met.")],
    owner: Annotated[str, typer.Option(help="Named person or post answerable for it.")],
    rationale: Annotated[str, typer.Option(help="Why this target and value.")],
    icb: Annotated[str | None, typer.Option(help="ICB code (local targets).")] = None,
    date_set: Annotated[str | None, typer.Option(help="YYYY-MM-DD agreed (default today).")] = None,
    trajectory: Annotated[
        str | None, typer.Option(help="Monthly plan: 2025-04:72,2025-05:72.5,...")
    ] = None,
    accountable_body: Annotated[
        str | None,
        typer.Option(help="icb_board, trust_board or place (local); nhs_england (national)."),
    ] = None,
    accountable_name: Annotated[
        str | None, typer.Option(help="The trust's ODS code, or the place's name.")
    ] = None,
    partner: Annotated[
        list[str] | None, typer.Option(help="A partner who agreed it (repeat).")
    ] = None,
    metric_name: Annotated[str | None, typer.Option(help="Name of a new local metric.")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit of a new local metric.")] = None,
    target_id: Annotated[str | None, typer.Option("--id", help="Id (default derived).")] = None,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Add a target as a draft (publish it with `target publish`)."""
    from oversight.catalogue import load
    from oversight.judge import register

    engine = resolve_home(home).database()
    who = acting_principal(token, engine)
    spec = register.TargetSpec(
        scope=scope,
        metric_id=metric,
        planning_year=year,
        value=value,
        comparison=comparison,
        deadline=parse_date(deadline, "--deadline") or dt.date.min,
        date_set=parse_date(date_set, "--date-set") or dt.date.today(),
        owner=owner,
        rationale=rationale,
        icb_code=icb,
        accountable_body=accountable_body,
        accountable_name=accountable_name,
        trajectory=parse_trajectory(trajectory) or (),
        partners=tuple(partner or ()),
        metric_name=metric_name,
        unit=unit,
    )
    try:
        record = register.add(engine, spec, who, load(), target_id=target_id)
    except (register.TargetInputError, register.RegisterError) as error:
        raise refuse(f"not stored: {error}") from None
    if as_json:
        _print_json(record.to_dict())
    else:
        out.print(f"added {record.id} (draft)", highlight=False)


def _step(step: str, target_id: str, reason: str, token: str | None, home: Any) -> None:
    from oversight.judge import register

    engine = resolve_home(home).database()
    who = acting_principal(token, engine)
    try:
        record = getattr(register, step)(engine, target_id, who, reason)
    except register.RegisterError as error:
        raise refuse(f"not changed: {error}") from None
    out.print(f"{record.id} is now {record.status}", highlight=False)


@target_app.command("publish")
def publish_command(
    target_id: Annotated[str, typer.Argument(help="Target id.")],
    reason: ReasonOption,
    token: TokenOption = None,
    home: HomeOption = None,
) -> None:
    """Publish a draft target (draft → published)."""
    _step("publish", target_id, reason, token, home)


@target_app.command("retire")
def retire_command(
    target_id: Annotated[str, typer.Argument(help="Target id.")],
    reason: ReasonOption,
    token: TokenOption = None,
    home: HomeOption = None,
) -> None:
    """Retire a published target (published → retired)."""
    _step("retire", target_id, reason, token, home)


@target_app.command("revise")
def revise_command(
    target_id: Annotated[str, typer.Argument(help="Target id of the version to change.")],
    reason: ReasonOption,
    value: Annotated[float | None, typer.Option(help="New target value.")] = None,
    comparison: Annotated[str | None, typer.Option(help="New comparison.")] = None,
    trajectory: Annotated[str | None, typer.Option(help="New monthly plan.")] = None,
    deadline: Annotated[str | None, typer.Option(help="New deadline YYYY-MM-DD.")] = None,
    date_set: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD the new version was agreed (default today).")
    ] = None,
    owner: Annotated[str | None, typer.Option(help="New owner.")] = None,
    rationale: Annotated[str | None, typer.Option(help="New rationale.")] = None,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Change a target: a new draft version superseding it (the old version is kept)."""
    from oversight.catalogue import load
    from oversight.judge import register

    engine = resolve_home(home).database()
    who = acting_principal(token, engine)
    changes: dict[str, Any] = {
        "value": value,
        "comparison": comparison,
        "trajectory": parse_trajectory(trajectory),
        "deadline": parse_date(deadline, "--deadline"),
        "owner": owner,
        "rationale": rationale,
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    if changes:
        changes["date_set"] = parse_date(date_set, "--date-set") or dt.date.today()
    try:
        record = register.revise(engine, target_id, who, load(), reason, **changes)
    except (register.TargetInputError, register.RegisterError) as error:
        raise refuse(f"not stored: {error}") from None
    if as_json:
        _print_json(record.to_dict())
    else:
        out.print(f"added {record.id} (draft), superseding {target_id}", highlight=False)


@target_app.command("seed")
def seed_command(token: TokenOption = None, home: HomeOption = None) -> None:
    """Copy the catalogue's national and local targets into the register (admin token; targets
    already there are left alone)."""
    from oversight.catalogue import load
    from oversight.judge import register

    engine = resolve_home(home).database()
    who = acting_principal(token, engine)
    if who.role != "admin":
        raise refuse("seeding writes national and local targets: only an admin token may seed")
    added = register.seed(engine, load(), actor=f"catalogue via {register.actor_name(who)}")
    out.print(f"seeded {len(added)} targets from the catalogue", highlight=False)
