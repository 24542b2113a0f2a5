"""The CQC ICS assessment framework: themes, quality statements, evidence categories, bands."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from oversight.catalogue.models.base import Entry, SnakeId

CQCVerification = Literal["verified", "corroborated", "recalled", "uncertain", "doubtful"]


class CQCTheme(Entry):
    """An ICS assessment theme (CQC's own order: Leadership, Integration, Quality and safety)."""

    id: SnakeId
    name: str
    order: int = Field(ge=1)
    verification: CQCVerification
    source: str


class EvidenceCategory(Entry):
    """One of CQC's 6 evidence categories."""

    id: SnakeId
    name: str
    verification: CQCVerification
    source: str


class QualityStatement(Entry):
    """A CQC quality statement scored 1-4; theme_id empty when its theme is not known."""

    id: SnakeId
    title: str
    theme_id: SnakeId | None
    key_question: Literal["Safe", "Effective", "Caring", "Responsive", "Well-led"]
    description: str
    verification: CQCVerification
    source: str


class ScoreBand(Entry):
    """A percentage band: statement score (1-4) or rating (Outstanding … Inadequate)."""

    id: SnakeId
    scale: Literal["statement_score", "rating"]
    label: str
    score: int | None = Field(default=None, ge=1, le=4)
    min_percent: int = Field(ge=0, le=100)
    max_percent: int = Field(ge=0, le=100)
    verification: CQCVerification
    source: str

    @model_validator(mode="after")
    def _ordered(self) -> ScoreBand:
        if self.min_percent > self.max_percent:
            raise ValueError("min_percent is greater than max_percent")
        return self


class LimiterRule(Entry):
    """A rule that caps a rating regardless of its percentage (recalled, to be verified):
    a percentage rated `applies_to` with any quality statement scored one of
    `statement_scores` is rated no better than `limit_to`."""

    id: SnakeId
    description: str
    applies_to: str
    statement_scores: tuple[int, ...] = Field(min_length=1)
    limit_to: str
    verification: CQCVerification
    source: str

    @model_validator(mode="after")
    def _scores(self) -> LimiterRule:
        if any(not 1 <= s <= 4 for s in self.statement_scores):
            raise ValueError("statement_scores must be scores 1 to 4")
        return self
