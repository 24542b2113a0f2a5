"""Files → validated typed entries → one immutable Catalogue (or every problem found)."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from oversight.catalogue.catalogue import Catalogue
from oversight.catalogue.files import FILES, RawEntry, read_entries, read_rule_sets
from oversight.catalogue.models import RuleSet
from oversight.catalogue.problems import Problem
from oversight.catalogue.rules import (
    DEFAULT_MAX_NATIONAL_TARGETS,
    PROTECTED_DOMAINS,
    Sources,
    check_references,
)


def _validation_reasons(exc: ValidationError) -> list[str]:
    reasons = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        reasons.append(f"{where}: {message}" if where else message)
    return reasons


def _validate(
    raw: list[RawEntry], model: type[BaseModel]
) -> tuple[dict[str, BaseModel], dict[str, str], list[Problem]]:
    """Validate entries; duplicates and invalid entries become problems."""
    valid: dict[str, BaseModel] = {}
    origin: dict[str, str] = {}
    problems: list[Problem] = []
    for entry in raw:
        if entry.entry_id in origin:
            problems.append(
                Problem(
                    entry.file,
                    entry.entry_id,
                    f"duplicate id (first defined in {origin[entry.entry_id]})",
                )
            )
            continue
        origin[entry.entry_id] = entry.file
        try:
            valid[entry.entry_id] = model.model_validate(entry.data)
        except ValidationError as exc:
            problems.extend(
                Problem(entry.file, entry.entry_id, r) for r in _validation_reasons(exc)
            )
    return valid, origin, problems


def _derive(tables: dict[str, dict[str, Any]]) -> None:
    """Fill derived fields: each data item's collections, each collection's metrics."""
    items, collections, metrics = tables["data_items"], tables["collections"], tables["metrics"]
    for item_id, item in list(items.items()):
        if not item.collections:
            asked = tuple(c.id for c in collections.values() if item_id in c.data_items)
            items[item_id] = item.model_copy(update={"collections": asked})
    for coll_id, coll in list(collections.items()):
        used = tuple(m.id for m in metrics.values() if set(m.data_item_ids) & set(coll.data_items))
        collections[coll_id] = coll.model_copy(update={"metrics": used})


def compile_catalogue(
    directory: Path,
    max_national_targets: int = DEFAULT_MAX_NATIONAL_TARGETS,
    protected_domains: tuple[str, ...] = PROTECTED_DOMAINS,
) -> tuple[Catalogue | None, list[Problem]]:
    """Read, validate and cross-check a catalogue directory; return it with every problem."""
    problems: list[Problem] = []
    if not directory.is_dir():
        return None, [Problem(str(directory), "-", "not a directory")]
    raw_by_attr: dict[str, list[RawEntry]] = {}
    models: dict[str, type[BaseModel]] = {}
    for spec in FILES:
        entries, file_problems = read_entries(directory, spec)
        raw_by_attr.setdefault(spec.attribute, []).extend(entries)
        models[spec.attribute] = spec.model
        problems.extend(p for p in file_problems if p not in problems)
    rule_sets, rule_set_problems = read_rule_sets(directory)
    raw_by_attr["rule_sets"], models["rule_sets"] = rule_sets, RuleSet
    problems.extend(rule_set_problems)
    tables: dict[str, dict[str, Any]] = {}
    origins: dict[str, dict[str, str]] = {}
    for attribute, raw in raw_by_attr.items():
        tables[attribute], origins[attribute], found = _validate(raw, models[attribute])
        problems.extend(found)
    _derive(tables)
    problems.extend(
        check_references(Sources(tables, origins), max_national_targets, protected_domains)
    )
    catalogue = Catalogue(
        **{name: MappingProxyType(table) for name, table in tables.items()},
        warnings=tuple(p for p in problems if p.severity == "warning"),
    )
    return catalogue, problems
