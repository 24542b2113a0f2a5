"""Whether a figure meets its target.

Pure functions: the judgement layer never touches files or SQL. A missing value is never
"met" or "missed"; it is reported as missing so nobody mistakes absent data for failure.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from oversight.catalogue.models.targets import planning_year_of

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "==": operator.eq,
}


class TargetStatus(StrEnum):
    MET = "met"
    MISSED = "missed"
    MISSING = "missing"


@dataclass(frozen=True)
class TargetJudgement:
    status: TargetStatus
    value: float | None
    target: float
    comparison: str
    gap: float | None
    """value − target: positive is above the target, whatever the direction."""

    @property
    def sentence(self) -> str:
        if self.status is TargetStatus.MISSING:
            return "No figure for this period, so the target cannot be judged."
        verb = "meets" if self.status is TargetStatus.MET else "does not meet"
        return f"{self.value:g} {verb} the target of {self.comparison} {self.target:g}."


def judge_value(value: float | None, target: float, comparison: str) -> TargetJudgement:
    """Compare one figure with one target value."""
    try:
        compare = COMPARISONS[comparison]
    except KeyError:
        raise ValueError(
            f"comparison must be one of {sorted(COMPARISONS)}, not {comparison!r}"
        ) from None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return TargetJudgement(TargetStatus.MISSING, None, target, comparison, None)
    status = TargetStatus.MET if compare(value, target) else TargetStatus.MISSED
    return TargetJudgement(status, float(value), target, comparison, float(value) - target)


def planning_year(period: date) -> str:
    """The NHS planning (financial) year a month falls in: April to March, e.g. '2023/24'."""
    return planning_year_of(period)
