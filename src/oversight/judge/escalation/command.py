"""`oversight case open|advance|close|done|action|exit|list|show|public|evaluate|propose`.

Every command acts as an API token (`--token`, default $OVERSIGHT_TOKEN): an nhse or admin
token opens, advances and closes cases and reads them all; an ICB's submitter token reads only
that ICB's cases. Every change needs `--reason` (kept in the audit trail). Exit codes: 0 done,
2 refused or bad input (nothing stored). Heavy imports stay inside the functions so
`oversight --help` stays quick.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from oversight.options import HomeOption, TokenOption, acting_principal, refuse, resolve_home

if TYPE_CHECKING:
    from oversight.judge.escalation.cases import CaseView

out = Console()

case_app = typer.Typer(help="Intervention and escalation cases (NHS England roles change them).")

ReasonOption = Annotated[str, typer.Option(help="Why (kept in the audit trail).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CaseArg = Annotated[str, typer.Argument(help="The case id (oversight case list shows them).")]


def _run(action: Any) -> Any:
    """Call `action`, turning a refused change into exit 2 with its message."""
    from oversight.judge.escalation.cases import CaseError, CaseRefused
    from oversight.judge.escalation.states import TransitionError

    try:
        return action()
    except (CaseError, CaseRefused, TransitionError) as error:
        raise refuse(str(error)) from None


def _print_case(view: CaseView, with_audit: bool) -> None:
    out.print(
        f"{view.id}  {view.org}  [bold]{view.state}[/bold]  owner: {view.owner}", highlight=False
    )
    out.print(f"  summary: {view.summary}", highlight=False, markup=False, soft_wrap=True)
    for t in view.triggers:
        out.print(f"  trigger {t['kind']}: {t['detail']}", highlight=False, markup=False)
    nexts = ", ".join(view.allowed) or "none (closed)"
    out.print(f"  may move to: {nexts}", highlight=False, markup=False)
    for a in view.actions:
        mark = "x" if a["done"] else " "
        out.print(
            f"  [{mark}] action {a['id']}: {a['text']} ({a['owner']}, due {a['due']})",
            highlight=False,
            markup=False,
        )
    for c in view.criteria:
        state = (
            "not evaluated"
            if c["met"] is None
            else (
                f"{'met' if c['met'] else 'not met'}: {c['months_met']} month(s) to {c['through']}"
            )
        )
        out.print(
            f"  exit: {c['metric']} {c['comparison']} {c['threshold']:g} for {c['periods']} "
            f"consecutive month(s), {state}",
            highlight=False,
            markup=False,
        )
    if with_audit:
        for e in view.audit:
            what = e["action"] + (f" {e['from']} -> {e['to']}" if "to" in e else "")
            out.print(
                f"  {e['at']}  {e['actor']}  {what}: {e['reason']}", highlight=False, markup=False
            )


@case_app.command("open")
def open_command(
    org: Annotated[str, typer.Option(help="The organisation's code (an ICB or a trust).")],
    owner: Annotated[str, typer.Option(help="Who at NHS England owns the case.")],
    summary: Annotated[str, typer.Option(help="The public summary of the case.")],
    reason: ReasonOption,
    trigger: Annotated[
        list[str] | None,
        typer.Option(help="segment, spc_concern, cqc_inadequate or manual (repeatable)."),
    ] = None,
    action: Annotated[
        list[str] | None, typer.Option(help="An action: 'what|owner|YYYY-MM-DD' (repeatable).")
    ] = None,
    exit_criterion: Annotated[
        list[str] | None,
        typer.Option("--exit", help="An exit criterion: 'ae_4hr>=78x3' (repeatable)."),
    ] = None,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Open a case in state 'identified' (an nhse or admin token)."""
    from oversight.catalogue import load
    from oversight.collect.organisations import OrganisationError, find
    from oversight.judge.escalation import cases
    from oversight.judge.escalation.criteria import ExitCriterion
    from oversight.judge.escalation.triggers import Trigger

    engine = resolve_home(home).database()
    who = acting_principal(token, engine, "for cases")
    catalogue = load()
    try:
        find(catalogue, org)
        triggers = [Trigger(kind, reason) for kind in (trigger or ["manual"])]
        criteria = [ExitCriterion.parse(text) for text in exit_criterion or []]
        for c in criteria:
            if c.metric not in catalogue.metrics:
                raise ValueError(
                    f"exit criterion on {c.metric!r}: the catalogue has no such metric"
                )
    except (OrganisationError, ValueError) as error:
        raise refuse(str(error)) from None
    view = _run(
        lambda: cases.open_case(
            engine,
            who,
            org=org,
            triggers=triggers,
            owner=owner,
            summary=summary,
            reason=reason,
            actions=[cases.Action.parse(text) for text in action or []],
            criteria=criteria,
        )
    )
    _emit(view, as_json, with_audit=False)


def _emit(view: CaseView, as_json: bool, with_audit: bool) -> None:
    if as_json:
        out.print_json(json.dumps(view.to_json()))
    else:
        _print_case(view, with_audit)


@case_app.command("advance")
def advance_command(
    case: CaseArg,
    reason: ReasonOption,
    to: Annotated[
        str | None, typer.Option(help="The state to move to (default: the next one).")
    ] = None,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Move a case to its next state (or --to one); an illegal move is refused, naming the
    allowed ones."""
    from oversight.judge.escalation import cases

    engine = resolve_home(home).database()
    who = acting_principal(token, engine, "for cases")
    view = _run(lambda: cases.advance(engine, who, case, reason=reason, to=to))
    _emit(view, as_json, with_audit=False)


@case_app.command("close")
def close_command(
    case: CaseArg,
    reason: ReasonOption,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Close a case: from 'identified' or 'diagnostic', or once its exit criteria are met."""
    from oversight.judge.escalation import cases

    engine = resolve_home(home).database()
    who = acting_principal(token, engine, "for cases")
    view = _run(lambda: cases.close(engine, who, case, reason=reason))
    _emit(view, as_json, with_audit=False)


@case_app.command("done")
def done_command(
    case: CaseArg,
    action: Annotated[int, typer.Argument(help="The action's number (case show lists them).")],
    reason: ReasonOption,
    undo: Annotated[bool, typer.Option("--undo", help="Mark it not done again.")] = False,
    token: TokenOption = None,
    home: HomeOption = None,
) -> None:
    """Mark one of a case's actions done."""
    from oversight.judge.escalation import cases

    engine = resolve_home(home).database()
    who = acting_principal(token, engine, "for cases")
    view = _run(
        lambda: cases.set_action_done(engine, who, case, action, reason=reason, done=not undo)
    )
    _print_case(view, with_audit=False)


@case_app.command("action")
def action_command(
    case: CaseArg,
    action: Annotated[str, typer.Argument(help="The action: 'what|owner|YYYY-MM-DD'.")],
    reason: ReasonOption,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Add an action (what, owner, due date) to a case that is not closed."""
    from oversight.judge.escalation import cases

    engine = resolve_home(home).database()
    who = acting_principal(token, engine, "for cases")
    view = _run(
        lambda: cases.add_action(engine, who, case, cases.Action.parse(action), reason=reason)
    )
    _emit(view, as_json, with_audit=False)


@case_app.command("exit")
def exit_command(
    case: CaseArg,
    criterion: Annotated[str, typer.Argument(help="The exit criterion, e.g. 'ae_4hr>=78x3'.")],
    reason: ReasonOption,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Add an exit criterion to a case that is not closed (checked on every recompute)."""
    from oversight.catalogue import load
    from oversight.judge.escalation import cases
    from oversight.judge.escalation.criteria import ExitCriterion

    engine = resolve_home(home).database()
    who = acting_principal(token, engine, "for cases")
    try:
        rule = ExitCriterion.parse(criterion)
    except ValueError as error:
        raise refuse(str(error)) from None
    if rule.metric not in load().metrics:
        raise refuse(f"exit criterion on {rule.metric!r}: the catalogue has no such metric")
    view = _run(lambda: cases.add_criterion(engine, who, case, rule, reason=reason))
    _emit(view, as_json, with_audit=False)


@case_app.command("public")
def public_command(
    org: Annotated[str | None, typer.Option(help="Only this organisation's cases.")] = None,
    home: HomeOption = None,
) -> None:
    """The public summary of the cases (what the portal shows anyone), as JSON: no token."""
    from oversight.judge.escalation.public import public_cases

    out.print_json(json.dumps(public_cases(resolve_home(home).database(), org)))


@case_app.command("list")
def list_command(
    org: Annotated[str | None, typer.Option(help="Only this organisation's cases.")] = None,
    state: Annotated[str | None, typer.Option(help="Only cases in this state.")] = None,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """The cases this token may read (an ICB's token: its own)."""
    from oversight.judge.escalation import cases

    engine = resolve_home(home).database()
    who = acting_principal(token, engine, "for cases")
    views = _run(lambda: cases.listing(engine, who, org=org, state=state))
    if as_json:
        out.print_json(json.dumps([v.to_json() for v in views]))
        return
    if not views:
        out.print("no cases")
    for v in views:
        out.print(f"{v.id}  {v.org}  {v.state}  owner: {v.owner}", highlight=False)


@case_app.command("show")
def show_command(
    case: CaseArg,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """One case with its actions, exit criteria and full audit trail."""
    from oversight.judge.escalation import cases

    engine = resolve_home(home).database()
    who = acting_principal(token, engine, "for cases")
    _emit(_run(lambda: cases.show(engine, who, case)), as_json, with_audit=True)


@case_app.command("evaluate")
def evaluate_command(token: TokenOption = None, home: HomeOption = None) -> None:
    """Re-check every open case's exit criteria against the published results; a case in
    'intervention' whose criteria all hold moves to 'exit criteria met' (audited as system)."""
    from oversight.judge.escalation import access
    from oversight.judge.escalation.evaluation import evaluate

    where = resolve_home(home)
    engine = where.database()
    who = acting_principal(token, engine, "for cases")
    refusal = access.change_refusal(who)
    if refusal:
        raise refuse(refusal)
    done = evaluate(where, engine)
    if done is None:
        raise refuse("no results are published yet: run oversight compute first")
    for e in done:
        met = sum(e.met)
        moved = " -> exit criteria met" if e.moved else ""
        out.print(
            f"{e.case_id}  {e.org}  {e.state}: {met}/{len(e.met)} criteria met{moved}",
            highlight=False,
        )
    out.print(f"{len(done)} open case(s) evaluated, {sum(e.moved for e in done)} moved")


def _known_org(code: str) -> bool:
    from oversight.catalogue import load
    from oversight.collect.organisations import OrganisationError, find

    try:
        find(load(), code)
    except OrganisationError:
        return False
    return True


@case_app.command("propose")
def propose_command(
    segments: Annotated[
        Path | None,
        typer.Option(help="JSON list of objects with org and segment (oversight segment --json)."),
    ] = None,
    cqc: Annotated[
        Path | None,
        typer.Option(help="CSV with columns org,rating (default: the published assessments)."),
    ] = None,
    open_cases: Annotated[
        bool | None,
        typer.Option(
            "--open/--propose-only",
            help="Open a case for each proposal, or only list them (default: the catalogue's "
            "escalation policy, which only proposes).",
        ),
    ] = None,
    lowest_segment: Annotated[
        int | None,
        typer.Option(help="The segment that triggers a case (default: the catalogue's policy)."),
    ] = None,
    concern_months: Annotated[
        int | None,
        typer.Option(
            help="Months of special-cause concern on a national-target metric (default: the "
            "catalogue's policy)."
        ),
    ] = None,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Propose cases from the triggers: the lowest segment, a run of special-cause concern on a
    national-target metric in the published results, a CQC rating of Inadequate. Organisations
    with a case still open are left out. --open opens them (an nhse or admin token)."""
    from oversight.judge.assessment.workflow import published_ratings  # CQC trigger source
    from oversight.judge.escalation import access, cases
    from oversight.judge.escalation.trigger_inputs import (
        InputError,
        national_concerns,
        read_cqc,
        read_segments,
    )
    from oversight.judge.escalation.triggers import TriggerPolicy, propose

    where = resolve_home(home)
    engine = where.database()
    who = acting_principal(token, engine, "for cases")
    if refusal := access.change_refusal(who):
        raise refuse(refusal)
    from oversight.catalogue import load

    policy = TriggerPolicy.of(
        load().escalation_policy(),
        lowest_segment=lowest_segment,
        concern_months=concern_months,
        open_cases=open_cases,
    )
    try:
        proposals = propose(
            segments=read_segments(segments) if segments else None,
            concerns=national_concerns(where, policy.concern_months),
            cqc_ratings=read_cqc(cqc) if cqc else published_ratings(engine),
            policy=policy,
        )
    except InputError as error:
        raise refuse(str(error)) from None
    unknown = sorted(p.org for p in proposals if not _known_org(p.org))
    if unknown:
        raise refuse(f"the catalogue knows no organisation {', '.join(unknown)}")
    already = cases.open_org_cases(engine)
    fresh = [p for p in proposals if p.org not in already]
    opened: dict[str, str] = {}
    if policy.open_cases:
        for p in fresh:
            why = "; ".join(t.detail for t in p.triggers)
            view = _run(
                lambda p=p, why=why: cases.open_case(
                    engine,
                    who,
                    org=p.org,
                    triggers=p.triggers,
                    owner="NHS England regional team",
                    summary=f"Case opened by trigger: {why}.",
                    reason=f"opened by trigger: {why}",
                )
            )
            opened[p.org] = view.id
    if as_json:
        rows = [
            {
                "org": p.org,
                "triggers": [{"kind": t.kind, "detail": t.detail} for t in p.triggers],
                "case": opened.get(p.org),
            }
            for p in fresh
        ]
        out.print_json(json.dumps(rows))
        return
    for p in fresh:
        case = f"  opened {opened[p.org]}" if p.org in opened else ""
        details = "; ".join(f"{t.kind}: {t.detail}" for t in p.triggers)
        out.print(f"{p.org}  {details}{case}", highlight=False, soft_wrap=True)
    skipped = len(proposals) - len(fresh)
    out.print(f"{len(fresh)} proposed ({skipped} with a case already open)")
