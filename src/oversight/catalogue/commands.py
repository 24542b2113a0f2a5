"""`oversight catalogue check|show`: validate the catalogue and look entries up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, get_args

import typer

from oversight.catalogue.rules import DEFAULT_MAX_NATIONAL_TARGETS, PROTECTED_DOMAINS

catalogue_app = typer.Typer(
    help="The catalogue: organisations, data items, metrics, collections, targets.",
    no_args_is_help=True,
)

KINDS = (
    "regions",
    "icbs",
    "merged_icbs",
    "providers",
    "datasets",
    "data_items",
    "metrics",
    "collections",
    "targets",
    "cqc_themes",
    "cqc_quality_statements",
    "cqc_evidence_categories",
    "cqc_score_bands",
    "cqc_limiter_rules",
    "rule_sets",
    "escalation_policies",
)

PathOption = Annotated[
    Path | None, typer.Option("--path", help="Catalogue directory (default: the packaged one).")
]


@catalogue_app.command("check")
def check(
    path: PathOption = None,
    max_national_targets: Annotated[
        int,
        typer.Option(help="Most headline national targets allowed per planning year."),
    ] = DEFAULT_MAX_NATIONAL_TARGETS,
    protected_domain: Annotated[
        list[str] | None,
        typer.Option(
            help="A domain every planning year's national targets should cover (repeat for "
            f"several; default: {', '.join(PROTECTED_DOMAINS)})."
        ),
    ] = None,
) -> None:
    """Validate every catalogue file; report every problem with file, entry and reason."""
    from oversight.catalogue.compile import compile_catalogue
    from oversight.catalogue.files import DEFAULT_DIR
    from oversight.catalogue.models.measures import Domain

    protected = tuple(protected_domain) if protected_domain else PROTECTED_DOMAINS
    unknown = [d for d in protected if d not in get_args(Domain)]
    if unknown:
        typer.echo(
            f"unknown domain {', '.join(unknown)}; choose from: {', '.join(get_args(Domain))}",
            err=True,
        )
        raise typer.Exit(2)
    catalogue, problems = compile_catalogue(path or DEFAULT_DIR, max_national_targets, protected)
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        typer.echo(str(problem), err=problem.severity == "error")
    if errors or catalogue is None:
        typer.echo(f"catalogue check failed: {len(errors)} problem(s)", err=True)
        raise typer.Exit(1)
    counts = ", ".join(f"{len(getattr(catalogue, k))} {k}" for k in KINDS)
    warned = f" ({len(problems)} warning(s))" if problems else ""
    typer.echo(f"catalogue OK{warned}: {counts}")


@catalogue_app.command("show")
def show(
    kind: Annotated[str | None, typer.Argument(help=f"One of: {', '.join(KINDS)}.")] = None,
    entry_id: Annotated[str | None, typer.Argument(help="An entry id or code.")] = None,
    path: PathOption = None,
) -> None:
    """List the kinds, the ids of one kind, or one entry in full (YAML)."""
    from oversight.catalogue.loader import load

    catalogue = load(path)
    if kind is None:
        for name in KINDS:
            typer.echo(f"{name}: {len(getattr(catalogue, name))}")
        return
    if kind not in KINDS:
        typer.echo(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}", err=True)
        raise typer.Exit(2)
    table = getattr(catalogue, kind)
    if entry_id is None:
        for key, entry in table.items():
            label = getattr(entry, "title", None) or getattr(entry, "name", None) or ""
            typer.echo(f"{key}\t{label}")
        return
    if entry_id not in table:
        typer.echo(f"no {kind} entry {entry_id!r}", err=True)
        raise typer.Exit(1)
    import yaml

    data = table[entry_id].model_dump(mode="json")
    typer.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100).rstrip())
