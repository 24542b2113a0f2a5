"""The outcome words of the three judgements: every value a judgement can take, in one place.

The values are the words the portal, the API and the CLI show, so they are plain English. "no
data" is an outcome of its own in every judgement: nothing is judged from a missing figure.
"""

from __future__ import annotations

from enum import StrEnum


class Variation(StrEnum):
    """Change over time: the Making Data Count variation of the period's point."""

    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    HIGHER = "higher"
    """Special cause on a metric where neither direction is better (neutral polarity)."""
    LOWER = "lower"
    COMMON_CAUSE = "common cause"
    NO_DATA = "no data"


class Assurance(StrEnum):
    """Change over time: will the target be met, judged from the process limits."""

    PASS = "pass"
    FAIL = "fail"
    HIT_AND_MISS = "hit and miss"
    NONE = "none"
    """No target stands, or the metric has no better direction."""
    NO_DATA = "no data"
    """A target stands but there is no figure or no process limits to judge it by."""


class VsEngland(StrEnum):
    """Position: the figure against England's, by the figure's 95% confidence interval."""

    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"
    HIGHER = "higher"
    LOWER = "lower"
    NO_DATA = "no data"
    NOT_APPLICABLE = "not applicable"
    """England itself."""


class Funnel(StrEnum):
    """Position: where an ICB sits on the funnel plot of all ICBs (99.8% limits)."""

    HIGH = "high"
    LOW = "low"
    NONE = "none"
    """Within the limits: not an outlier."""
    NO_DATA = "no data"
    NOT_APPLICABLE = "not applicable"
    """A region, England, or a metric that has no funnel plot."""


class Attainment(StrEnum):
    """Target: is the standing target met in the period."""

    MET = "met"
    MISSED = "missed"
    NO_TARGET = "no target"
    NO_DATA = "no data"


class Trajectory(StrEnum):
    """Target: is the figure on the target's planned path for the period."""

    ON = "on"
    OFF = "off"
    NONE = "none"
    """No trajectory point for the period (or no figure, or no target)."""
