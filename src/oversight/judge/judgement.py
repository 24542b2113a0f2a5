"""One judgement: the three answers for one organisation × metric × month, side by side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oversight.judge import sentences
from oversight.judge.attainment import TargetCheck, TargetJudgement
from oversight.judge.change import Change
from oversight.judge.disagreements import Disagreement, flags
from oversight.judge.position import Position
from oversight.judge.subject import Subject

NOT_JUDGED = frozenset({"no data", "none", "no target", "not applicable"})
"""The outcomes a judgement may hold when its figure is missing."""


@dataclass(frozen=True)
class Judgement:
    """Change over time, position and target, the flags where they disagree, and the words."""

    subject: Subject
    change: Change
    position: Position
    target: TargetJudgement

    def __post_init__(self) -> None:
        if self.subject.has_value:
            return
        judged = {k: v for k, v in self.outcomes.items() if v not in NOT_JUDGED}
        if judged:
            raise ValueError(
                f"{self.subject.org_code} {self.subject.metric_id} "
                f"{self.subject.period:%Y-%m} has no figure, so nothing can be judged from it; "
                f"found {', '.join(f'{k} {v}' for k, v in judged.items())}"
            )

    @property
    def outcomes(self) -> dict[str, str]:
        """Every outcome by field name (what the disagreement rules read)."""
        return {
            "variation": self.change.variation,
            "assurance": self.change.assurance,
            "local_assurance": self.change.local_assurance,
            "vs_england": self.position.vs_england,
            "funnel": self.position.funnel,
            "national_status": self.target.national.status,
            "local_status": self.target.local.status,
            "national_trajectory": self.target.national.trajectory,
            "local_trajectory": self.target.local.trajectory,
        }

    @property
    def disagreements(self) -> tuple[Disagreement, ...]:
        return flags(self.outcomes)

    @property
    def change_sentence(self) -> str:
        return sentences.change_sentence(self.subject, self.change)

    @property
    def position_sentence(self) -> str:
        return sentences.position_sentence(self.subject, self.position)

    @property
    def target_sentence(self) -> str:
        return sentences.target_sentence(self.subject, self.target)

    @property
    def summary(self) -> str:
        return sentences.summary(
            self.subject, self.change, self.position, self.target, self.disagreements
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of issue 10 (`oversight judge --json`)."""
        s, c, p, t = self.subject, self.change, self.position, self.target
        primary = t.primary
        return {
            "org": s.org_code,
            "org_type": s.org_type,
            "metric": s.metric_id,
            "period": s.period.isoformat()[:7],
            "breakdown": s.breakdown,
            "group": s.group,
            "value": s.value if s.has_value else None,
            "coverage": None
            if s.coverage is None
            else {"reported": s.coverage.reported, "expected": s.coverage.expected},
            "change": {
                "variation": str(c.variation),
                "assurance": str(c.assurance),
                "target_id": c.target.id if c.target else None,
                "local_assurance": str(c.local_assurance),
                "local_target_id": c.local_target.id if c.local_target else None,
                "sentence": self.change_sentence,
            },
            "position": {
                "vs_england": str(p.vs_england),
                "england": p.england,
                "funnel": str(p.funnel),
                "peer_rank": p.peer_rank,
                "peer_count": p.peer_count,
                "sentence": self.position_sentence,
            },
            "target": {
                **_check(primary),
                "local": _check(t.local)
                if t.local.target is not None and primary is not t.local
                else None,
                "sentence": self.target_sentence,
            },
            "disagreements": [str(d) for d in self.disagreements],
            "summary": self.summary,
        }


def _check(check: TargetCheck) -> dict[str, Any]:
    t = check.target
    return {
        "target_id": t.id if t else None,
        "scope": t.scope if t else None,
        "value": t.value if t else None,
        "status": str(check.status),
        "trajectory": str(check.trajectory),
    }
