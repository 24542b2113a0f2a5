"""`oversight judge` and `oversight peers`: the command-line faces of the judge stage.

Heavy libraries are imported inside the commands, so `oversight --help` stays quick.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from oversight.options import HomeOption, resolve_home
from oversight.period import Period
from oversight.period_cli import MONTH_METAVAR, month_option

PeriodOption = Annotated[
    Period | None,
    typer.Option(
        "--period", parser=month_option, metavar=MONTH_METAVAR,
        help="The month (default: the latest judged).", show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
DecilesOption = Annotated[
    Path | None,
    typer.Option(
        "--deciles",
        help="ICB population by IMD 2019 decile (imd2019_icb22_population_by_decile.csv or "
        "its folder); default: $OVERSIGHT_DEPRIVATION_FILE, else the home's reference/.",
        show_default=False,
    ),
]


def _choices(values: Iterable[str], limit: int = 60) -> str:
    ordered = sorted(set(values))
    shown = ", ".join(ordered[:limit])
    return shown + (f" … ({len(ordered)} in all)" if len(ordered) > limit else "")


def _unknown(what: str, value: str, valid: Iterable[str], hint: str) -> typer.BadParameter:
    return typer.BadParameter(
        f"no {what} {value!r}; choose one of: {_choices(valid)}", param_hint=hint
    )


def judge_command(
    period: PeriodOption = None,
    org: Annotated[
        str | None, typer.Option("--org", help="An ICB, region or England (ENG) code.")
    ] = None,
    metric: Annotated[str | None, typer.Option("--metric", help="A catalogue metric id.")] = None,
    breakdown: Annotated[
        str | None,
        typer.Option("--breakdown", help="One breakdown's groups (e.g. imd_decile; judged in the "
                     "latest month only) instead of the totals."),
    ] = None,
    as_json: JsonOption = False,
    deciles: DecilesOption = None,
    home: HomeOption = None,
) -> None:
    """Print the three judgements (change, position, target), disagreements and summary of the
    published results, judging them first if they have not been judged."""
    from oversight import config
    from oversight.catalogue import load
    from oversight.judge import stage
    from oversight.metrics.results import current

    where = resolve_home(home)
    version = current(where)
    if version is None:
        typer.echo(f"No computed results under {where.results_dir}: run `oversight compute`.",
                   err=True)
        raise typer.Exit(1)
    found = stage.judged(where, version.id)
    if found is None:
        typer.echo(f"Judging results {version.id} …", err=True)
        found = stage.assess(where, version, deciles=config.deprivation_file(deciles))
    months = found.periods()
    if not months:
        typer.echo(f"Results {version.id} hold no rows, so nothing is judged: run "
                   "`oversight compute` once data is collected.", err=True)
        raise typer.Exit(1)
    if period is None:
        month = months[-1]
    elif period.start in months:
        month = period.start
    else:
        raise _unknown("judged month", str(period), (f"{m:%Y-%m}" for m in months), "--period")
    if breakdown is not None:
        groups = found.frame(period=months[-1], breakdown=None)
        named = set(groups["breakdown"]) - {"total"}
        if breakdown not in named:
            raise _unknown("breakdown", breakdown, named, "--breakdown")
        if month != months[-1]:
            raise typer.BadParameter(
                f"breakdown groups are judged in the latest month only, {months[-1]:%Y-%m}",
                param_hint="--period",
            )
    frame = found.frame(period=month)
    if org is not None and org.upper() not in set(frame["org_code"]):
        raise _unknown("organisation", org, frame["org_code"], "--org")
    if metric is not None and metric not in set(frame["metric_id"]):
        raise _unknown("metric", metric, frame["metric_id"], "--metric")
    catalogue = load()
    out = found.judgements(org=org.upper() if org else None, metric=metric, period=month,
                           catalogue=catalogue, breakdown=breakdown or "total")
    if as_json:
        typer.echo(json.dumps([j.to_dict() for j in out], indent=2))
        return
    for j in out:
        s = j.subject
        flags = f" [{', '.join(j.disagreements)}]" if j.disagreements else ""
        group = "" if s.breakdown == "total" else f" {s.breakdown}={s.group}"
        typer.echo(wrapped(
            f"{s.org_code} {s.metric_id}{group} {s.period:%Y-%m}: {j.summary}{flags}"
        ))


WIDTH = 80


def wrapped(text: str) -> str:
    """A judgement as lines of at most 80 columns (a terminal's width), the continuation
    indented so each judgement's first line stands out; words and codes are never split."""
    import textwrap

    return textwrap.fill(text, WIDTH, subsequent_indent="    ", break_long_words=False,
                         break_on_hyphens=False)


def _peer_groups(where: Any, deciles: Path | None, on: dt.date) -> Any:
    from oversight import config
    from oversight.catalogue import load
    from oversight.judge.deprivation_file import DECILE_FILE, read_deciles
    from oversight.judge.peer_features import quintile_populations
    from oversight.judge.peers import groups_on
    from oversight.judge.stage import deciles_file

    file = deciles_file(where, config.deprivation_file(deciles))
    if file is None or not file.exists():
        typer.echo(
            f"Peer groups need {DECILE_FILE}: pass --deciles, set "
            f"${config.DEPRIVATION_ENV}, or place it in {where.reference_dir}.",
            err=True,
        )
        raise typer.Exit(1)
    return groups_on(load(), [on], quintile_populations(read_deciles(file)))[on]


def peers_command(
    org: Annotated[str | None, typer.Option("--org", help="One ICB's code.")] = None,
    period: Annotated[
        Period | None,
        typer.Option(
            "--period", parser=month_option, metavar=MONTH_METAVAR,
            help="The month whose ICBs are grouped (default: the latest computed month, "
            "else this month).", show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    deciles: DecilesOption = None,
    home: HomeOption = None,
) -> None:
    """Print each ICB's features, its nearest peers and their distances (oversight.md §2)."""
    from oversight.metrics.results import current

    where = resolve_home(home)
    if period is not None:
        on = period.start
    else:
        version = current(where)
        on = max(version.periods) if version is not None and version.periods else (
            Period.month_of(dt.date.today()).start
        )
    groups = _peer_groups(where, deciles, on)
    records = groups.to_records()
    if org is not None:
        records = [r for r in records if r["org"] == org.upper()]
        if not records:
            raise _unknown("ICB on " + f"{on:%Y-%m}", org, groups.groups, "--org")
    if as_json:
        body = {"period": f"{on:%Y-%m}", "k": groups.k,
                "features": list(groups.features.columns), "icbs": records}
        typer.echo(json.dumps(body, indent=2))
        return
    typer.echo(f"Peer groups of {len(groups.groups)} ICBs on {on:%Y-%m} (k = {groups.k}); "
               "features standardised to mean 0, sd 1, Euclidean distance.")
    for r in records:
        features = ", ".join(f"{k} {v:.3f}" for k, v in r["features"].items())
        peers = ", ".join(f"{p['org']} ({p['distance']:.2f})" for p in r["peers"])
        typer.echo(f"{r['org']}: {features}\n  peers: {peers}")
