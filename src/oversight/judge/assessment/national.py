"""The national view of one quality statement (Equity in access first): every ICS side by side.

For each ICS and each of the statement's evidence metrics: the SII over the 12 months to the
month with its interval, the quintile gap and the largest ethnic-group gap with theirs, and
whether the SII interval overlaps England's; with the ICS's latest published score for the
statement, its theme rating and overall rating. England's own row comes first. Pure: the
stored measures and the published results in, one tidy frame out (CSV as it is; JSON nested).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from oversight.judge.assessment.evidence import EQUITY_IN_ACCESS, WINDOW
from oversight.judge.assessment.framework import Framework

MEASURES = [
    "sii", "sii_lower", "sii_upper", "rii", "quintile_gap", "quintile_gap_lower",
    "quintile_gap_upper", "ethnic_high_group", "ethnic_low_group", "ethnic_gap",
    "ethnic_gap_lower", "ethnic_gap_upper",
]  # fmt: skip
COLUMNS = [
    "org_code", "org_name", "metric_id", "metric", "period", "window", *MEASURES,
    "sii_vs_england", "statement_score", "theme_rating", "overall_rating", "assessment_id",
]  # fmt: skip


def _versus(row: pd.Series, england: pd.Series | None) -> str:
    if england is None or pd.isna(row["sii"]) or pd.isna(england["sii"]):
        return "not available"
    if row["sii_lower"] > england["sii_upper"]:
        return "above England"
    if row["sii_upper"] < england["sii_lower"]:
        return "below England"
    return "similar to England"


def _published_parts(view: Mapping[str, Any] | None, statement: str, theme: str | None
                     ) -> dict[str, Any]:  # fmt: skip
    if not view:
        return {"statement_score": None, "theme_rating": None, "overall_rating": None,
                "assessment_id": None}  # fmt: skip
    result = view.get("result") or {}
    themes = result.get("themes") or {}
    score = None
    if theme and theme in themes:
        score = themes[theme]["scores"].get(statement)
    return {
        "statement_score": score,
        "theme_rating": themes.get(theme, {}).get("rating") if theme else None,
        "overall_rating": (result.get("overall") or {}).get("rating"),
        "assessment_id": view.get("id"),
    }


def equity_view(
    measures: pd.DataFrame,
    period: dt.date,
    metrics: Mapping[str, Any],
    framework: Framework,
    icss: Mapping[str, str],
    published: Mapping[str, Mapping[str, Any]] | None = None,
    statement: str = EQUITY_IN_ACCESS,
) -> pd.DataFrame:
    """One row per organisation (England, then each ICS in `icss`, code -> name) × metric."""
    wanted = framework.settings.evidence_metrics.get(statement, ())
    theme = framework.statements[statement].theme_id
    rows = measures[(measures["window"] == WINDOW) & (measures["period"] == period)]
    rows = rows[rows["metric_id"].isin(wanted)].set_index(["metric_id", "org_code"])
    out = []
    for org, name in [("ENG", "England"), *sorted(icss.items())]:
        parts = _published_parts((published or {}).get(org), statement, theme)
        for metric_id in wanted:
            key = (metric_id, org)
            row = rows.loc[key] if key in rows.index else None
            england = rows.loc[(metric_id, "ENG")] if (metric_id, "ENG") in rows.index else None
            values = {c: (row[c] if row is not None else np.nan) for c in MEASURES}
            out.append({
                "org_code": org, "org_name": name, "metric_id": metric_id,
                "metric": metrics[metric_id].title, "period": period, "window": WINDOW,
                **values,
                "sii_vs_england": "England" if org == "ENG" else (
                    _versus(row, england) if row is not None else "not available"),
                **parts,
            })  # fmt: skip
    return pd.DataFrame(out, columns=COLUMNS)


def as_json(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Nested for a report: one entry per organisation with its metrics and its ratings."""
    out = []
    for (org, name), part in frame.groupby(["org_code", "org_name"], sort=False):
        first = part.iloc[0]
        out.append({
            "org": org, "name": name, "period": str(first["period"]), "window": first["window"],
            "statement_score": _plain(first["statement_score"]),
            "theme_rating": _plain(first["theme_rating"]),
            "overall_rating": _plain(first["overall_rating"]),
            "assessment_id": _plain(first["assessment_id"]),
            "metrics": [
                {"metric_id": r["metric_id"], "metric": r["metric"],
                 "sii_vs_england": r["sii_vs_england"],
                 **{c: _plain(r[c]) for c in MEASURES}}
                for _, r in part.iterrows()
            ],
        })  # fmt: skip
    return out


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else round(float(value), 6)
    if isinstance(value, np.integer):
        return int(value)
    return value
