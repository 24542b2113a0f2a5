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


SEQUENTIAL = 8
"""numpy sums fewer values than this one after another from 0.0 (pairwise beyond)."""


def _sums(values: np.ndarray, first: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Each group's sum (groups are runs of `size` values starting at `first`), added in the
    order numpy's sum adds them, so each equals `values[a:b].sum()` to the last bit
    (np.add.reduceat adds in another order)."""
    total = np.zeros(len(first))
    short = size < SEQUENTIAL
    for j in range(int(size[short].max(initial=0))):
        here = short & (j < size)
        total[here] += values[first[here] + j]
    for g in np.flatnonzero(~short):
        total[g] = values[first[g] : first[g] + size[g]].sum()
    return total


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
    rows = monthly[in_quarter(monthly["period"], quarter)]
    rows = rows[rows["value"].notna() & rows["metric_id"].isin(list(metrics))]
    columns = ["org", "metric", "value", "months", "pooled"]
    if rows.empty:
        return pd.DataFrame([], columns=columns)
    # one pass over the rows grouped by (org, metric), each group's rows in their order (a
    # stable sort, as groupby keeps them), summed as Series.sum and np.mean sum them
    # (_sums), so the figures are the same floats a loop over the groups gives
    rows = rows.sort_values(["org_code", "metric_id"], kind="stable")
    orgs = rows["org_code"].astype(str).to_numpy()
    ids = rows["metric_id"].astype(str).to_numpy()
    first = np.flatnonzero(np.r_[True, (orgs[1:] != orgs[:-1]) | (ids[1:] != ids[:-1])])
    size = np.diff(np.r_[first, len(rows)])
    distinct = ~rows.duplicated(["org_code", "metric_id", "period"]).to_numpy()
    months = np.add.reduceat(distinct.astype(int), first)
    value = rows["value"].to_numpy(dtype="float64", na_value=np.nan)
    mean = _sums(value, first, size) / size
    group_ids = ids[first]
    ratio = np.array([metrics[m].kind == "ratio" for m in group_ids], dtype=bool)
    pooled = np.zeros(len(first), dtype=bool)
    pooled_value = np.full(len(first), np.nan)
    if "numerator" in rows.columns and "denominator" in rows.columns:
        num = rows["numerator"].to_numpy(dtype="float64", na_value=np.nan)
        den = rows["denominator"].to_numpy(dtype="float64", na_value=np.nan)
        complete = np.logical_and.reduceat(~np.isnan(num) & ~np.isnan(den), first)
        num_sum, den_sum = _sums(num, first, size), _sums(den, first, size)
        pooled = ratio & complete & (den_sum > 0)
        multiplier = np.array([metrics[m].multiplier for m in group_ids], dtype="float64")
        with np.errstate(divide="ignore", invalid="ignore"):
            pooled_value = num_sum / den_sum * multiplier
    enough = months >= min_months
    pooled &= enough
    out = [
        (org, metric_id, (float(p) if is_pooled else float(m)) if full else None, int(n),
         bool(is_pooled))
        for org, metric_id, p, m, n, is_pooled, full in zip(
            orgs[first], group_ids, pooled_value, mean, months, pooled, enough, strict=True
        )
    ]
    return pd.DataFrame(out, columns=columns)


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
    rows = assessed[in_quarter(assessed["period"], quarter)]
    if "breakdown" in rows:
        rows = rows[rows["breakdown"] == "total"]
    if "variation" in rows:
        rows = rows[rows["variation"] != "no data"]
    last = rows.sort_values("period", kind="stable").groupby(["org_code", "metric_id"]).tail(1)
    present = [f for f in fields if f in last.columns]
    columns = [last[c].tolist() for c in present]
    return {
        (str(o), str(m)): {f: str(v) for f, v in zip(present, got, strict=True)}
        for o, m, *got in zip(
            last["org_code"].tolist(), last["metric_id"].tolist(), *columns, strict=True
        )
    }


def in_quarter(months: pd.Series, quarter: Period) -> np.ndarray:
    """Which rows' months (dates or timestamps) fall in the quarter, each distinct month
    converted once."""
    starts = {m.start for m in quarter.months()}
    codes, distinct = pd.factorize(months)
    inside = [pd.Timestamp(m).date() in starts for m in distinct]
    return np.array([*inside, False], dtype=bool)[codes]  # a missing month (-1): not in it
