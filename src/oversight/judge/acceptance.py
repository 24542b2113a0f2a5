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
