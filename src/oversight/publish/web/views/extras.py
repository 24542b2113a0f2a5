"""What other parts of the judge publish besides the three judgements, read where it exists.

Segments come from the judgements artefact (oversight.judge.segmentation.artefact: one file
per rule set and quarter); CQC ratings from published assessments
(oversight.judge.assessment.workflow.published_ratings); escalation cases from their public
summary (oversight.judge.escalation.public). Each reader here is the one
place a page asks, and a page shows a section only when there is something in it (never a
placeholder). Annotations and rebases for charts come through `annotations_of`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.period import Period
from oversight.publish.charts import ChartAnnotation

ICB = "icb"


@dataclass(frozen=True)
class SegmentView:
    segment: int
    rule_set: str | None = None
    """E.g. "NHS Oversight Framework 2025/26, 2025-Q2"."""
    why: tuple[str, ...] = ()
    moves: tuple[str, ...] = field(default_factory=tuple)
    """"What would move you": the judge's sentences (judge.segmentation.text.move_sentences),
    only when the artefact stores the search for the quarter shown."""
    change: str | None = None
    """The change since the previous quarter, in words."""
    provisional: bool = False


@dataclass(frozen=True)
class CaseSummary:
    """An open escalation case as the public sees it (judge.escalation.public)."""

    state: str
    summary: str
    opened: str
    triggers: tuple[str, ...] = ()
    actions: tuple[tuple[str, str, str, bool], ...] = ()
    """(text, owner, due, done)."""


@lru_cache(maxsize=4)
def _segments(home: Home, judged_id: str | None) -> dict[str, SegmentView]:
    """Each ICB's segment in the newest quarter stored under the rule set in force then that
    segments any ICB: a quarter whose rule set's metrics have no data (a published-data home
    has none for NoF 2025/26) segments nobody, so the quarter before it is shown, named."""
    if judged_id is None:
        return {}
    from oversight.judge.segmentation import artefact
    from oversight.judge.segmentation.text import move_sentences

    where = artefact.current(home)
    if where is None:
        return {}
    catalogue = load_catalogue()
    stored: list[tuple[Period, str]] = []
    for rules in sorted(p.name for p in where.iterdir() if p.is_dir()):
        stored += [(q, rules) for q in artefact.quarters(where, rules)
                   if (rs := catalogue.rule_set_for(ICB, q)) is not None and rs.id == rules]
    for quarter, rules in sorted(stored, reverse=True):
        found = artefact.read(where, rules, quarter)
        if found is None:
            continue
        title = catalogue.rule_sets[rules].title if rules in catalogue.rule_sets else rules
        out = {
            r.org: SegmentView(
                segment=int(r.segment), rule_set=f"{title}, {quarter}", why=tuple(r.reasons),
                moves=tuple(move_sentences(r)) if found.moves_searched else (),
                change=r.change.sentence if r.change is not None else None,
                provisional=r.provisional,
            )
            for r in found.results()
            if r.org_type == ICB and r.segment is not None
        }
        if out:
            return out
    return {}


def segment_of(home: Home, code: str) -> SegmentView | None:
    """The ICB's published segment, or None when the artefact holds none."""
    from oversight.judge.stage import latest

    found = latest(home)
    return _segments(home, None if found is None else found.id).get(code)


def cqc_rating_of(home: Home, code: str) -> str | None:
    """The ICS's overall CQC rating in its latest published assessment, if any."""
    return cqc_ratings(home).get(code)


def cqc_ratings(home: Home) -> dict[str, str]:
    from oversight.judge.assessment.workflow import published_ratings

    return published_ratings(home.database())


def case_summary_of(home: Home, code: str) -> CaseSummary | None:
    """The public summary of the organisation's newest open escalation case, if it has one."""
    from oversight.judge.escalation.public import public_cases

    open_cases = [c for c in public_cases(home.database(), code) if c["open"]]
    if not open_cases:
        return None
    case = open_cases[-1]
    return CaseSummary(
        state=str(case["state"]), summary=str(case["summary"]), opened=str(case["opened"]),
        triggers=tuple(str(t) for t in case["triggers"]),
        actions=tuple((str(a["text"]), str(a["owner"]), str(a["due"] or ""), bool(a["done"]))
                      for a in case["actions"]),
    )


def annotations_of(home: Home, code: str, metric_id: str) -> tuple[ChartAnnotation, ...]:
    """Annotations and rebase breaks of one organisation's series, for its charts, from the
    governed store (oversight.annotations, public view) through publish.chart_marks. Rebased
    SPC limits themselves come in the published results' SPC columns; charts break the limit
    lines where the published mean changes (charts.limit_segments)."""
    from oversight.publish.chart_marks import marks_for

    return tuple(ChartAnnotation(m.period, m.text, m.kind) for m in marks_for(home, code,
                                                                             metric_id))
