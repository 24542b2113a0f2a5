"""`oversight assess …`: CQC assessments and the national Equity in access view.

Changing commands act as an API token (`--token`, default $OVERSIGHT_TOKEN): a cqc token starts
assessments and edits only its own drafts; another cqc (or admin) token moderates. Every change
needs `--reason` (kept in the audit trail). Published assessments and the national view need no
token. Exit codes: 0 done, 2 refused or bad input (nothing stored).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from oversight.options import HomeOption, TokenOption, acting_principal, refuse, resolve_home
from oversight.period import Period
from oversight.period_cli import MONTH_METAVAR, month_option

if TYPE_CHECKING:
    from oversight.home import Home
    from oversight.judge.assessment.workflow import AssessmentView

out = Console()
assess_app = typer.Typer(
    help="CQC assessments: scores, ratings, evidence, the national equity view."
)

ReasonOption = Annotated[str, typer.Option(help="Why (kept in the audit trail).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
IdArg = Annotated[str, typer.Argument(help="The assessment id (oversight assess list shows them).")]
NEEDED = "for assessments"


def _run(action: Any) -> Any:
    from oversight.judge.assessment.workflow import AssessmentError, AssessmentRefused

    try:
        return action()
    except (AssessmentError, AssessmentRefused, ValueError) as error:
        raise refuse(str(error)) from None


def _reader(token: str | None, home: Home) -> Any:
    """The principal when a token is given (to read drafts), else None (published only)."""
    return acting_principal(token, home.database(), NEEDED) if token else None


def _print(view: AssessmentView) -> None:
    out.print(f"{view.id}  {view.org}  v{view.version}  [bold]{view.status}[/bold]  "
              f"{view.framework} {view.framework_version}  method {view.method}  "
              f"assessor {view.assessor}", highlight=False)  # fmt: skip
    if view.supersedes:
        out.print(f"  supersedes {view.supersedes}", highlight=False)
    for sid, score in view.scores.items():
        out.print(f"  {sid}: {score}", highlight=False)
    result = view.result
    for theme, r in (result.get("themes") or {}).items():
        out.print(f"  theme {theme}: {r['rating']} ({r['rounded']}%)", highlight=False)
    if result.get("overall"):
        out.print(f"  overall: [bold]{result['overall']['rating']}[/bold]", highlight=False)
        for line in result["overall"]["account"]:  # people's words: printed as written
            out.print(f"    {line}", highlight=False, markup=False, soft_wrap=True)
    for e in view.evidence:  # markup=False: rich would drop "[survey]" as an unknown tag
        out.print(f"  evidence [{e['source']}] {e['statement']}/{e['category']} {e['date']}: "
                  f"{e['summary']}", highlight=False, markup=False, soft_wrap=True)  # fmt: skip


def _done(view: AssessmentView, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(view.to_json(), indent=2, default=str))
    else:
        _print(view)


@assess_app.command("start")
def start_command(
    org: Annotated[str, typer.Option(help="The organisation assessed (ICB or local authority).")],
    reason: ReasonOption,
    date: Annotated[str, typer.Option(help="Assessment date, YYYY-MM-DD (picks the method).")] = "",
    framework: Annotated[str, typer.Option(help="cqc_ics or cqc_local_authority.")] = "cqc_ics",
    token: TokenOption = None, home: HomeOption = None, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Start a draft assessment (a cqc token; you become its assessor)."""
    from oversight.judge.assessment import workflow as wf

    where = resolve_home(home)
    who = acting_principal(token, where.database(), NEEDED)
    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        raise refuse(f"--date {date!r} is not a date (YYYY-MM-DD)") from None
    _done(_run(lambda: wf.start(where.database(), who, org=org.upper(), assessed_on=day,
                                reason=reason, framework=framework)), as_json)  # fmt: skip


def _parse_scores(given: list[str]) -> dict[str, Any]:
    """statement=3 or statement=outcomes:3,processes:2."""
    scores: dict[str, Any] = {}
    for text in given:
        sid, _, value = text.partition("=")
        try:
            if ":" in value:
                scores[sid.strip()] = {c.strip(): int(s) for c, s in
                                       (p.split(":") for p in value.split(","))}  # fmt: skip
            else:
                scores[sid.strip()] = int(value)
        except ValueError:
            raise refuse(f"--set {text!r} must look like statement=3 or "
                         "statement=outcomes:3,processes:2") from None  # fmt: skip
    return scores


@assess_app.command("score")
def score_command(
    assessment: IdArg,
    set_: Annotated[list[str], typer.Option("--set", help="statement=3 (repeatable).")],
    reason: ReasonOption, token: TokenOption = None, home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Score quality statements of your draft."""
    from oversight.judge.assessment import workflow as wf

    where = resolve_home(home)
    who = acting_principal(token, where.database(), NEEDED)
    scores = _parse_scores(set_)
    _done(_run(lambda: wf.score(where.database(), who, assessment, scores, reason=reason)),
          as_json)  # fmt: skip


@assess_app.command("override")
def override_command(
    assessment: IdArg,
    subject: Annotated[str, typer.Option(help="A theme id, or overall.")],
    rating: Annotated[str, typer.Option(help="The rating given by professional judgement.")],
    reason: ReasonOption, token: TokenOption = None, home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Rate a theme (or overall) by professional judgement; the reason is shown with it."""
    from oversight.judge.assessment import workflow as wf

    where = resolve_home(home)
    who = acting_principal(token, where.database(), NEEDED)
    _done(_run(lambda: wf.set_override(where.database(), who, assessment, subject, rating,
                                       reason=reason)), as_json)  # fmt: skip


@assess_app.command("evidence")
def evidence_command(
    assessment: IdArg, reason: ReasonOption,
    auto: Annotated[bool, typer.Option("--auto", help="Add the automatic Equity in access "
                                       "evidence from the metrics.")] = False,
    period: Annotated[Period | None, typer.Option(parser=month_option, metavar=MONTH_METAVAR,
                                                  help="Month for --auto.")] = None,
    statement: Annotated[str, typer.Option(help="Quality statement id.")] = "",
    category: Annotated[str, typer.Option(help="Evidence category id.")] = "",
    source: Annotated[str, typer.Option(help="document, survey, feedback or observation.")] = "",
    summary: Annotated[str, typer.Option(help="What the evidence shows.")] = "",
    date: Annotated[str, typer.Option(help="Date of the evidence, YYYY-MM-DD.")] = "",
    ref: Annotated[list[str] | None, typer.Option(help="key=value about the source.")] = None,
    token: TokenOption = None, home: HomeOption = None, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Add an evidence item to your draft, or (--auto) the evidence drawn from the metrics."""
    from oversight.catalogue import load
    from oversight.judge.assessment import sources
    from oversight.judge.assessment import workflow as wf
    from oversight.judge.assessment.evidence import Evidence

    where = resolve_home(home)
    engine = where.database()
    who = acting_principal(token, engine, NEEDED)
    if auto:
        org = _run(lambda: wf.show(engine, who, assessment)).org
        try:
            items = sources.equity_items(where, load(), org, period.start if period else None)
        except FileNotFoundError as error:
            raise refuse(str(error)) from None
        if not items:
            raise refuse(f"no automatic evidence for {org}: no inequality measures for it")
    else:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise refuse(f"--date {date!r} is not a date (YYYY-MM-DD)") from None
        refs = dict(r.partition("=")[::2] for r in (ref or []))
        items = [Evidence(statement, category, source, summary, day, refs)]
    view = None
    for item in items:
        view = _run(lambda item=item: wf.add_evidence(engine, who, assessment, item, reason=reason))
    assert view is not None
    _done(view, as_json)


def _move(to: str, assessment: str, reason: str, token: str | None, home: Path | None,
          as_json: bool) -> None:  # fmt: skip
    from oversight.judge.assessment import workflow as wf

    where = resolve_home(home)
    who = acting_principal(token, where.database(), NEEDED)
    _done(_run(lambda: wf.move(where.database(), who, assessment, to, reason=reason)), as_json)


@assess_app.command("submit")
def submit_command(assessment: IdArg, reason: ReasonOption, token: TokenOption = None,
                   home: HomeOption = None, as_json: JsonOption = False) -> None:  # fmt: skip
    """Send your draft to moderation."""
    _move("moderation", assessment, reason, token, home, as_json)


@assess_app.command("publish")
def publish_command(assessment: IdArg, reason: ReasonOption, token: TokenOption = None,
                    home: HomeOption = None, as_json: JsonOption = False) -> None:  # fmt: skip
    """Publish an assessment in moderation (not your own): its ratings are fixed."""
    _move("published", assessment, reason, token, home, as_json)


@assess_app.command("return")
def return_command(assessment: IdArg, reason: ReasonOption, token: TokenOption = None,
                   home: HomeOption = None, as_json: JsonOption = False) -> None:  # fmt: skip
    """Return an assessment in moderation to its assessor's draft."""
    _move("draft", assessment, reason, token, home, as_json)


@assess_app.command("revise")
def revise_command(assessment: IdArg, reason: ReasonOption, token: TokenOption = None,
                   home: HomeOption = None, as_json: JsonOption = False) -> None:  # fmt: skip
    """Start a new version of a published assessment (it stays as published)."""
    from oversight.judge.assessment import workflow as wf

    where = resolve_home(home)
    who = acting_principal(token, where.database(), NEEDED)
    _done(_run(lambda: wf.revise(where.database(), who, assessment, reason=reason)), as_json)


@assess_app.command("list")
def list_command(
    org: Annotated[str | None, typer.Option(help="Only this organisation.")] = None,
    status: Annotated[str | None, typer.Option(help="draft, moderation or published.")] = None,
    token: TokenOption = None, home: HomeOption = None, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Assessments you may read (published ones without a token)."""
    from oversight.judge.assessment import workflow as wf

    where = resolve_home(home)
    who = _reader(token, where)
    views = _run(lambda: wf.listing(where.database(), who, org=org.upper() if org else None,
                                    status=status))  # fmt: skip
    if as_json:
        typer.echo(json.dumps([v.to_json() for v in views], indent=2, default=str))
        return
    for v in views:
        out.print(f"{v.id}  {v.org}  v{v.version}  {v.status}  {v.overall or '-'}  "
                  f"{v.assessor}", highlight=False)  # fmt: skip


@assess_app.command("show")
def show_command(
    assessment: Annotated[str | None, typer.Argument(help="An assessment id.")] = None,
    org: Annotated[str | None, typer.Option(help="The organisation's latest assessment and "
                                            "its automatic evidence.")] = None,
    token: TokenOption = None, home: HomeOption = None, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """One assessment with its evidence and audit trail, or an organisation's latest."""
    from oversight.catalogue import load
    from oversight.judge.assessment import sources
    from oversight.judge.assessment import workflow as wf

    where = resolve_home(home)
    engine = where.database()
    who = _reader(token, where)
    if (assessment is None) == (org is None):
        raise refuse("give an assessment id or --org CODE (one of them)")
    if assessment is not None:
        _done(_run(lambda: wf.show(engine, who, assessment)), as_json)
        return
    catalogue = load()
    code = str(org).upper()
    try:
        catalogue.organisation(code)
    except KeyError:
        raise refuse(f"unknown organisation {code!r} (an ICB code such as QMJ)") from None
    views = _run(lambda: wf.listing(engine, who, org=code))
    latest = max(views, key=lambda v: v.version) if views else None
    try:
        items = sources.equity_items(where, catalogue, code, None)
    except FileNotFoundError:
        items = []
    if as_json:
        shown = wf.show(engine, who, latest.id).to_json() if latest else None
        typer.echo(json.dumps({"org": code, "assessment": shown, "automatic_evidence": [
            {"statement": i.statement, "category": i.category, "source": i.source,
             "date": i.observed_on.isoformat(), "summary": i.summary, "reference": i.reference}
            for i in items]}, indent=2, default=str))  # fmt: skip
        return
    if latest is None:
        out.print(f"{code}: no assessment you may read", highlight=False)
    else:
        _print(wf.show(engine, who, latest.id))
    out.print(f"Automatic Equity in access evidence ({len(items)} items):", highlight=False)
    for i in items:
        out.print(f"  - {i.summary}", highlight=False, soft_wrap=True)


@assess_app.command("equity")
def equity_command(
    period: Annotated[Period | None, typer.Option(parser=month_option, metavar=MONTH_METAVAR,
                                                  help="Month (default: the latest).")] = None,
    csv: Annotated[Path | None, typer.Option(help="Also write the table as CSV here.")] = None,
    home: HomeOption = None, as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Equity in access, every ICS side by side: inequality indices with intervals against
    England, scores and ratings (CSV and JSON for a State of Care style report)."""
    from oversight.catalogue import load
    from oversight.judge.assessment import framework as fw
    from oversight.judge.assessment import national, sources

    where = resolve_home(home)
    catalogue = load()
    try:
        frame, _ = sources.measures(where, catalogue)
        months = sources.periods(frame)
        month = sources.latest_period(frame) if period is None else period.start
    except FileNotFoundError as error:
        raise refuse(str(error)) from None
    if month not in months:
        shown = ", ".join(f"{m:%Y-%m}" for m in months)
        raise refuse(f"--period {month:%Y-%m} has no 12-month measures (choose one of {shown})")
    icss = {i.code: i.name for i in catalogue.icbs_on(month)}
    table = national.equity_view(frame, month, catalogue.metrics, fw.ics(), icss,
                                 sources.published_views(where))  # fmt: skip
    if csv is not None:
        table.to_csv(csv, index=False)
    if as_json:
        typer.echo(json.dumps(national.as_json(table), indent=2, default=str))
        return
    _print_equity(table)


def _print_equity(table: Any) -> None:
    from rich.table import Table

    grid = Table("ICS", "metric", "SII (95% CI)", "vs England", "quintile gap", "ethnic gap",
                 "score", "rating", title=f"Equity in access, 12 months to "
                 f"{table['period'].iloc[0]:%B %Y}")  # fmt: skip
    for _, r in table.iterrows():
        sii = "-" if r["sii"] != r["sii"] else (
            f"{r['sii']:.1f} ({r['sii_lower']:.1f} to {r['sii_upper']:.1f})")
        gap = "-" if r["quintile_gap"] != r["quintile_gap"] else f"{r['quintile_gap']:.1f}"
        eth = "-" if r["ethnic_gap"] != r["ethnic_gap"] else (
            f"{r['ethnic_gap']:.1f} ({r['ethnic_high_group']}-{r['ethnic_low_group']})")
        grid.add_row(r["org_code"], r["metric_id"], sii, r["sii_vs_england"], gap, eth,
                     str(r["statement_score"] or "-"), str(r["overall_rating"] or "-"))
    out.print(grid)
