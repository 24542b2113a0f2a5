"""An ICS's published CQC assessment as its page shows it (templates/partials/assessment.html):
each theme's rating, the overall rating, the written account, any professional-judgement
override shown as one, and a summary of the evidence.

Only the latest *published* version is read (workflow.listing without an actor, status
published): a draft or one in moderation never reaches a public page.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oversight.home import Home

FRAMEWORK = "cqc_ics"


@dataclass(frozen=True)
class Overridden:
    """A rating set by professional judgement in place of the calculated one."""

    calculated: str
    reason: str
    by: str


@dataclass(frozen=True)
class RatedPart:
    """A theme, or the overall rating."""

    name: str
    rating: str
    percentage: int | None
    account: tuple[str, ...]
    override: Overridden | None


@dataclass(frozen=True)
class EvidenceLine:
    statement: str
    category: str
    source: str
    date: str
    summary: str


@dataclass(frozen=True)
class AssessmentPanel:
    id: str
    version: int
    assessed_on: dt.date
    published_at: dt.datetime | None
    method: str
    themes: tuple[RatedPart, ...]
    overall: RatedPart | None
    evidence: tuple[EvidenceLine, ...]
    evidence_by_source: tuple[tuple[str, int], ...]

    @property
    def parts(self) -> tuple[RatedPart, ...]:
        """Every theme, then the overall rating."""
        return self.themes + ((self.overall,) if self.overall else ())


def _part(name: str, rated: dict[str, Any]) -> RatedPart:
    given = rated.get("override")
    override = None
    if given:
        override = Overridden(str(rated.get("limited") or rated.get("aggregated") or ""),
                              str(given.get("reason", "")), str(given.get("by", "")))  # fmt: skip
    rounded = rated.get("rounded")
    return RatedPart(name, str(rated["rating"]), None if rounded is None else int(rounded),
                     tuple(str(a) for a in rated.get("account") or ()), override)  # fmt: skip


def panel_of(view: dict[str, Any]) -> AssessmentPanel:
    """A published assessment's JSON (AssessmentView.to_json) as the page shows it."""
    from oversight.judge.assessment import framework as fw

    fwk = fw.ics()
    result = view.get("result") or {}
    themes = tuple(
        _part(fwk.themes[t].name if t in fwk.themes else t, rated)
        for t, rated in (result.get("themes") or {}).items()
    )
    overall = result.get("overall")

    def title(sid: str) -> str:
        return fwk.statements[sid].title if sid in fwk.statements else sid

    def category(cid: str) -> str:
        return fwk.categories[cid].name if cid in fwk.categories else cid

    evidence = tuple(
        EvidenceLine(title(e["statement"]), category(e["category"]), e["source"], e["date"],
                     e["summary"])
        for e in view.get("evidence") or ()
    )  # fmt: skip
    counts = Counter(e.source for e in evidence)
    published = view.get("published_at")
    return AssessmentPanel(
        id=str(view["id"]), version=int(view["version"]),
        assessed_on=dt.date.fromisoformat(str(view["assessed_on"])),
        published_at=dt.datetime.fromisoformat(published) if published else None,
        method=str(view.get("method", "")), themes=themes,
        overall=None if not overall else _part("Overall", overall),
        evidence=evidence, evidence_by_source=tuple(sorted(counts.items())),
    )  # fmt: skip


def published_assessment(home: Home, code: str) -> AssessmentPanel | None:
    """The ICS's latest published CQC assessment, or None (never a draft)."""
    from oversight.judge.assessment import workflow as wf

    views = [v for v in wf.listing(home.database(), None, org=code.upper(), status="published")
             if v.framework == FRAMEWORK]  # fmt: skip
    if not views:
        return None
    latest = max(views, key=lambda v: v.version)
    return panel_of(latest.to_json())
