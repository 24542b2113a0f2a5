"""`oversight burden [--org CODE] [--json]`: the burden report over the operational database.

The thin adapter between the store and the pure `burden()`: accepted submissions become
`ReceivedReturn`s (an accepted return passed validation, so every item of its collection is
present); rejected and unconfirmed submissions were not received.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from oversight.options import HomeOption, resolve_home
from oversight.period import Period
from oversight.period_cli import MONTH_METAVAR, month_option

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from oversight.collect.burden import BurdenReport, ReceivedReturn


def returns_from_store(engine: Engine) -> list[ReceivedReturn]:
    """Every accepted submission as a received return (received_at read as UTC when naive)."""
    from sqlalchemy import select

    from oversight.collect.burden import ReceivedReturn
    from oversight.store.database import session
    from oversight.store.models import Submission

    query = select(
        Submission.collection, Submission.org_code, Submission.period, Submission.received_at
    ).where(Submission.status == "accepted")
    with session(engine) as s:
        rows = s.execute(query).all()
    out = []
    for collection, org, period, received_at in rows:
        when = received_at if received_at.tzinfo else received_at.replace(tzinfo=dt.UTC)
        out.append(ReceivedReturn(collection, org, Period.parse_month(period).start, when))
    return out


def earned_autonomy(path: Path, segment: int) -> set[str]:
    """ICBs in the earned-autonomy `segment` (the catalogue's escalation policy says which) in
    a JSON list of objects with `org` and `segment` (the shape of `oversight segment --json`);
    exit 2 naming the file when it cannot be read."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return {
            str(r["org"])
            for r in rows
            if r["segment"] is not None and int(r["segment"]) == segment
        }
    except (OSError, ValueError, KeyError, TypeError) as error:
        typer.echo(
            f"error: {path}: expected a JSON list of objects with org and segment ({error})",
            err=True,
        )
        raise typer.Exit(2) from None


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _print(report: BurdenReport) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title="Data collection burden per ICB and period",
        caption="items requested; dup = asked by 2+ collections; deriv = derivable from "
        "record-level data held; returns expected: ok (on time), late, miss, pend (not yet due); "
        "relaxed = collections not due this month under earned autonomy (– without it)",
    )
    heads = [
        "ICB",
        "period",
        "items",
        "dup",
        "deriv",
        "returns",
        "ok",
        "late",
        "miss",
        "pend",
        "ret%",
        "items%",
        "relaxed",
    ]
    for head in heads:
        left = head in ("ICB", "period")
        table.add_column(head, justify="left" if left else "right", no_wrap=True)
    for r in report.rows:
        table.add_row(
            r.icb_code,
            f"{r.period:%Y-%m}",
            str(r.items_requested),
            str(len(r.duplicated_items)),
            str(len(r.derivable_items)),
            str(r.expected_returns),
            str(r.on_time),
            str(r.late),
            str(r.missing),
            str(r.pending),
            _pct(r.returns_completeness),
            _pct(r.items_completeness),
            str(len(r.relaxed)) if r.earned_autonomy else "–",
        )
    console = Console()
    console.width = max(console.width, 110)  # the table is 12 columns: never truncate a code
    console.print(table)


def burden_command(
    org: str | None = typer.Option(None, "--org", help="Only this ICB (ODS code)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (schema oversight.burden/1)."),
    first: Annotated[
        Period | None,
        typer.Option("--from", parser=month_option, metavar=MONTH_METAVAR, help="First month."),
    ] = None,
    last: Annotated[
        Period | None,
        typer.Option("--to", parser=month_option, metavar=MONTH_METAVAR, help="Last month."),
    ] = None,
    segments: Annotated[
        Path | None,
        typer.Option(
            help="JSON list of objects with org and segment: ICBs in the earned-autonomy "
            "segment (the catalogue's escalation policy: segment 1) have relaxable collections "
            "due quarterly.",
        ),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Items requested, duplicated and derivable, timeliness and completeness, per ICB and month."""
    from oversight.catalogue import load
    from oversight.collect.burden import burden

    catalogue = load()
    if org is not None and org not in catalogue.icbs and org not in catalogue.merged_icbs:
        typer.echo(f"error: {org} is not an ICB code in the catalogue", err=True)
        raise typer.Exit(2)
    received = returns_from_store(resolve_home(home).database())
    today = dt.date.today()
    seen = [Period.of(r.period) for r in received]
    end = last or (max(seen) if seen else Period.of(today).previous())
    start = first or (min(seen) if seen else end)
    periods = [m.start for m in start.through(end)]
    earned = int(catalogue.escalation_policy().earned_autonomy_segment.value)
    autonomous = earned_autonomy(segments, earned) if segments is not None else set()
    report = burden(
        catalogue, received, org=org, periods=periods, as_of=today, autonomous=autonomous
    )
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2))
    else:
        _print(report)
