"""Judgements against the synthetic generator's known truth (lake/_synth/manifest.json).

The demo injects deteriorations and improvements into one ICB's series from a given month; the
judge should see them as special cause ("concern" / "improvement") in that ICB's change-over-
time judgement, and should not see special cause in the ICBs nothing was injected into beyond
the rate SPC's rules fire on a stable process. These functions measure both, for tests and
bench/judge.py; they judge nothing themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

EXPECTED = {"deteriorate": "concern", "improve": "improvement"}


def _month(text: str) -> dt.date:
    return dt.date.fromisoformat(f"{text}-01")


def injected(manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The injections into a whole ICB series (not into one breakdown group)."""
    return [i for i in manifest["injections"] if not i.get("breakdown")]


def injection_outcomes(frame: pd.DataFrame, manifest: Mapping[str, Any]) -> list[dict[str, Any]]:
    """For each injection: the variation the judge found in the latest month, and the share of
    months since the injection started that show the expected special cause."""
    latest = frame["period"].max()
    out = []
    for inj in injected(manifest):
        rows = frame[
            (frame["metric_id"] == inj["metric_id"]) & (frame["org_code"] == inj["icb_code"])
        ]
        want = EXPECTED[inj["direction"]]
        after = rows[rows["period"] >= _month(inj["start"])]
        last = rows.loc[rows["period"] == latest, "variation"]
        out.append(
            {
                "id": inj["id"],
                "icb": inj["icb_code"],
                "metric": inj["metric_id"],
                "start": inj["start"],
                "expected": want,
                "latest": str(last.iloc[0]) if len(last) else "no data",
                "months_since": len(after),
                "share_of_months_flagged": round(float((after["variation"] == want).mean()), 3)
                if len(after)
                else 0.0,
            }
        )
    return out


def untouched_rates(frame: pd.DataFrame, manifest: Mapping[str, Any]) -> dict[str, Any]:
    """Special cause in the latest month among ICBs with nothing injected into the injected
    metrics: per metric and pooled (the observed false-positive rate)."""
    latest = frame["period"].max()
    touched = {(i["metric_id"], i["icb_code"]) for i in injected(manifest)}
    metrics = sorted({m for m, _ in touched})
    at = frame[(frame["period"] == latest) & (frame["org_type"] == "icb")]
    at = at[at["metric_id"].isin(metrics) & at["value"].notna()]
    keep = [(m, c) not in touched for m, c in zip(at["metric_id"], at["org_code"], strict=True)]
    at = at[keep]
    per = {
        m: {
            "icbs": len(part),
            "concern": int((part["variation"] == "concern").sum()),
            "improvement": int((part["variation"] == "improvement").sum()),
        }
        for m, part in at.groupby("metric_id")
    }
    n = len(at)
    concern = int((at["variation"] == "concern").sum())
    special = concern + int((at["variation"] == "improvement").sum())
    return {
        "per_metric": per,
        "icb_metric_pairs": n,
        "concern_rate": round(concern / n, 4) if n else None,
        "special_cause_rate": round(special / n, 4) if n else None,
    }


def lag1_correlation(series: np.ndarray) -> float:
    """The correlation of neighbouring months of one series (NaN when it cannot be had)."""
    x = np.asarray(series, float)
    if len(x) < 3 or np.isnan(x).any() or np.std(x[:-1]) == 0 or np.std(x[1:]) == 0:
        return float("nan")
    return float(np.corrcoef(x[:-1], x[1:])[0, 1])


def stable_concern_rate(length: int, rho: float, n_series: int = 4000, seed: int = 1) -> float:
    """How often the latest of `length` points of a process that does not change shows
    special-cause concern under the Making Data Count rules (oversight.stats.spc, as compute
    runs them), when neighbouring months correlate by `rho` (a stationary AR(1) process; 0:
    independent months). Simulated, seeded."""
    from oversight.stats.spc import spc_many

    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, 1.0, (n_series, length))
    y = np.empty_like(noise)
    y[:, 0] = noise[:, 0]
    for t in range(1, length):
        y[:, t] = rho * y[:, t - 1] + np.sqrt(1 - rho**2) * noise[:, t]
    frame = pd.DataFrame(
        {
            "f": np.repeat(np.arange(n_series), length),
            "x": np.tile(pd.date_range("2000-01-01", periods=length, freq="MS").values, n_series),
            "y": y.reshape(-1),
        }
    )
    points = spc_many(frame, by="f", date="x", value="y", improvement="increase").points
    last = points[points["x"] == points["x"].max()]
    return float((last["point_type"] == "special_cause_concern").mean())


def expected_untouched(frame: pd.DataFrame, manifest: Mapping[str, Any]) -> dict[str, Any]:
    """The false-positive rate expected among the untouched ICBs of `untouched_rates`: per
    injected metric, the concern rate of a stable process as long as the series whose months
    correlate as the untouched ICBs' series do on average (their mean lag-1 correlation, at
    least 0), and the expected count over the ICBs judged in the latest month."""
    latest = frame["period"].max()
    touched = {(i["metric_id"], i["icb_code"]) for i in injected(manifest)}
    icb = frame[frame["org_type"] == "icb"]
    per: dict[str, dict[str, float]] = {}
    count = 0.0
    for metric in sorted({m for m, _ in touched}):
        rows = icb[icb["metric_id"] == metric]
        series = [
            part.sort_values("period")["value"].to_numpy(float)
            for code, part in rows.groupby("org_code")
            if (metric, code) not in touched
        ]
        judged = sum(1 for s in series if len(s) and not np.isnan(s[-1]))
        rhos = [r for r in map(lag1_correlation, series) if not np.isnan(r)]
        rho = float(np.clip(np.mean(rhos), 0.0, 0.95)) if rhos else 0.0
        length = int(rows.loc[rows["period"] <= latest, "period"].nunique())
        rate = stable_concern_rate(length, rho)
        per[metric] = {"lag1_correlation": round(rho, 3), "months": length,
                       "expected_concern_rate": round(rate, 4), "icbs": judged}
        count += rate * judged
    return {"per_metric": per, "expected_concern": round(count, 2)}
