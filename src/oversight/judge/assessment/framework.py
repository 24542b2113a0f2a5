"""An assessment framework read from its file: themes, quality statements, evidence categories,
score and rating bands, limiter rules, and the framework's own settings (version, the scoring
methods and their dates, percentage rounding, how the overall rating is built).

The CQC changes these over time, so they are data (catalogue/data/cqc_framework.yaml for ICSs,
cqc_la_framework.yaml for local authorities), never constants here. Every result records the
framework id, version and a digest of the file it was scored with. Nothing in the scoring code
knows which kind of organisation a framework is for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oversight.catalogue.files import DEFAULT_DIR
from oversight.catalogue.models import (
    CQCTheme,
    EvidenceCategory,
    LimiterRule,
    QualityStatement,
    ScoreBand,
)

ICS_FILE = "cqc_framework.yaml"
LOCAL_AUTHORITY_FILE = "cqc_la_framework.yaml"
Method = Literal["evidence_categories", "quality_statement"]
METHODS: tuple[Method, ...] = ("evidence_categories", "quality_statement")


class FrameworkError(ValueError):
    """A framework file that cannot be used; the message names the file and the problem."""


class MethodSpan(BaseModel):
    """When a scoring method was in use (inclusive ISO dates; open-ended when missing)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    id: Method
    name: str
    from_: dt.date | None = Field(default=None, alias="from")
    until: dt.date | None = None


class Settings(BaseModel):
    """The `framework:` block of a framework file."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    id: str
    title: str
    version: str
    subject: str
    methods: tuple[MethodSpan, ...]
    percent_rounding: Literal["half_up"]
    percent_rounding_verification: str
    percent_rounding_source: str
    evidence_metrics: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    overall: Literal["pooled_statements"]
    overall_verification: str
    overall_source: str


@dataclass(frozen=True)
class Framework:
    """One framework file, validated. Bands are ordered from the lowest percentage up."""

    settings: Settings
    digest: str
    themes: Mapping[str, CQCTheme]
    statements: Mapping[str, QualityStatement]
    categories: Mapping[str, EvidenceCategory]
    statement_bands: tuple[ScoreBand, ...]
    rating_bands: tuple[ScoreBand, ...]
    limiters: tuple[LimiterRule, ...]

    @property
    def id(self) -> str:
        return self.settings.id

    @property
    def version(self) -> str:
        return self.settings.version

    @property
    def ratings(self) -> tuple[str, ...]:
        """Rating labels from worst to best (the order of their bands)."""
        return tuple(b.label for b in self.rating_bands)

    def statements_of(self, theme_id: str) -> list[QualityStatement]:
        return [s for s in self.statements.values() if s.theme_id == theme_id]

    def method_on(self, day: dt.date) -> Method:
        """The scoring method in use on a date (the assessment's)."""
        for span in self.settings.methods:
            started = span.from_ is None or span.from_ <= day
            if started and (span.until is None or day <= span.until):
                return span.id
        raise FrameworkError(f"{self.id}: no scoring method covers {day.isoformat()}")

    def describe(self) -> dict[str, str]:
        """What a result records about the framework it was scored with."""
        return {"framework": self.id, "framework_version": self.version, "digest": self.digest}


def _bands(entries: list[ScoreBand], scale: str, where: str) -> tuple[ScoreBand, ...]:
    ordered = sorted((b for b in entries if b.scale == scale), key=lambda b: b.min_percent)
    expected = 25
    for band in ordered:
        if band.min_percent != expected:
            raise FrameworkError(
                f"{where}: {scale} band {band.id} starts at {band.min_percent}%,"
                f" expected {expected}% (gap or overlap)"
            )
        expected = band.max_percent + 1
    if expected != 101:
        raise FrameworkError(f"{where}: {scale} bands do not reach 100%")
    return tuple(ordered)


def _entries(doc: dict[str, Any], key: str, model: type[BaseModel], where: str) -> list[Any]:
    items = doc.get(key) or []
    try:
        return [model.model_validate(item) for item in items]
    except ValidationError as error:
        raise FrameworkError(f"{where}: {key}: {error}") from None


def read(path: Path) -> Framework:
    """Read and check one framework file (FrameworkError names what is wrong)."""
    raw = path.read_bytes()
    where = path.name
    doc = yaml.safe_load(raw)
    if not isinstance(doc, dict) or "framework" not in doc:
        raise FrameworkError(f"{where}: no `framework:` block")
    try:
        settings = Settings.model_validate(doc["framework"])
    except ValidationError as error:
        raise FrameworkError(f"{where}: framework: {error}") from None
    themes = {t.id: t for t in _entries(doc, "themes", CQCTheme, where)}
    statements = {s.id: s for s in _entries(doc, "quality_statements", QualityStatement, where)}
    for s in statements.values():
        if s.theme_id is not None and s.theme_id not in themes:
            raise FrameworkError(f"{where}: statement {s.id} names unknown theme {s.theme_id!r}")
    bands = _entries(doc, "score_bands", ScoreBand, where)
    rating_bands = _bands(bands, "rating", where)
    labels = {b.label for b in rating_bands}
    limiters = tuple(_entries(doc, "limiter_rules", LimiterRule, where))
    for rule in limiters:
        for label in (rule.applies_to, rule.limit_to):
            if label not in labels:
                raise FrameworkError(f"{where}: limiter {rule.id} names unknown rating {label!r}")
    return Framework(
        settings=settings,
        digest=hashlib.sha256(raw).hexdigest()[:16],
        themes=themes,
        statements=statements,
        categories={c.id: c for c in _entries(doc, "evidence_categories", EvidenceCategory, where)},
        statement_bands=_bands(bands, "statement_score", where),
        rating_bands=rating_bands,
        limiters=limiters,
    )


@cache
def packaged(name: str = ICS_FILE) -> Framework:
    """A framework shipped in the catalogue's data folder (read once per process)."""
    return read(DEFAULT_DIR / name)


def ics() -> Framework:
    """The CQC framework for integrated care systems."""
    return packaged(ICS_FILE)


def local_authority() -> Framework:
    """The CQC framework for local authorities (Care Act 2014 duties)."""
    return packaged(LOCAL_AUTHORITY_FILE)


FRAMEWORKS = {"ics": ICS_FILE, "local_authority": LOCAL_AUTHORITY_FILE}
"""The packaged frameworks by subject (what `--framework` accepts)."""
