"""The catalogue's files: which file holds which kind of entry, and reading them raw."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from oversight.catalogue.models import (
    ICB,
    Collection,
    CQCTheme,
    DataItem,
    Dataset,
    EvidenceCategory,
    LimiterRule,
    Metric,
    Provider,
    QualityStatement,
    Region,
    ScoreBand,
    Target,
)
from oversight.catalogue.models.escalation import EscalationPolicy
from oversight.catalogue.problems import Problem

SCHEMA_VERSION = 1
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class FileSpec:
    """A catalogue file: its name, the top-level list key, the model and id field."""

    name: str
    key: str
    model: type[BaseModel]
    attribute: str
    id_field: str = "id"
    required: bool = True


FILES: tuple[FileSpec, ...] = (
    FileSpec("regions.yaml", "regions", Region, "regions", "code"),
    FileSpec("icbs.yaml", "icbs", ICB, "icbs", "code"),
    FileSpec("merged_icbs.yaml", "merged_icbs", ICB, "merged_icbs", "code", required=False),
    FileSpec("providers.yaml", "providers", Provider, "providers", "code"),
    FileSpec("datasets.yaml", "datasets", Dataset, "datasets"),
    FileSpec("data_items.yaml", "data_items", DataItem, "data_items"),
    FileSpec("metrics.yaml", "metrics", Metric, "metrics"),
    FileSpec("collections.yaml", "collections", Collection, "collections"),
    FileSpec("national_targets.yaml", "targets", Target, "targets"),
    FileSpec("local_targets.yaml", "targets", Target, "targets", required=False),
    FileSpec("cqc_framework.yaml", "themes", CQCTheme, "cqc_themes", required=False),
    FileSpec(
        "cqc_framework.yaml",
        "quality_statements",
        QualityStatement,
        "cqc_quality_statements",
        required=False,
    ),
    FileSpec(
        "cqc_framework.yaml",
        "evidence_categories",
        EvidenceCategory,
        "cqc_evidence_categories",
        required=False,
    ),
    FileSpec("cqc_framework.yaml", "score_bands", ScoreBand, "cqc_score_bands", required=False),
    FileSpec(
        "cqc_framework.yaml", "limiter_rules", LimiterRule, "cqc_limiter_rules", required=False
    ),
    FileSpec(
        "escalation_policies.yaml",
        "policies",
        EscalationPolicy,
        "escalation_policies",
        required=False,
    ),
)


@dataclass(frozen=True)
class RawEntry:
    """One entry as written, with where it came from."""

    file: str
    entry_id: str
    data: dict[str, Any]


def read_entries(directory: Path, spec: FileSpec) -> tuple[list[RawEntry], list[Problem]]:
    """Read one file's entries; a missing, unparsable or mis-versioned file is a problem."""
    path = directory / spec.name
    if not path.exists():
        if spec.required:
            return [], [Problem(spec.name, "-", "file is missing")]
        return [], []
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        return [], [Problem(spec.name, "-", f"not valid YAML: {exc}")]
    if not isinstance(doc, dict):
        return [], [Problem(spec.name, "-", "top level must be a mapping")]
    problems: list[Problem] = []
    if doc.get("schema_version") != SCHEMA_VERSION:
        problems.append(
            Problem(
                spec.name,
                "-",
                f"schema_version is {doc.get('schema_version')!r}, expected {SCHEMA_VERSION}",
            )
        )
    items = doc.get(spec.key)
    if not isinstance(items, list):
        return [], [*problems, Problem(spec.name, "-", f"missing list {spec.key!r}")]
    entries = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(Problem(spec.name, f"#{index + 1}", "entry is not a mapping"))
            continue
        entry_id = str(item.get(spec.id_field, f"#{index + 1}"))
        entries.append(RawEntry(spec.name, entry_id, item))
    return entries, problems


RULE_SETS_DIR = "rule_sets"
RULE_SET_KEY = "rule_set"


def read_rule_sets(directory: Path) -> tuple[list[RawEntry], list[Problem]]:
    """Read every rule set file (rule_sets/<id>.yaml, one rule set under `rule_set`).

    The directory is optional; a file whose name is not its rule set's id is a problem, so a
    rule set is always found where its id says.
    """
    folder = directory / RULE_SETS_DIR
    if not folder.is_dir():
        return [], []
    entries: list[RawEntry] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        name = f"{RULE_SETS_DIR}/{path.name}"
        try:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        except yaml.YAMLError as exc:
            problems.append(Problem(name, "-", f"not valid YAML: {exc}"))
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get(RULE_SET_KEY), dict):
            problems.append(
                Problem(name, "-", f"top level must be a mapping with {RULE_SET_KEY!r}")
            )
            continue
        if doc.get("schema_version") != SCHEMA_VERSION:
            problems.append(
                Problem(
                    name,
                    "-",
                    f"schema_version is {doc.get('schema_version')!r}, expected {SCHEMA_VERSION}",
                )
            )
        data = doc[RULE_SET_KEY]
        entry_id = str(data.get("id", path.stem))
        if entry_id != path.stem:
            problems.append(
                Problem(name, entry_id, f"file name must be the rule set id ({entry_id}.yaml)")
            )
        entries.append(RawEntry(name, entry_id, data))
    return entries, problems
