"""Constants of the Making Data Count XmR chart, named once with their source.

Source: NHSRplotthedots (``ptd_spc_standard``, ``ptd_calculate_point_type``,
``ptd_add_short_group_warnings``), which implements NHS England's Making Data Count
"plot the dots" rules. The constants are used exactly as written there (2.66 and 3.267,
not 3/1.128), because users compare our figures with the package number for number.
"""

from __future__ import annotations

from typing import Final

#: Process limits are mean ± LIMIT × average moving range.
LIMIT: Final[float] = 2.66
#: The "near" (2-sigma) lines: mean ± LIMIT_CLOSE × AMR, computed as the package does.
LIMIT_CLOSE: Final[float] = 2 * (LIMIT / 3)
#: A moving range is kept by outlier screening only if strictly below this × AMR.
SCREEN: Final[float] = 3.267
#: Groups with fewer points than this get ``short_group_warning`` (option
#: ``ptd_spc.warning_threshold``, default 13).
WARNING_THRESHOLD: Final[int] = 13
#: Length of a trend (strictly rising or falling points) and of a run on one side of the mean.
RUN_LENGTH: Final[int] = 7
#: ``fix_after_n_points`` must be at least this.
MIN_FIX_AFTER: Final[int] = 12

#: The package's warning text (it says "n < 12" although the test is n < 13).
SHORT_GROUP_MESSAGE: Final[str] = (
    "Some groups have 'n < 12' observations. These have trial limits, which will be revised "
    "with each additional observation until 'n = fix_after_n_points' has been reached."
)

IMPROVEMENT: Final[dict[str, int]] = {"increase": 1, "decrease": -1, "neutral": 0}
