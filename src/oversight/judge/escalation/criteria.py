"""Exit criteria: a metric, a comparison with a threshold, held for N consecutive months.

Pure: evaluated over a metric series (month -> value). A month with no value (absent, None
or NaN) breaks the run, so no data never counts as met.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from oversight.period import Period

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


@dataclass(frozen=True)
class ExitCriterion:
    """Met when `metric` compares (`comparison`) to `threshold` for `periods` months running."""

    metric: str
    comparison: str
    threshold: float
    periods: int

    def __post_init__(self) -> None:
        if self.comparison not in COMPARISONS:
            raise ValueError(
                f"the comparison must be one of {', '.join(COMPARISONS)}, not {self.comparison!r}"
            )
        if self.periods < 1:
            raise ValueError(
                f"the number of consecutive periods must be 1 or more, not {self.periods}"
            )
        if not math.isfinite(self.threshold):
            raise ValueError("the threshold must be a number")

    def holds(self, value: float | None) -> bool:
        """Whether one month's value meets the criterion (no value never does)."""
        if value is None or not math.isfinite(value):
            return False
        return COMPARISONS[self.comparison](value, self.threshold)

    def describe(self) -> str:
        months = "month" if self.periods == 1 else f"{self.periods} consecutive months"
        return f"{self.metric} {self.comparison} {self.threshold:g} for {months}"

    @classmethod
    def parse(cls, text: str) -> ExitCriterion:
        """`ae_4hr>=78x3`: metric, comparison, threshold, `x`, consecutive months."""
        body, _, count = text.strip().rpartition("x")
        for symbol in sorted(COMPARISONS, key=len, reverse=True):
            metric, found, threshold = body.partition(symbol)
            if found and metric.strip():
                try:
                    return cls(metric.strip(), symbol, float(threshold), int(count))
                except ValueError:
                    break
        raise ValueError(
            f"exit criterion {text!r} must look like ae_4hr>=78x3 "
            "(metric, comparison, threshold, x, consecutive months)"
        )


def run_length(
    criterion: ExitCriterion,
    series: Mapping[Period, float | None],
    through: Period | None = None,
) -> int:
    """How many consecutive months, ending at `through` (default the series' last month),
    meet the criterion; a missing month ends the run."""
    if through is None:
        if not series:
            return 0
        through = max(series)
    count = 0
    month = through
    while criterion.holds(series.get(month)):
        count += 1
        month = month.previous()
    return count


def is_met(
    criterion: ExitCriterion,
    series: Mapping[Period, float | None],
    through: Period | None = None,
) -> bool:
    """Whether the criterion has held for its stated number of consecutive months."""
    return run_length(criterion, series, through) >= criterion.periods
