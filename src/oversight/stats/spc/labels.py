"""Label vocabularies: special-cause types, point types and icons, as integer codes.

The engine works on small integer codes (fast, vectorised); frames turn them into
categoricals whose categories are the package's exact strings.
"""

from __future__ import annotations

from typing import Final

import numpy as np

#: special_cause_type strings, indexed by code.
SPECIAL_CAUSE_TYPES: Final[tuple[str, ...]] = (
    "Common Cause",
    "Above UCL",
    "Below LCL",
    "7 Point Trend (Increasing)",
    "7 Point Trend (Decreasing)",
    "2 in 3 Above CL",
    "2 in 3 Below CL",
    "7 Points Above CL",
    "7 Points Below CL",
)
COMMON, ABOVE_UCL, BELOW_LCL, TREND_UP, TREND_DOWN, TWO3_ABOVE, TWO3_BELOW, RUN_ABOVE, RUN_BELOW = (
    range(9)
)
#: Direction of each special-cause type: Above/Increasing = +1, Below/Decreasing = -1.
TYPE_DIRECTION: Final[np.ndarray] = np.array([0, 1, -1, 1, -1, 1, -1, 1, -1], dtype=np.int8)

#: point_type strings, indexed by code.
POINT_TYPES: Final[tuple[str, ...]] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
PT_COMMON, PT_IMPROVEMENT, PT_CONCERN, PT_NEUTRAL_HIGH, PT_NEUTRAL_LOW = range(5)

#: Assurance types (``ptd_calculate_assurance_type``) and their icon file stems.
ASSURANCE_ICON: Final[dict[str, str]] = {
    "consistent_pass": "pass",
    "consistent_fail": "fail",
    "inconsistent": "inconsistent",
}


def variation_icon(point_type: str, improvement: int) -> str:
    """Icon file stem for the last point's point_type (``ptd_get_icons``)."""
    if point_type == "special_cause_concern":
        return "concern_low" if improvement == 1 else "concern_high"
    if point_type == "special_cause_improvement":
        return "improvement_high" if improvement == 1 else "improvement_low"
    return point_type.removeprefix("special_cause_")
