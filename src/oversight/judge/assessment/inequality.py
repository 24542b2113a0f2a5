"""Inequality measures for every metric with breakdowns: per organisation (ICB, region,
England), month and window, from the breakdown rows of a results version.

For each metric × organisation × month and window (`month`: that month; `12 months`: the twelve
months to it, numerators and denominators pooled, because one month of a small ICB's deciles is
too few people to show a gradient):

- **SII / RII across IMD deciles** with `oversight.stats.inequality.sii` as it is (value_type 0 on
  the metric's scale, each decile's 95% interval giving its standard error, the decile's
  denominator as its population, deciles most deprived first). Positive SII: the value rises
  from the most to the least deprived. RII is given where it applies (statistic proportion,
  rate or mean, and a positive intercept). The interval is Monte-Carlo with `repetitions`
  draws and a seed made from metric, month and window, so the same inputs give the same interval.
- **Quintile gap**: most deprived (1) minus least deprived (5) quintile, with its interval.
- **Largest ethnic-group gap**: the highest minus the lowest value among the ethnic groups with at
  least `min_group` in the denominator ("Not known" and unknown excluded), naming both groups.

Pure: frames in, a frame out. Which metrics: those listing the imd_decile (SII, quintile gap) or
ethnicity_group breakdown whose statistic is a proportion, rate or mean (counts and percentiles
have no interval to weigh the deciles by).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from oversight.judge.assessment.gaps import gap
from oversight.stats.inequality import sii

STATISTICS = ("proportion", "rate", "mean")
DECILES = tuple(str(d) for d in range(1, 11))
NOT_ETHNIC_GROUPS = ("Not known", "unknown")
AREA = ["metric_id", "org_type", "org_code", "period"]
MONTH, YEAR = "month", "12 months"
WINDOWS = {MONTH: 1, YEAR: 12}
COLUMNS = [
    "metric_id", "org_type", "org_code", "period", "window", "statistic",
    "sii", "sii_lower", "sii_upper", "rii", "rii_lower", "rii_upper", "intercept",
    "q1_value", "q5_value", "quintile_gap", "quintile_gap_lower", "quintile_gap_upper",
    "ethnic_high_group", "ethnic_high_value", "ethnic_low_group", "ethnic_low_value",
    "ethnic_gap", "ethnic_gap_lower", "ethnic_gap_upper", "sii_missing_reason",
]  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """How the measures are made (recorded with them)."""

    repetitions: int = 1000
    min_group: int = 200
    windows: tuple[str, ...] = (MONTH, YEAR)


def applicable(metrics: Mapping[str, Any], breakdown: str) -> list[str]:
    """The metrics with this breakdown and a statistic the measures apply to."""
    return [
        m for m, d in metrics.items() if breakdown in d.breakdowns and d.statistic in STATISTICS
    ]


def seed_for(metric: str, period: Any, window: str) -> int:
    """The seed of one metric × month × window: all its complete areas (in code order) are
    drawn in one `sii` call, so the same inputs give the same intervals."""
    key = f"{metric}|{pd.Timestamp(period).date()}|{window}"
    digest = hashlib.sha256(key.encode())
    return int.from_bytes(digest.digest()[:8], "big")


# ---- pooling months ----


def pooled(rows: pd.DataFrame, metrics: Mapping[str, Any], months: int) -> pd.DataFrame:
    """Each breakdown row summed over the `months` months to its period (rows whose window is
    not complete are dropped): numerator, denominator, value, sd (pooled for means) and the 95%
    interval as the compute stage makes it."""
    from oversight.metrics.statistics import intervals

    if months == 1:
        return rows
    series = ["metric_id", "org_type", "org_code", "breakdown", "group"]
    frame = rows[[*series, "period", "numerator", "denominator", "value", "sd"]].copy()
    period = pd.to_datetime(frame["period"])
    frame["_m"] = period.dt.year * 12 + period.dt.month
    n = frame["denominator"].fillna(0.0).astype(float)
    v = frame["value"].astype(float)
    sd = frame["sd"].astype(float)
    frame["_num"] = frame["numerator"].fillna(0.0).astype(float)
    frame["_den"] = n
    frame["_ss"] = ((n - 1).clip(lower=0) * sd.fillna(0.0) ** 2 + n * v.fillna(0.0) ** 2).where(
        n > 0, 0.0
    )
    frame["_k"] = 1
    frame = frame.sort_values([*series, "_m"], kind="stable")
    sums = ["_num", "_den", "_ss", "_k"]
    cum = frame.groupby(series, sort=False)[sums].cumsum()
    frame[[f"c{c}" for c in sums]] = cum.to_numpy()
    before = frame[[*series, "_m", *[f"c{c}" for c in sums]]].copy()
    before["_m"] = before["_m"] + months
    both = frame.merge(before, on=[*series, "_m"], how="left", suffixes=("", "_b"))
    for c in sums:
        both[c] = both[f"c{c}"] - both[f"c{c}_b"].fillna(0.0)
    both = both[both["_k"] == months]
    mult = both["metric_id"].map(lambda m: float(metrics[m].multiplier)).to_numpy(float)
    den = both["_den"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(den > 0, both["_num"].to_numpy(float) / den * mult, np.nan)
        ss = both["_ss"].to_numpy(float) - den * np.nan_to_num(value) ** 2
        sd_pooled = np.where(den >= 2, np.sqrt(np.clip(ss, 0, None) / (den - 1)), np.nan)
    out = both[[*series, "period"]].copy()
    out["numerator"], out["denominator"] = both["_num"], den
    out["value"], out["sd"] = value, sd_pooled
    out = out.reset_index(drop=True)
    ci = intervals(out, metrics)
    out["ci_lower"], out["ci_upper"] = ci["ci_lower"].to_numpy(), ci["ci_upper"].to_numpy()
    return out


# ---- the measures ----


def _wide(rows: pd.DataFrame, groups: tuple[str, ...], column: str) -> pd.DataFrame:
    table = rows.set_index([*AREA, "group"])[column].unstack("group")
    return table.reindex(columns=list(groups))


def sii_rows(
    rows: pd.DataFrame, window: str, settings: Settings
) -> pd.DataFrame:
    """SII, RII and intercept per area from its imd_decile rows (a reason where none)."""
    rows = rows[rows["breakdown"] == "imd_decile"]
    if rows.empty:
        return pd.DataFrame(columns=AREA)
    value = _wide(rows, DECILES, "value")
    pop = _wide(rows, DECILES, "denominator").reindex(value.index)
    lo = _wide(rows, DECILES, "ci_lower").reindex(value.index)
    hi = _wide(rows, DECILES, "ci_upper").reindex(value.index)
    usable = value.notna() & lo.notna() & hi.notna() & (pop.fillna(0) > 0)
    complete = usable.all(axis=1).to_numpy()
    out = pd.DataFrame(index=value.index)
    reasons = [
        None if ok else "deciles without a value or interval: " + ", ".join(
            d for d, u in zip(DECILES, row, strict=True) if not u)
        for ok, row in zip(complete, usable.to_numpy(), strict=True)
    ]  # fmt: skip
    out["sii_missing_reason"] = reasons
    columns = ["sii", "sii_lower95_0cl", "sii_upper95_0cl", "rii", "rii_lower95_0cl",
               "rii_upper95_0cl", "intercept"]  # fmt: skip
    found = np.full((len(out), len(columns)), np.nan)
    at = np.flatnonzero(complete)
    cells = value.index[at].droplevel(["org_type", "org_code"])
    v, n, lo_, hi_ = (t.to_numpy(float) for t in (value, pop, lo, hi))
    for (metric, period), rows_at in pd.Series(at, index=cells).groupby(level=[0, 1]):
        i = rows_at.to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):  # RII of a zero intercept
            frame = sii(
                v[i], n[i], lower=lo_[i], upper=hi_[i],
                value_type=0, rii=True, repetitions=settings.repetitions,
                seed=seed_for(str(metric), period, window),
            )  # fmt: skip
        found[i] = frame[columns].to_numpy()
    out[[c.replace("95_0cl", "") for c in columns]] = found
    no_rii = ~(out["intercept"] > 0)
    out.loc[no_rii, ["rii", "rii_lower", "rii_upper"]] = np.nan
    return out.reset_index()


def _pair_gap(
    frame: pd.DataFrame, a: str, b: str, metrics: Mapping[str, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gap a − b per row of a frame holding x_, n_, sd_ columns for both groups."""
    d, lower, upper = (np.full(len(frame), np.nan) for _ in range(3))
    for metric, at in frame.groupby("metric_id").indices.items():
        m = metrics[metric]
        part = frame.iloc[at]
        d[at], lower[at], upper[at] = gap(
            m.statistic, part[f"x_{a}"].to_numpy(float), part[f"n_{a}"].to_numpy(float),
            part[f"x_{b}"].to_numpy(float), part[f"n_{b}"].to_numpy(float),
            multiplier=float(m.multiplier),
            sd_a=part[f"sd_{a}"].to_numpy(float), sd_b=part[f"sd_{b}"].to_numpy(float),
        )  # fmt: skip
    return d, lower, upper


def quintile_rows(rows: pd.DataFrame, metrics: Mapping[str, Any]) -> pd.DataFrame:
    """Quintile 1 minus quintile 5, with its interval, per area."""
    rows = rows[(rows["breakdown"] == "imd_quintile") & rows["group"].isin(["1", "5"])]
    rows = rows[rows["denominator"].fillna(0) > 0]
    if not {"1", "5"} <= set(rows["group"]):  # no area has both ends: no gap anywhere
        return pd.DataFrame(columns=AREA)
    wide = rows.set_index([*AREA, "group"])[["numerator", "denominator", "value", "sd"]]
    wide = wide.unstack("group")
    wide = wide.dropna(subset=[("value", "1"), ("value", "5")])
    frame = pd.DataFrame(index=wide.index)
    for g in ("1", "5"):
        frame[f"x_{g}"] = wide[("numerator", g)]
        frame[f"n_{g}"] = wide[("denominator", g)]
        frame[f"sd_{g}"] = wide[("sd", g)]
        frame[f"q{g}_value"] = wide[("value", g)]
    frame = frame.reset_index()
    d, lower, upper = _pair_gap(frame, "1", "5", metrics)
    frame["quintile_gap"] = d
    frame["quintile_gap_lower"], frame["quintile_gap_upper"] = lower, upper
    return frame[[*AREA, "q1_value", "q5_value", "quintile_gap", "quintile_gap_lower",
                  "quintile_gap_upper"]]  # fmt: skip


def ethnic_rows(rows: pd.DataFrame, metrics: Mapping[str, Any], settings: Settings) -> pd.DataFrame:
    """The largest gap between ethnic groups (highest minus lowest value) per area."""
    rows = rows[(rows["breakdown"] == "ethnicity_group") & ~rows["group"].isin(NOT_ETHNIC_GROUPS)]
    rows = rows[(rows["denominator"].fillna(0) >= settings.min_group) & rows["value"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=AREA)
    rows = rows.sort_values([*AREA, "value", "group"], kind="stable")
    grouped = rows.groupby(AREA, sort=False)
    low, high = grouped.head(1).set_index(AREA), grouped.tail(1).set_index(AREA)
    count = grouped.size()
    keep = count[count >= 2].index
    low, high = low.loc[keep], high.loc[keep]
    frame = pd.DataFrame(index=keep)
    for tag, side in (("h", high), ("l", low)):
        frame[f"x_{tag}"] = side["numerator"].to_numpy(float)
        frame[f"n_{tag}"] = side["denominator"].to_numpy(float)
        frame[f"sd_{tag}"] = side["sd"].to_numpy(float)
    frame["ethnic_high_group"] = high["group"].to_numpy()
    frame["ethnic_high_value"] = high["value"].to_numpy(float)
    frame["ethnic_low_group"] = low["group"].to_numpy()
    frame["ethnic_low_value"] = low["value"].to_numpy(float)
    frame = frame.reset_index()
    d, lower, upper = _pair_gap(frame, "h", "l", metrics)
    frame["ethnic_gap"], frame["ethnic_gap_lower"], frame["ethnic_gap_upper"] = d, lower, upper
    return frame[[*AREA, *COLUMNS[COLUMNS.index("ethnic_high_group"):-1]]]


def measure(
    rows: pd.DataFrame, metrics: Mapping[str, Any], settings: Settings = Settings()
) -> pd.DataFrame:
    """Every measure for every area and window, from breakdown rows (metrics rows merged with
    their statistics: numerator, denominator, value, sd, ci_lower, ci_upper)."""
    wanted = set(applicable(metrics, "imd_decile")) | set(applicable(metrics, "ethnicity_group"))
    rows = rows[rows["metric_id"].isin(wanted)]
    parts = []
    for window in settings.windows:
        windowed = pooled(rows, metrics, WINDOWS[window])
        if windowed.empty:
            continue
        merged = sii_rows(windowed, window, settings)
        for extra in (quintile_rows(windowed, metrics), ethnic_rows(windowed, metrics, settings)):
            if len(extra):
                merged = merged.merge(extra, on=AREA, how="outer") if len(merged) else extra
        if len(merged):
            parts.append(merged.assign(window=window))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["period"] = pd.to_datetime(out["period"]).dt.date
    out["statistic"] = out["metric_id"].map(lambda m: metrics[m].statistic)
    out = out.reindex(columns=COLUMNS)
    reason = out["sii_missing_reason"].astype(object)
    reason = reason.where(reason.notna() | out["sii"].notna(), "no deprivation decile rows")
    out["sii_missing_reason"] = reason.where(reason.notna(), None)
    return out.sort_values(["metric_id", "org_type", "org_code", "period", "window"],
                           kind="stable").reset_index(drop=True)  # fmt: skip
