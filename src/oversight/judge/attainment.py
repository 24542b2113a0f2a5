"""Target: is the standing target met in the period, and is the figure on its trajectory?

A figure exactly on a "≥" or "≤" target meets it (oversight.judge.targets holds the
comparisons). A missing figure is "no data", never "missed"; a month with no standing target is
"no target". The trajectory is the planned value for the month: "on" when the figure meets it
by the target's own comparison, "off" when not, "none" when there is no planned value for the
month (or no figure).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oversight.judge.outcomes import Attainment, Trajectory
from oversight.judge.standing import StandingTarget
from oversight.judge.targets import COMPARISONS


@dataclass(frozen=True)
class TargetCheck:
    """One standing target (national or local) against the period's figure."""

    target: StandingTarget | None
    status: Attainment
    trajectory: Trajectory = Trajectory.NONE


@dataclass(frozen=True)
class TargetJudgement:
    """Is the target met now, and is the trajectory on track? National and local separately."""

    national: TargetCheck
    local: TargetCheck

    @property
    def primary(self) -> TargetCheck:
        """The check a one-line summary leads with: national where one stands, else local."""
        if self.national.target is None and self.local.target is not None:
            return self.local
        return self.national


def _meets(value: np.ndarray, goal: np.ndarray, comparison: np.ndarray) -> np.ndarray:
    """Whether each value meets its goal by its own comparison (False where either is NaN)."""
    met = np.zeros(len(value), dtype=bool)
    for op in np.unique(comparison[goal == goal]).tolist():
        if op not in COMPARISONS:
            raise ValueError(f"comparison must be one of {sorted(COMPARISONS)}, not {op!r}")
        at = (comparison == op) & ~np.isnan(goal) & ~np.isnan(value)
        met[at] = COMPARISONS[op](value[at], goal[at])
    return met


def attainment(value: np.ndarray, target: np.ndarray, comparison: np.ndarray) -> np.ndarray:
    """Each row's attainment of its standing target (NaN target: none stands)."""
    value, target = np.asarray(value, float), np.asarray(target, float)
    comparison = np.asarray(comparison, dtype=object)
    met = _meets(value, target, comparison)
    out = np.where(met, Attainment.MET, Attainment.MISSED).astype(object)
    out[np.isnan(value)] = Attainment.NO_DATA
    out[np.isnan(target)] = Attainment.NO_TARGET
    return out


def trajectory(value: np.ndarray, planned: np.ndarray, comparison: np.ndarray) -> np.ndarray:
    """Each row's place against its target's planned value for the month."""
    value, planned = np.asarray(value, float), np.asarray(planned, float)
    comparison = np.asarray(comparison, dtype=object)
    on = _meets(value, planned, comparison)
    out = np.where(on, Trajectory.ON, Trajectory.OFF).astype(object)
    out[np.isnan(value) | np.isnan(planned)] = Trajectory.NONE
    return out
