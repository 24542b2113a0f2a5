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


def icb_total_row(metric: str, org: str, month: dt.date, v: float) -> dict[str, Any]:
    """One ICB's total row of a metric as a published version holds it, with statistics:
    common cause, within its funnel."""
    return {"metric_id": metric, "org_type": "icb", "org_code": org, "period": month,
            "breakdown": "total", "group": "total", "value": v, "numerator": v * 10,
            "denominator": 1000.0, "missing_reason": None, "spc_lpl": v - 10,
            "spc_upl": v + 10, "spc_point_type": "common_cause", "ci_lower": v - 1.5,
            "ci_upper": v + 1.5, "funnel_position": "within"}  # fmt: skip


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


FUNNEL = ["funnel_z", "funnel_lower", "funnel_upper", "funnel_position"]


def computation(frame: pd.DataFrame, orgs: list[str] | None = None) -> Any:
    """`frame` (of rows()) as the Computation `oversight compute` publishes (of some
    organisations only: what an incremental computation of them holds)."""
    from oversight.metrics.computation import Computation

    if orgs is not None:
        frame = frame[frame["org_code"].isin(orgs)]
    frame = frame.reset_index(drop=True)
    metrics = frame[METRIC_COLUMNS].assign(revisions=None).astype({"missing_reason": "string"})
    stats = frame[[*KEYS, *[c for c in frame.columns if c not in METRIC_COLUMNS]]].copy()
    icb = (stats["org_type"] == "icb") & (stats["group"] == "total")
    stats["funnel_z"] = np.where(icb, 0.5, np.nan)
    stats["funnel_lower"] = np.where(icb, 50.0, np.nan)
    stats["funnel_upper"] = np.where(icb, 90.0, np.nan)
    stats["funnel_position"] = stats["funnel_position"].where(icb, None)
    periods = sorted({pd.Timestamp(p).date() for p in rows()["period"]})
    return Computation(
        metrics=metrics,
        lineage=pd.DataFrame(
            {
                "lineage_key": pd.Series([], dtype=object),
                "revision_ids": pd.Series([], dtype=object),
            }
        ),
        items=pd.DataFrame({"org_code": pd.Series([], dtype=object)}),
        partials={},
        presence=pd.DataFrame({"period": pd.Series([], dtype=object)}),
        periods=periods,
        statistics=stats,
    )


def publish_full(home: Home, frame: pd.DataFrame) -> Any:
    """A complete format-2 version of `frame` (every piece written), as `oversight compute`."""
    from oversight.metrics.results import publish

    return publish(computation(frame), home)


def publish_icb_month(
    home: Home,
    base: Any,
    frame: pd.DataFrame,
    dataset: str,
    icb: str,
    month: dt.date,
    funnels_moved: bool = False,
) -> Any:
    """A version that is `base` with one ICB-month of `dataset` recomputed (its organisation's
    pieces, its region's and England's; the month's funnel when `funnels_moved`), as an
    incremental `oversight compute` publishes it, recording the change."""
    from oversight.metrics.results import FUNNEL_KEYS, publish_delta

    orgs = [icb, REGION, "ENG"]
    comp = computation(frame, orgs)
    months = [month] if funnels_moved else []
    full = computation(frame).statistics
    moved = full[full["funnel_position"].notna() & full["period"].isin(months)]
    changes = {"from": base.id, "icb_months": [[dataset, icb, f"{month:%Y-%m}"]]}
    return publish_delta(
        home,
        base,
        comp,
        orgs,
        [],
        moved[[*FUNNEL_KEYS, *FUNNEL]].reset_index(drop=True),
        months,
        info={"changes": changes},
    )
