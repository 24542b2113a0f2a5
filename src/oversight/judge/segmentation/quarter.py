"""A quarter's value of a metric from its monthly values (what segmentation scores).

- A ratio metric whose three months all have a numerator and a denominator is pooled:
  sum of numerators / sum of denominators × the metric's multiplier (so a month with more
  patients weighs more, as a quarter's published figure would).
- Any other metric (counts, means, durations, differences), or a ratio with a month lacking its
  numerator or denominator, is the mean of the monthly values.
- A quarter with fewer than `min_months` monthly values (default all three) has no value: the
  metric is not scored for that organisation, as with missing or suppressed data.

For nof-2022 flags, a quarter's judge outcomes are those of its last month with a figure.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from oversight.catalogue.models import Metric
from oversight.period import Kind, Period

MONTHS_IN_QUARTER = 3


def quarter_values(
    monthly: pd.DataFrame,
    metrics: Mapping[str, Metric],
    quarter: Period,
    min_months: int = MONTHS_IN_QUARTER,
) -> pd.DataFrame:
    """Columns `org`, `metric`, `value`, `months`, `pooled` for one quarter.

    `monthly`: columns `org_code`, `metric_id`, `period` (first day of the month), `value`,
    and optionally `numerator`, `denominator` (as `oversight.metrics` publishes them; one
    breakdown group per organisation, normally the total).
    """
    if quarter.kind is not Kind.QUARTER:
        raise ValueError(f"segmentation runs per quarter (like 2025-Q3); got {quarter}")
    if not 1 <= min_months <= MONTHS_IN_QUARTER:
        raise ValueError(f"min_months must be 1 to 3, got {min_months}")
    starts = [m.start for m in quarter.months()]
    rows = monthly[pd.to_datetime(monthly["period"]).dt.date.isin(starts)]
    rows = rows[rows["value"].notna() & rows["metric_id"].isin(list(metrics))]
    out = []
    for (org, metric_id), group in rows.groupby(["org_code", "metric_id"], sort=True):
        months = int(group["period"].nunique())
        metric = metrics[str(metric_id)]
        value: float | None = None
        pooled = False
        if months >= min_months:
            num = group.get("numerator", None)
            den = group.get("denominator", None)
            if (
                metric.kind == "ratio"
                and num is not None
                and den is not None
                and num.notna().all()
                and den.notna().all()
                and float(den.sum()) > 0
            ):
                value = float(num.sum()) / float(den.sum()) * metric.multiplier
                pooled = True
            else:
                value = float(np.mean(group["value"].to_numpy(float)))
        out.append((str(org), str(metric_id), value, months, pooled))
    return pd.DataFrame(out, columns=["org", "metric", "value", "months", "pooled"])


def quarter_outcomes(
    assessed: pd.DataFrame, quarter: Period, fields: tuple[str, ...]
) -> dict[tuple[str, str], dict[str, str]]:
    """The judge outcomes (`fields`, e.g. vs_england, variation, national_status) of each
    organisation and metric in the quarter's last month that has a figure.

    `assessed`: the judge stage's outcome rows (`oversight.judge.assess.assess`), with
    `org_code`, `metric_id`, `period`, `breakdown` and the outcome columns; the total only.
    """
    if quarter.kind is not Kind.QUARTER:
        raise ValueError(f"segmentation runs per quarter (like 2025-Q3); got {quarter}")
    starts = [m.start for m in quarter.months()]
    rows = assessed[pd.to_datetime(assessed["period"]).dt.date.isin(starts)]
    if "breakdown" in rows:
        rows = rows[rows["breakdown"] == "total"]
    if "variation" in rows:
        rows = rows[rows["variation"] != "no data"]
    last = rows.sort_values("period", kind="stable").groupby(["org_code", "metric_id"]).tail(1)
    present = [f for f in fields if f in last.columns]
    return {
        (str(r["org_code"]), str(r["metric_id"])): {f: str(r[f]) for f in present}
        for r in last.to_dict("records")
    }
