"""Builders for judgements in tests: every field has a plain default, override what matters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from oversight.judge.attainment import TargetCheck, TargetJudgement
from oversight.judge.change import Change
from oversight.judge.judgement import Judgement
from oversight.judge.outcomes import (
    Assurance,
    Attainment,
    Funnel,
    Trajectory,
    Variation,
    VsEngland,
)
from oversight.judge.position import Position
from oversight.judge.standing import StandingTarget
from oversight.judge.subject import Subject

MARCH = dt.date(2024, 3, 1)
NATIONAL = StandingTarget("2023-24-UEC1", "national", 76.0, ">=")
LOCAL = StandingTarget("QMJ-ae_4hr-2023-24-v2", "local", 78.0, ">=", trajectory=74.2)


def subject(**kw: Any) -> Subject:
    base: dict[str, Any] = {
        "org_type": "icb",
        "org_code": "QMJ",
        "metric_id": "ae_4hr",
        "title": "A&E: seen within 4 hours",
        "unit": "percent",
        "improvement": "increase",
        "period": MARCH,
        "value": 72.1,
    }
    return Subject(**{**base, **kw})


def change(**kw: Any) -> Change:
    base: dict[str, Any] = {
        "variation": Variation.COMMON_CAUSE,
        "assurance": Assurance.FAIL,
        "target": NATIONAL,
    }
    return Change(**{**base, **kw})


def position(**kw: Any) -> Position:
    base: dict[str, Any] = {
        "vs_england": VsEngland.WORSE,
        "england": 74.9,
        "ci_lower": 71.3,
        "ci_upper": 72.9,
        "funnel": Funnel.NONE,
        "peer_rank": 5,
        "peer_count": 8,
        "peer_size": 8,
    }
    return Position(**{**base, **kw})


def target(
    status: Attainment = Attainment.MISSED,
    trajectory: Trajectory = Trajectory.NONE,
    national: StandingTarget | None = NATIONAL,
    local: TargetCheck | None = None,
) -> TargetJudgement:
    return TargetJudgement(
        national=TargetCheck(national, status if national else Attainment.NO_TARGET, trajectory),
        local=local or TargetCheck(None, Attainment.NO_TARGET),
    )


def judgement(**parts: Any) -> Judgement:
    return Judgement(
        subject=parts.get("subject", subject()),
        change=parts.get("change", change()),
        position=parts.get("position", position()),
        target=parts.get("target", target()),
    )


def catalogue_target(**kw: Any) -> Any:
    """A catalogue Target (validated like the YAML), national on ae_4hr 2023/24 by default."""
    from oversight.catalogue.models import Target

    base: dict[str, Any] = {
        "id": "t",
        "scope": "national",
        "metric_id": "ae_4hr",
        "planning_year": "2023/24",
        "value": 76.0,
        "comparison": ">=",
        "deadline": "2024-03-31",
        "owner": "NHS England",
        "rationale": "test",
        "date_set": "2022-12-23",
        "status": "published",
        "source": "test",
        "verification": "synthetic",
    }
    return Target.model_validate({**base, **kw})


def missing(reason: str | None = "no records", **kw: Any) -> Judgement:
    """A judgement of a missing figure: every outcome is "no data" (or no target)."""
    return judgement(
        subject=subject(value=None, missing_reason=reason, **kw),
        change=change(variation=Variation.NO_DATA, assurance=Assurance.NO_DATA),
        position=position(
            vs_england=VsEngland.NO_DATA,
            funnel=Funnel.NO_DATA,
            peer_rank=None,
            peer_count=None,
        ),
        target=target(status=Attainment.NO_DATA),
    )
