"""Change over time: the SPC variation of the period's point and assurance against a target.

The metrics stage computes the SPC limits and special-cause rules (Making Data Count, see
docs/methodology/spc.md); this module only reads them. Assurance is decided here, per period,
against the target standing in that period: limits wholly on the good side of the target pass,
wholly on the bad side fail, a target between the limits is hit and miss (the reference tool's
"inconsistent"). A target exactly on a limit is hit and miss, as in the reference tool. A point
without process limits has no variation to judge ("no data").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from oversight.judge.outcomes import Assurance, Variation
from oversight.judge.standing import StandingTarget

POINT_TYPES = {
    "special_cause_improvement": Variation.IMPROVEMENT,
    "special_cause_concern": Variation.CONCERN,
    "special_cause_neutral_high": Variation.HIGHER,
    "special_cause_neutral_low": Variation.LOWER,
    "common_cause": Variation.COMMON_CAUSE,
}
"""The metrics stage's `spc_point_type` → the variation outcome."""

SIGNS = {"increase": 1, "decrease": -1, "neutral": 0}
"""A metric's `improvement` as a sign: which way is better."""


@dataclass(frozen=True)
class Change:
    """Is the process changing, and will it meet its targets?"""

    variation: Variation
    assurance: Assurance
    """Against the standing national target."""
    target: StandingTarget | None
    local_assurance: Assurance = Assurance.NONE
    """Against the ICB's own standing target, separately."""
    local_target: StandingTarget | None = None
    lower_limit: float | None = None
    upper_limit: float | None = None


def variation(
    point_type: pd.Series, has_value: np.ndarray, lower: np.ndarray, upper: np.ndarray
) -> np.ndarray:
    """Each row's variation outcome. A missing figure or point is "no data", and so is a point
    without process limits (a one-point series, or a flat one, whose limits the reference tool
    leaves NaN while calling the point common cause): "within its usual range" would be said
    of a range nobody could compute."""
    codes, found = pd.factorize(np.asarray(point_type, dtype=object))
    out = np.array([POINT_TYPES.get(p) for p in found] + [None], dtype=object)[codes]
    limits = ~np.isnan(np.asarray(lower, float)) & ~np.isnan(np.asarray(upper, float))
    known = pd.notna(out) & np.asarray(has_value, bool) & limits
    return np.where(known, out, Variation.NO_DATA).astype(object)


def assurance(
    lower: np.ndarray, upper: np.ndarray, target: np.ndarray, sign: np.ndarray
) -> np.ndarray:
    """Each row's assurance outcome from its process limits, target value and polarity.

    No target (NaN) or a neutral metric → none; a target but no limits → no data."""
    lower, upper = np.asarray(lower, float), np.asarray(upper, float)
    target, sign = np.asarray(target, float), np.asarray(sign)
    has_target = ~np.isnan(target) & (sign != 0)
    limits = ~np.isnan(lower) & ~np.isnan(upper)
    with np.errstate(invalid="ignore"):
        above = target > upper  # the whole process runs below the target
        below = target < lower  # the whole process runs above the target
    good = np.where(sign > 0, below, above)
    bad = np.where(sign > 0, above, below)
    out = np.full(len(target), Assurance.HIT_AND_MISS, dtype=object)
    out[good] = Assurance.PASS
    out[bad] = Assurance.FAIL
    out[has_target & ~limits] = Assurance.NO_DATA
    out[~has_target] = Assurance.NONE
    return out
