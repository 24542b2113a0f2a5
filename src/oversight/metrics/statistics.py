"""Statistics attached to every result row: SPC (per series), confidence interval, funnel.

A series is one metric x organisation x breakdown group over the periods. The numerics live in
oversight.stats (pure, vectorised); this module only selects the rows each method applies to:
- SPC (Making Data Count XmR) on every series, over its non-missing points: mean, process
  limits, special-cause rules and the variation icon. Which target stands and what the limits
  say against it (the assurance icon) is the judge stage's decision (oversight.judge.stage),
  not this one's;
- confidence intervals by the metric's `statistic`: proportion -> Wilson, rate and count ->
  exact/Byar, mean -> Student t (from sum, count and sd); duration percentiles get none;
- funnel position among the ICBs for proportion metrics (data_type "PR") and rate metrics
  ("RC", a ratio of counts), per period, total breakdown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

try:
    from oversight.stats.funnel import funnel
    from oversight.stats.intervals import mean_ci, proportion_ci, rate_ci
    from oversight.stats.spc import spc_many
except ImportError as exc:  # pragma: no cover - only while oversight.stats is being built
    raise ImportError(
        "oversight compute attaches SPC, intervals and funnels from oversight.stats "
        f"(spc.spc_many, intervals, funnel.funnel), which could not be imported: {exc}"
    ) from exc

KEYS = ["metric_id", "org_type", "org_code", "period", "breakdown", "group"]
SERIES = ["metric_id", "org_type", "org_code", "breakdown", "group"]
SPC_POINT = ["mean", "lpl", "upl", "special_cause_type", "point_type"]
COLUMNS = [
    *KEYS,
    "spc_mean",
    "spc_lpl",
    "spc_upl",
    "spc_special_cause",
    "spc_point_type",
    "variation_icon",
    "ci_lower",
    "ci_upper",
    "ci_method",
    "funnel_z",
    "funnel_lower",
    "funnel_upper",
    "funnel_position",
]


def series_codes(frame: pd.DataFrame) -> np.ndarray:
    """A dense integer id for each row's series (metric x organisation x breakdown group):
    per-column codes combined arithmetically, far cheaper than joined key strings."""
    key = np.zeros(len(frame), dtype=np.int64)
    for col in SERIES:
        codes, uniques = pd.factorize(frame[col], use_na_sentinel=True)
        key = key * (len(uniques) + 1) + (codes + 1)
    return pd.factorize(key)[0].astype(np.int64)


REBASE_COLUMNS = ["metric_id", "org_code", "starts"]
"""An approved rebase, as the statistics take it: new limits for every series of the metric x
organisation (every breakdown group) from its first point on or after `starts`."""


def rebase_points(part: pd.DataFrame, rebases: pd.DataFrame | None) -> dict[int, list[Any]]:
    """Per series code of `part` (columns metric_id, org_code, series, x), the dates of its
    points that start a new rebase group: the first point on or after each rebase month (a
    month with no value moves the break to the next point that has one)."""
    if rebases is None or rebases.empty or part.empty:
        return {}
    hits = part[["metric_id", "org_code", "series", "x"]].merge(
        rebases[REBASE_COLUMNS].assign(starts=pd.to_datetime(rebases["starts"])),
        on=["metric_id", "org_code"],
    )
    hits = hits[hits["x"] >= hits["starts"]]
    if hits.empty:
        return {}
    first = hits.groupby(["series", "starts"], sort=True)["x"].min().reset_index()
    first = first.drop_duplicates(["series", "x"])
    return {int(k): list(g["x"]) for k, g in first.groupby("series", sort=True)}


def spc(
    rows: pd.DataFrame, metrics: Mapping[str, Any], rebases: pd.DataFrame | None = None
) -> pd.DataFrame:
    """SPC point fields and the series' variation icon, for every non-missing point; limits
    start again at each approved rebase (`rebases`: REBASE_COLUMNS)."""
    value = rows["value"].to_numpy(dtype="float64", na_value=np.nan)
    ok = rows.loc[np.isfinite(value), [*KEYS, "value"]]
    ok = ok.assign(series=series_codes(ok), x=pd.to_datetime(ok["period"]))
    frames = []
    improvement = ok["metric_id"].map({m: d.improvement for m, d in metrics.items()})
    for imp, part in ok.groupby(improvement, sort=True):
        breaks = rebase_points(part, rebases)
        res = spc_many(part, by="series", date="x", value="value", improvement=str(imp),
                       rebase=breaks or None)
        pts = res.points[["f", "x", *SPC_POINT]].rename(columns={"f": "series"})
        icons = res.summary[["variation_icon"]].astype(object)
        pts = pts.merge(icons, left_on="series", right_index=True, how="left")
        frames.append(part[[*KEYS, "series", "x"]].merge(pts, on=["series", "x"], how="left"))
    if not frames:
        return pd.DataFrame(columns=[*KEYS, *COLUMNS[6:12]])
    out = pd.concat(frames, ignore_index=True)
    return out.rename(
        columns={
            "mean": "spc_mean",
            "lpl": "spc_lpl",
            "upl": "spc_upl",
            "special_cause_type": "spc_special_cause",
            "point_type": "spc_point_type",
        }
    ).drop(columns=["series", "x"])


def _by_metric(rows: pd.DataFrame) -> list[tuple[str, np.ndarray]]:
    """Each metric's row positions (one factorize, not one string comparison per metric)."""
    codes, ids = pd.factorize(rows["metric_id"], sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(ids) + 1))
    return [(str(m), order[bounds[k] : bounds[k + 1]]) for k, m in enumerate(ids)]


def _floats(rows: pd.DataFrame, col: str) -> np.ndarray:
    return rows[col].to_numpy(dtype="float64", na_value=np.nan)


def intervals(rows: pd.DataFrame, metrics: Mapping[str, Any]) -> pd.DataFrame:
    """95% confidence interval for each row whose statistic has one."""
    n = len(rows)
    lower, upper = np.full(n, np.nan), np.full(n, np.nan)
    method = np.full(n, None, dtype=object)
    num, den, sd = _floats(rows, "numerator"), _floats(rows, "denominator"), _floats(rows, "sd")
    fine = rows["value"].notna().to_numpy()
    with np.errstate(invalid="ignore"):
        cases = {
            "proportion": fine & (den > 0) & (num >= 0) & (num <= den),
            "rate": fine & (den > 0) & (num >= 0),
            "count": fine & (num >= 0),
            "mean": fine & (den >= 2) & ~np.isnan(sd),
        }
    for m, at in _by_metric(rows):
        name = metrics[m].statistic
        if name not in cases:
            continue
        at = at[cases[name][at]]
        if not at.size:
            continue
        k = float(metrics[m].multiplier)
        if name == "proportion":
            ci, how = proportion_ci(num[at], den[at], multiplier=k), "Wilson"
        elif name == "rate":
            ci, how = rate_ci(num[at], den[at], multiplier=k), "exact/Byar"
        elif name == "count":
            ci, how = rate_ci(num[at], np.ones(at.size), multiplier=k), "exact/Byar"
        else:
            ci = mean_ci(total=num[at], count=den[at], sd=sd[at] / abs(k))
            ci = ci.assign(lowercl=ci["lowercl"] * k, uppercl=ci["uppercl"] * k)
            how = "Student t"
        lower[at] = ci["lowercl"].to_numpy()
        upper[at] = ci["uppercl"].to_numpy()
        method[at] = how
    out = rows[KEYS].copy()
    out["ci_lower"], out["ci_upper"], out["ci_method"] = lower, upper, method
    return out


FUNNEL_TYPES = {"proportion": "PR", "rate": "RC"}
"""FunnelPlotR data types by metric statistic: proportions, and rates as ratios of counts."""


def funnels(rows: pd.DataFrame, metrics: Mapping[str, Any]) -> pd.DataFrame:
    """Funnel position of each ICB among the ICBs, per proportion or rate metric and period."""
    kinds = {
        m: FUNNEL_TYPES[d.statistic] for m, d in metrics.items() if d.statistic in FUNNEL_TYPES
    }
    sel = rows[
        rows["metric_id"].isin(list(kinds))
        & (rows["org_type"] == "icb")
        & (rows["breakdown"] == "total")
        & rows["value"].notna()
        & (rows["denominator"] > 0)
        & (rows["numerator"] >= 0)
    ]
    # a proportion's numerator is part of its denominator (bed occupancy can break this)
    sel = sel[(sel["metric_id"].map(kinds) != "PR") | (sel["numerator"] <= sel["denominator"])]
    frames = []
    for (metric, _period), part in sel.groupby(["metric_id", "period"], sort=True):
        if len(part) < 3:
            continue
        k = float(metrics[metric].multiplier)
        f = funnel(
            part["numerator"].to_numpy(float),
            part["denominator"].to_numpy(float),
            data_type=kinds[metric],
            labels=part["org_code"].to_numpy(),
            multiplier=k,
        )
        u = f.units
        lo, hi = ("OD99LCL", "OD99UCL") if f.draw_adjusted else ("LCL99", "UCL99")
        position = np.where(u["outlier"] == 1, np.where(u["z"] > 0, "above", "below"), "within")
        frames.append(
            pd.DataFrame(
                {
                    "metric_id": metric,
                    "org_code": u["group"].to_numpy(),
                    "period": _period,
                    "funnel_z": u["z"].to_numpy(),
                    "funnel_lower": u[lo].to_numpy(),
                    "funnel_upper": u[hi].to_numpy(),
                    "funnel_position": position,
                }
            )
        )
    cols = ["metric_id", "org_code", "period", "funnel_z", "funnel_lower", "funnel_upper"]
    if not frames:
        return pd.DataFrame(columns=[*cols, "funnel_position"])
    return pd.concat(frames, ignore_index=True)


def attach(
    rows: pd.DataFrame, metrics: Mapping[str, Any], rebases: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The statistics table: one row per result row, keyed like it."""
    out = intervals(rows, metrics)
    out = out.merge(spc(rows, metrics, rebases), on=KEYS, how="left")
    fun = funnels(rows, metrics).assign(org_type="icb", breakdown="total", group="total")
    out = out.merge(fun, on=KEYS, how="left")
    return normalise(out[COLUMNS])


TEXT = [
    "spc_special_cause",
    "spc_point_type",
    "variation_icon",
    "ci_method",
    "funnel_position",
]


def normalise(stats: pd.DataFrame) -> pd.DataFrame:
    """One dtype per column (floats; text as objects with None) whichever path built it."""
    stats = stats.copy()
    for col in COLUMNS[len(KEYS) :]:
        if col in TEXT:
            stats[col] = stats[col].astype(object).where(stats[col].notna(), None)
        else:
            stats[col] = stats[col].astype(float)
    return stats


SPC_COLUMNS = COLUMNS[len(KEYS) : len(KEYS) + 6]
"""The statistics columns SPC writes (the rest are intervals and funnels)."""


def respc(
    stats: pd.DataFrame,
    rows: pd.DataFrame,
    metrics: Mapping[str, Any],
    rebases: pd.DataFrame | None,
    series: set[tuple[str, str]],
) -> pd.DataFrame:
    """`stats` with the SPC of every series of the (metric, organisation) pairs in `series`
    computed again under `rebases`: how a rebase approved or reversed since the results
    reaches them without recomputing anything else."""
    if not series:
        return stats
    pairs = pd.MultiIndex.from_tuples(sorted(series), names=["metric_id", "org_code"])
    at = np.flatnonzero(pd.MultiIndex.from_frame(stats[["metric_id", "org_code"]]).isin(pairs))
    if not at.size:
        return stats
    mine = pd.MultiIndex.from_frame(rows[["metric_id", "org_code"]]).isin(pairs)
    fresh = spc(rows[mine], {m: d for m, d in metrics.items() if m in {p[0] for p in series}},
                rebases)
    placed = stats.iloc[at][KEYS].merge(fresh, on=KEYS, how="left")
    stats = stats.copy()
    for col in SPC_COLUMNS:
        stats[col] = stats[col].astype(object) if col in TEXT else stats[col]
        stats.iloc[at, stats.columns.get_loc(col)] = placed[col].to_numpy()
    return normalise(stats)

