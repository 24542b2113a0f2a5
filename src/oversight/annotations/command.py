"""`oversight annotate add|list|withdraw` and `oversight rebase propose|approve|reject|
withdraw|reverse|list|show` and `oversight rebase approver add|remove|list`.

Changing commands act as an API token (`--token`, default $OVERSIGHT_TOKEN); an ICB's token
acts on its own ICB's series only, NHS England's on every series (oversight.annotations.access).
Every change is audited with its reason. Listing needs no token: without one it shows what the
public sees (annotations, approved and reversed rebases). Exit codes: 0 done, 2 refused or bad
input (nothing stored). Heavy imports stay inside the functions so `oversight --help` is quick.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from oversight.options import HomeOption, TokenOption, acting_principal, refuse, resolve_home

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from oversight.annotations.rebase_store import RebaseView
    from oversight.collect.tokens import Principal
    from oversight.home import Home

out = Console()
T = TypeVar("T")

annotate_app = typer.Typer(help="Annotations on the charts of a series (audited).")
rebase_app = typer.Typer(
    help="SPC rebases: propose, approve (NHS England or the ICB's named approver), reverse."
)
approver_app = typer.Typer(help="The register of ICBs' named rebase approvers (NHS England).")
rebase_app.add_typer(approver_app, name="approver")

ReasonOption = Annotated[str, typer.Option(help="Why (kept in the audit trail).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
MetricOption = Annotated[str, typer.Option(help="The metric id (e.g. ae_4hr).")]
OrgOption = Annotated[str, typer.Option(help="An ICB code, a region code, or ENG for England.")]
RebaseArg = Annotated[str, typer.Argument(help="The rebase id (oversight rebase list).")]
ComputeOption = Annotated[
    bool,
    typer.Option("--compute", help="Recompute now so the new limits are published at once "
                 "(otherwise the next `oversight compute` applies them)."),
]


def _run(action: Callable[[], T]) -> T:
    """Call `action`, turning a refused change or bad input into exit 2 with its message."""
    from oversight.annotations.lifecycle import TransitionError
    from oversight.annotations.records import NotFound, RecordError, Refused

    try:
        return action()
    except (RecordError, Refused, NotFound, TransitionError) as error:
        raise refuse(str(error)) from None


def _who(token: str | None, engine: Engine) -> Principal:
    return acting_principal(token, engine, "for annotations and rebases")


def _reader(token: str | None, engine: Engine) -> Principal | None:
    """The token's principal when one is given (it may see more), else the public."""
    return _who(token, engine) if token else None


def _emit(data: Any, as_json: bool, text: Callable[[], None]) -> None:
    if as_json:
        out.print_json(json.dumps(data))
    else:
        text()


def _print_trail(trail: list[dict[str, Any]]) -> None:
    for e in trail:
        move = f" {e['from']} -> {e['to']}" if "to" in e else ""
        out.print(f"  {e['at']}  {e['actor']} ({e['role']})  {e['action']}{move}: {e['reason']}",
                  highlight=False, soft_wrap=True)


# --- annotations ---------------------------------------------------------------------------


@annotate_app.command("add")
def annotate_add(
    metric: MetricOption,
    org: OrgOption,
    date: Annotated[str, typer.Option(help="The date it is about: 2024-06-15, or 2024-06.")],
    text: Annotated[str, typer.Option(help="The note shown on the chart.")],
    breakdown: Annotated[
        str | None, typer.Option(help="Only this breakdown's chart (default: every chart).")
    ] = None,
    group: Annotated[str | None, typer.Option(help="The breakdown's group.")] = None,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Add an annotation to a series (its author is the token)."""
    from oversight.annotations import annotation_store
    from oversight.catalogue import load

    engine = resolve_home(home).database()
    who = _who(token, engine)
    view = _run(lambda: annotation_store.add(
        engine, who, load(), metric=metric, org=org, on=date, text=text, breakdown=breakdown,
        group=group,
    ))
    _emit(view.to_json(), as_json,
          lambda: out.print(f"Annotation {view.id} added to {view.metric} {view.org} on "
                            f"{view.on}.", highlight=False))


@annotate_app.command("withdraw")
def annotate_withdraw(
    annotation: Annotated[str, typer.Argument(help="The annotation id (annotate list).")],
    reason: ReasonOption,
    token: TokenOption = None,
    home: HomeOption = None,
) -> None:
    """Take an annotation off the charts (it stays in the audit trail)."""
    from oversight.annotations import annotation_store

    engine = resolve_home(home).database()
    who = _who(token, engine)
    view = _run(lambda: annotation_store.withdraw(engine, who, annotation, reason=reason))
    out.print(f"Annotation {view.id} withdrawn.", highlight=False)


@annotate_app.command("list")
def annotate_list(
    metric: Annotated[str | None, typer.Option(help="Only this metric's.")] = None,
    org: Annotated[str | None, typer.Option(help="Only this organisation's.")] = None,
    withdrawn: Annotated[bool, typer.Option("--withdrawn", help="Withdrawn ones too.")] = False,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """List annotations in date order (public: no token needed)."""
    from oversight.annotations.annotation_store import annotations_for

    views = annotations_for(resolve_home(home).database(), metric=metric, org=org,
                            include_withdrawn=withdrawn)

    def text() -> None:
        if not views:
            out.print("No annotations.")
        for v in views:
            where = f" [{v.breakdown}: {v.group}]" if v.breakdown else ""
            out.print(f"{v.id}  {v.on}  {v.metric} {v.org}{where}  {v.text}  ({v.author}"
                      f"{', ' + v.state if v.state != 'active' else ''})", highlight=False,
                      soft_wrap=True)

    _emit([v.to_json() for v in views], as_json, text)


# --- rebases -------------------------------------------------------------------------------


def _print_rebase(view: RebaseView, with_audit: bool) -> None:
    out.print(f"{view.id}  {view.metric} {view.org} from {view.starts.isoformat()[:7]}  "
              f"[bold]{view.state}[/bold]  proposed by {view.proposed_by}", highlight=False)
    out.print(f"  reason: {view.reason}", highlight=False, soft_wrap=True)
    if with_audit:
        out.print(f"  may move to: {', '.join(view.allowed) or 'nothing (final)'}",
                  highlight=False)
        _print_trail(view.audit)


@rebase_app.command("propose")
def rebase_propose(
    metric: MetricOption,
    org: OrgOption,
    month: Annotated[str, typer.Option(help="The first month of the new limits (2024-06).")],
    reason: ReasonOption,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Propose new SPC limits for a metric x organisation from a month (needs approval)."""
    from oversight.annotations import rebase_store
    from oversight.catalogue import load

    engine = resolve_home(home).database()
    who = _who(token, engine)
    view = _run(lambda: rebase_store.propose(
        engine, who, load(), metric=metric, org=org, starts=month, reason=reason))
    _emit(view.to_json(), as_json, lambda: _print_rebase(view, with_audit=True))


def _decide(decision: str, rebase: str, reason: str, token: str | None, as_json: bool,
            home_option: Any, compute: bool = False) -> None:
    from oversight.annotations import rebase_store

    where = resolve_home(home_option)
    engine = where.database()
    who = _who(token, engine)
    view = _run(lambda: rebase_store.decide(engine, who, rebase, decision, reason=reason))
    _emit(view.to_json(), as_json, lambda: _print_rebase(view, with_audit=True))
    if decision in ("approve", "reverse"):
        if compute:
            _recompute(where)
        elif not as_json:
            out.print(f"The next `oversight compute` gives {view.metric} {view.org} its "
                      f"{'new' if decision == 'approve' else 'previous'} limits.",
                      highlight=False)


def _recompute(where: Home) -> None:
    from oversight.metrics.command import compute_with_bar

    version = compute_with_bar(where, out)
    out.print(f"Published results {version.id} ({version.how}).", highlight=False)


@rebase_app.command("approve")
def rebase_approve(rebase: RebaseArg, reason: ReasonOption, token: TokenOption = None,
                   compute: ComputeOption = False, as_json: JsonOption = False,
                   home: HomeOption = None) -> None:
    """Approve a proposed rebase (NHS England, or the ICB's named approver; not its proposer)."""
    _decide("approve", rebase, reason, token, as_json, home, compute)


@rebase_app.command("reject")
def rebase_reject(rebase: RebaseArg, reason: ReasonOption, token: TokenOption = None,
                  as_json: JsonOption = False, home: HomeOption = None) -> None:
    """Reject a proposed rebase (NHS England, or the ICB's named approver)."""
    _decide("reject", rebase, reason, token, as_json, home)


@rebase_app.command("withdraw")
def rebase_withdraw(rebase: RebaseArg, reason: ReasonOption, token: TokenOption = None,
                    as_json: JsonOption = False, home: HomeOption = None) -> None:
    """Withdraw a proposed rebase (anyone who may propose one for that series)."""
    _decide("withdraw", rebase, reason, token, as_json, home)


@rebase_app.command("reverse")
def rebase_reverse(rebase: RebaseArg, reason: ReasonOption, token: TokenOption = None,
                   compute: ComputeOption = False, as_json: JsonOption = False,
                   home: HomeOption = None) -> None:
    """Reverse an approved rebase: the previous limits come back at the next compute."""
    _decide("reverse", rebase, reason, token, as_json, home, compute)


@rebase_app.command("list")
def rebase_list(
    metric: Annotated[str | None, typer.Option(help="Only this metric's.")] = None,
    org: Annotated[str | None, typer.Option(help="Only this organisation's.")] = None,
    state: Annotated[str | None, typer.Option(help="Only rebases in this state.")] = None,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """List rebases (without a token: the approved and reversed ones the public sees)."""
    from oversight.annotations.rebase_store import rebases_for

    engine = resolve_home(home).database()
    who = _reader(token, engine)
    views = _run(lambda: rebases_for(engine, who, metric=metric, org=org, state=state))

    def text() -> None:
        if not views:
            out.print("No rebases.")
        for v in views:
            _print_rebase(v, with_audit=False)

    _emit([v.to_json() for v in views], as_json, text)


@rebase_app.command("show")
def rebase_show(rebase: RebaseArg, token: TokenOption = None, as_json: JsonOption = False,
                home: HomeOption = None) -> None:
    """One rebase with its audit trail."""
    from oversight.annotations.rebase_store import show

    engine = resolve_home(home).database()
    who = _reader(token, engine)
    view = _run(lambda: show(engine, who, rebase))
    _emit(view.to_json(), as_json, lambda: _print_rebase(view, with_audit=True))


# --- the approver register -----------------------------------------------------------------


@approver_app.command("add")
def approver_add(
    icb: Annotated[str, typer.Option(help="The ICB's code.")],
    token_id: Annotated[str, typer.Option(help="The approver's token id (token list).")],
    reason: ReasonOption,
    token: TokenOption = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """Name one of an ICB's tokens its rebase approver (an nhse or admin token)."""
    from oversight.annotations import approvers

    engine = resolve_home(home).database()
    who = _who(token, engine)
    view = _run(lambda: approvers.appoint(engine, who, icb=icb.upper(), token_id=token_id,
                                          reason=reason))
    _emit(view.to_json(), as_json,
          lambda: out.print(f"{view.id}: {view.name} ({view.token_id}) approves {view.icb}'s "
                            "rebases.", highlight=False))


@approver_app.command("remove")
def approver_remove(
    entry: Annotated[str, typer.Argument(help="The register entry id (approver list).")],
    reason: ReasonOption,
    token: TokenOption = None,
    home: HomeOption = None,
) -> None:
    """Take an entry off the approver register (an nhse or admin token)."""
    from oversight.annotations import approvers

    engine = resolve_home(home).database()
    who = _who(token, engine)
    view = _run(lambda: approvers.remove(engine, who, entry, reason=reason))
    out.print(f"{view.id} removed: {view.name} no longer approves {view.icb}'s rebases.",
              highlight=False)


@approver_app.command("list")
def approver_list(
    icb: Annotated[str | None, typer.Option(help="Only this ICB's.")] = None,
    removed: Annotated[bool, typer.Option("--removed", help="Removed entries too.")] = False,
    as_json: JsonOption = False,
    home: HomeOption = None,
) -> None:
    """The named rebase approvers of each ICB."""
    from oversight.annotations import approvers

    views = approvers.listing(resolve_home(home).database(), icb and icb.upper(),
                              current=not removed)

    def text() -> None:
        if not views:
            out.print("No named approvers.")
        for v in views:
            gone = f", removed {v.removed_at:%Y-%m-%d}" if v.removed_at else ""
            out.print(f"{v.id}  {v.icb}  {v.name} ({v.token_id}), appointed by "
                      f"{v.appointed_by}{gone}", highlight=False)

    _emit([v.to_json() for v in views], as_json, text)
