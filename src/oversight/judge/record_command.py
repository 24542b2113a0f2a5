"""`oversight segment record capability|override|decision`: judgements NHS England records.

Each acts as an API token (`--token`, default $OVERSIGHT_TOKEN); only an nhse or admin token may
record, and `--reason` is mandatory (kept on the record and in the audit trail). The stored
segments of the quarter are then made again, so `oversight segment` shows the judgement as
"recorded by ... on ..., reason ...". Exit 2 for a refusal or bad input; nothing is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from oversight.options import HomeOption, TokenOption, acting_principal, refuse, resolve_home

record_app = typer.Typer(
    help="Record a capability assessment, a financial override or a nof-2022 segment decision "
    "(NHS England roles; a reason is required)."
)

OrgOption = Annotated[str, typer.Option("--org", help="The ICB's code, e.g. QHM.")]
PeriodOption = Annotated[
    str, typer.Option("--period", metavar="YYYY-Qn", help="The quarter it is for, e.g. 2025-Q3.")
]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why (kept in the audit trail).")]


def _record(home: Any, token: str | None, kind: str, org: str, period: str, **fields: Any) -> None:
    from oversight.catalogue import load
    from oversight.judge.segmentation import artefact
    from oversight.judge.segmentation import recorded as store
    from oversight.period import Period, PeriodError

    where = resolve_home(home)
    engine = where.database()
    who = acting_principal(token, engine, "to record a judgement")
    if (why := store.refusal(who)) is not None:
        raise refuse(why)
    try:
        quarter = Period.parse_quarter(period)
    except PeriodError as error:
        raise refuse(f"--period: {error}") from None
    cat = load()
    code = org.strip().upper()
    icbs = sorted(i.code for i in cat.icbs_on(quarter.end))
    if code not in icbs:
        raise refuse(f"--org: no ICB {code!r} in {quarter}; choose one of {', '.join(icbs)}")
    rules = fields.get("rules")
    if rules is not None:
        flags = sorted(r.id for r in cat.rule_sets.values() if r.method == "flags")
        if rules not in flags:
            raise refuse(
                f"--rules: segment decisions are recorded under a flags rule set; choose one "
                f"of {', '.join(flags)}"
            )
    try:
        row = store.record(engine, who, kind, org=code, period=quarter, **fields)
    except (store.RecordError, store.RecordRefused) as error:
        raise refuse(str(error)) from None
    redone = artefact.refresh(where, quarter)
    typer.echo(
        f"Recorded {kind} for {code} in {quarter} (record {row.id}) by {row.recorded_by}: "
        f"{row.reason}"
    )
    if redone:
        typer.echo(f"Stored segments made again: {len(redone)} file(s).")


@record_app.command("capability")
def capability_command(
    org: OrgOption,
    period: PeriodOption,
    reason: ReasonOption,
    intensive_support: Annotated[
        bool,
        typer.Option(
            "--intensive-support/--no-intensive-support",
            help="Whether the assessment finds intensive support needed (segment 4 -> 5).",
        ),
    ],
    token: TokenOption = None,
    home: HomeOption = None,
) -> None:
    """Record a capability assessment (the only way into segment 5, from segment 4)."""
    _record(home, token, "capability", org, period, reason=reason,
            intensive_support=intensive_support)


STATUSES = {
    "in-deficit": (True, False),
    "deficit-support": (False, True),
    "both": (True, True),
    "none": (False, False),
}


@record_app.command("override")
def override_command(
    org: OrgOption,
    period: PeriodOption,
    reason: ReasonOption,
    status: Annotated[
        str,
        typer.Option(
            "--status",
            help="Financial status the financial override reads: in-deficit, deficit-support, "
            "both or none.",
        ),
    ],
    token: TokenOption = None,
    home: HomeOption = None,
) -> None:
    """Record the financial status behind the financial override (no better than segment 3
    in deficit or deficit support)."""
    if status not in STATUSES:
        raise refuse(f"--status must be one of {', '.join(STATUSES)}; got {status!r}")
    deficit, support = STATUSES[status]
    _record(home, token, "override", org, period, reason=reason, in_deficit=deficit,
            deficit_support=support)


@record_app.command("decision")
def decision_command(
    org: OrgOption,
    period: PeriodOption,
    reason: ReasonOption,
    segment: Annotated[int, typer.Option("--segment", help="The segment decided, 1 to 5.")],
    rules: Annotated[str, typer.Option("--rules", help="The rule set (nof-2022).")] = "nof-2022",
    token: TokenOption = None,
    home: HomeOption = None,
) -> None:
    """Record NHS England's nof-2022 segment decision (it may differ from the proposal)."""
    _record(home, token, "decision", org, period, reason=reason, rules=rules, segment=segment)
