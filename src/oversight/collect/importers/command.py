"""`oversight import ae-sitrep|ambulance|rtt|cancer PATH [--out FILE.csv]`: read, summarise."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from oversight.options import HomeOption

if TYPE_CHECKING:
    import pandas as pd

import_app = typer.Typer(
    help="Import NHS England's published statistics files.", no_args_is_help=True
)

PATH = typer.Argument(..., help="The published file, or the directory holding it.")
OUT = typer.Option(None, "--out", help="Write the tidy table to this CSV file.")
LOOKUPS = typer.Option(None, "--lookups", help="Directory of lookup files (default: PATH's).")
SUBMIT = typer.Option(
    False,
    "--submit",
    help="Validate and store the figures as returns in the home (one revision per region or "
    "ICB and month), then compute, judge and publish. Nothing is stored if any part fails.",
)


def _show(title: str, frame: pd.DataFrame) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in frame.columns:
        table.add_column(
            str(column), justify="right" if frame[column].dtype.kind in "iuf" else "left"
        )
    for row in frame.itertuples(index=False):
        table.add_row(*(f"{v:,.1f}" if isinstance(v, float) else str(v) for v in row))
    Console().print(table)


def _finish(tidy: pd.DataFrame, out: Path | None) -> None:
    if out is not None:
        tidy.to_csv(out, index=False)
        typer.echo(f"wrote {len(tidy):,} rows to {out}")


def _submit(collections: tuple[str, ...], path: Path, home: Path | None) -> None:
    """Store `path` as returns of each collection in the home, then compute, judge and
    publish once."""
    import getpass

    from oversight.catalogue import load
    from oversight.collect.importers.published import store_source
    from oversight.collect.importers.source import ImportFormatError
    from oversight.collect.importers.submit import ReturnRefused
    from oversight.options import resolve_home
    from oversight.pipeline import compute_and_judge

    where = resolve_home(home)
    catalogue = load()
    for collection in collections:
        try:
            stored = store_source(where, catalogue, collection, path, f"cli:{getpass.getuser()}")
        except (ImportFormatError, ReturnRefused, FileNotFoundError) as exc:
            typer.echo(f"error: {exc}\nnothing was stored for {collection}", err=True)
            raise typer.Exit(1) from exc
        new = [s for s in stored if not s.unchanged]
        typer.echo(
            f"stored {len(new)} new revision(s) of {collection} "
            f"({len(stored) - len(new)} part(s) unchanged) in {where.root}"
        )
        for s in new[:20]:
            typer.echo(f"  {s.org} {s.period}: {s.revision_id} ({s.rows:,} rows)")
    version, _ = compute_and_judge(where)
    typer.echo(f"published results version {version.id}")


def _run(
    read: Callable[..., pd.DataFrame], path: Path, lookups: Path | None, submit: bool = False
) -> pd.DataFrame:
    from oversight.collect.importers.source import ImportFormatError

    try:
        return read(path, lookups=lookups)
    except (ImportFormatError, FileNotFoundError) as exc:
        typer.echo(f"error: {exc}" + ("\nnothing was stored" if submit else ""), err=True)
        raise typer.Exit(1) from exc


@import_app.command("ae-sitrep")
def ae_sitrep(
    path: Path = PATH,
    out: Path | None = OUT,
    lookups: Path | None = LOOKUPS,
    submit: bool = SUBMIT,
    home: HomeOption = None,
) -> None:
    """A&E monthly sitrep by provider: England all-types 4-hour % per month, unmapped providers.

    PATH is NHS England's monthly CSV as published (Monthly-AE-<Month>-<Year>.csv, or a folder
    of them) or the long file (or its folder)."""
    from oversight.collect.importers.ae_monthly import published_layout, read_ae_monthly
    from oversight.collect.importers.ae_sitrep import four_hour_performance, read_ae_sitrep
    from oversight.collect.importers.lookups import unmapped_providers

    tidy = _run(
        read_ae_monthly if published_layout(path) else read_ae_sitrep, path, lookups, submit
    )
    perf = four_hour_performance(tidy).assign(period=lambda f: f["period"].dt.strftime("%Y-%m"))
    _show("England, all department types", perf)
    missing = unmapped_providers(tidy, weight="attendances")
    _show(f"{len(missing)} providers with no ICB (kept, icb_code empty)", missing.head(15))
    _finish(tidy, out)
    if submit:
        _submit(("ae_sitrep_published",), path, home)


@import_app.command("ambulance")
def ambulance(path: Path = PATH, out: Path | None = OUT, lookups: Path | None = LOOKUPS) -> None:
    """AmbSYS response times: England C1/C2 means and 90th centiles, and mean consistency."""
    from oversight.collect.importers.ambulance import england, mean_mismatches, read_ambulance

    tidy = _run(read_ambulance, path, lookups)
    eng = england(tidy)
    eng = eng[eng["category"].isin(["C1", "C2"])].tail(12)
    cols = ["period", "category", "incidents", "mean_response_time_sec", "p90_response_time_sec"]
    _show(
        "England (last 6 months, C1 and C2)",
        eng[cols].assign(period=eng["period"].dt.strftime("%Y-%m")),
    )
    typer.echo(
        f"rows where total ÷ incidents differs from the mean by > 1 s: {len(mean_mismatches(tidy))}"
    )
    _finish(tidy, out)


@import_app.command("rtt")
def rtt(
    path: Path = PATH,
    out: Path | None = OUT,
    lookups: Path | None = LOOKUPS,
    submit: bool = SUBMIT,
    home: HomeOption = None,
) -> None:
    """RTT incomplete pathways per ICB (2026 configuration) and England."""
    import pandas as pd

    from oversight.collect.importers.rtt import read_rtt, rtt_england

    tidy = _run(read_rtt, path, lookups, submit)
    cols = [
        "icb_code",
        "total_waiting",
        "within_18_weeks",
        "pct_within_18_weeks",
        "over_52_weeks",
        "over_65_weeks",
        "over_78_weeks",
    ]
    both = pd.concat([tidy[cols], rtt_england(tidy)[cols]], ignore_index=True)
    _show(f"RTT incomplete pathways, {tidy['period'].iloc[0]:%B %Y}", both)
    _finish(tidy, out)
    if submit:
        _submit(("rtt_published", "rtt_waiting_times_published"), path, home)


@import_app.command("cancer")
def cancer(
    path: Path = PATH,
    out: Path | None = OUT,
    lookups: Path | None = LOOKUPS,
    submit: bool = SUBMIT,
    home: HomeOption = None,
) -> None:
    """Cancer 62-day standard by ICB (July snapshots): England totals per month."""
    from oversight.collect.importers.cancer import read_cancer_62day

    tidy = _run(read_cancer_62day, path, lookups, submit)
    eng = tidy.groupby("period")[["treated_total", "treated_within_62_days"]].sum().reset_index()
    eng["pct_within_62_days"] = 100.0 * eng["treated_within_62_days"] / eng["treated_total"]
    _show("England (sum of the 42 ICBs)", eng.assign(period=eng["period"].dt.strftime("%Y-%m")))
    _finish(tidy, out)
    if submit:
        _submit(("cancer_62day_published",), path, home)
