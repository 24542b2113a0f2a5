"""A small hand-made results version (format 1: its files in the version folder) for testing
the judge stage without computing a demo: a few ICBs of one region, their region and England,
two metrics of different datasets, a few months, and one breakdown."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pandas as pd

from oversight.home import Home

ICBS = ("QMJ", "QMF", "QRV")
REGION = "Y56"
METRICS = ("ae_4hr", "rtt_18wk")
"""Fed by the datasets ae_attendances and rtt_pathways."""
MONTHS = (dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1))
GROUPS = ("1", "2")


def rows(shift: dict[tuple[str, str], float] | None = None) -> pd.DataFrame:
    """Metric rows with their statistics: every organisation × metric × month of the total,
    and two IMD-decile groups of each in the latest month. `shift`: (metric, org) -> amount
    added to that series' values."""
    shift = shift or {}
    out: list[dict[str, Any]] = []
    orgs = [*(("icb", c) for c in ICBS), ("region", REGION), ("england", "ENG")]
    for m_i, metric in enumerate(METRICS):
        for o_i, (org_type, code) in enumerate(orgs):
            for p_i, month in enumerate(MONTHS):
                value = 60.0 + 5 * m_i + 2 * o_i + p_i + shift.get((metric, code), 0.0)
                groups = [("total", "total")] + (
                    [("imd_decile", g) for g in GROUPS] if month == MONTHS[-1] else []
                )
                for breakdown, group in groups:
                    v = value if group == "total" else value - 3 + int(group)
                    out.append(
                        {
                            "metric_id": metric,
                            "org_type": org_type,
                            "org_code": code,
                            "period": month,
                            "breakdown": breakdown,
                            "group": group,
                            "value": v,
                            "numerator": v * 10,
                            "denominator": 1000.0,
                            "missing_reason": None,
                            "spc_lpl": v - 10,
                            "spc_upl": v + 10,
                            "spc_point_type": "common_cause",
                            "ci_lower": v - 1.5,
                            "ci_upper": v + 1.5,
                            "funnel_position": "within"
                            if org_type == "icb" and group == "total"
                            else None,
                        }
                    )
    return pd.DataFrame(out)


KEYS = ["metric_id", "org_type", "org_code", "period", "breakdown", "group"]
METRIC_COLUMNS = [*KEYS, "value", "numerator", "denominator", "missing_reason"]


def write_version(
    home: Home,
    version_id: str,
    frame: pd.DataFrame,
    parent: str | None = None,
    changes: dict[str, Any] | None = None,
) -> Any:
    """Publish `frame` as a format-1 results version and point CURRENT at it."""
    from oversight.metrics.results import ResultsVersion

    folder = home.results_dir / version_id
    folder.mkdir(parents=True)
    metrics = frame.loc[:, METRIC_COLUMNS].astype({"missing_reason": "string"})
    metrics.to_parquet(folder / "metrics.parquet", index=False)
    stats = [c for c in frame.columns if c not in METRIC_COLUMNS[6:]]
    frame.loc[:, stats].to_parquet(folder / "statistics.parquet", index=False)
    periods = sorted({pd.Timestamp(p).date() for p in frame["period"]})
    manifest: dict[str, Any] = {
        "version": version_id,
        "parent": parent,
        "periods": [p.isoformat() for p in periods],
    }
    if changes is not None:
        manifest["changes"] = changes
    (folder / "manifest.json").write_text(json.dumps(manifest))
    (home.results_dir / "CURRENT").write_text(version_id + "\n")
    return ResultsVersion(version_id, folder)


def nan_equal(a: Any, b: Any) -> bool:
    return bool(
        a == b or (isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b))
    )
