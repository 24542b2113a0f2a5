"""Evidence items, and the automatic evidence for "Equity in access" drawn from the metrics.

An item belongs to a quality statement and an evidence category, and says where it came from:
`metric` (a result from the engine: metric, organisation, month, window, results version and the
lineage keys of the revisions behind it), `document`, `survey`, `feedback` or `observation`; with
its date, assessor and a summary.

Automatic evidence: for each of the statement's evidence metrics (the framework file's
`evidence_metrics`), the organisation's slope index of inequality over the 12 months to the
month, against England's and its peers' (their median and how many of them have a wider gap),
each with its interval and one sentence. Pure: the measures frame in, items out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from oversight.judge.assessment.framework import Framework
from oversight.judge.formats import format_value

SOURCES = ("metric", "document", "survey", "feedback", "observation")
EQUITY_IN_ACCESS = "equity_in_access"
OUTCOMES = "outcomes"
SYSTEM = "system"
MAX_SUMMARY = 4000
WINDOW = "12 months"


@dataclass(frozen=True)
class Evidence:
    """One evidence item, before it is stored with an assessment."""

    statement: str
    category: str
    source: str
    summary: str
    observed_on: dt.date
    reference: Mapping[str, Any] = field(default_factory=dict)
    assessor: str | None = None

    def check(self, framework: Framework) -> None:
        """ValueError naming the valid choices for an unknown statement, category or source."""
        if self.statement not in framework.statements:
            raise ValueError(f"{self.statement!r} is not a quality statement of {framework.id} "
                             f"({', '.join(framework.statements)})")  # fmt: skip
        if self.category not in framework.categories:
            raise ValueError(f"{self.category!r} is not an evidence category "
                             f"({', '.join(framework.categories)})")  # fmt: skip
        if self.source not in SOURCES:
            raise ValueError(f"{self.source!r} is not an evidence source ({', '.join(SOURCES)})")
        if self.source == "metric" and not {"metric_id", "org", "period"} <= set(self.reference):
            raise ValueError("metric evidence needs its metric_id, org and period")
        if not self.summary.strip():
            raise ValueError("evidence needs a summary")
        if len(self.summary) > MAX_SUMMARY or "\x00" in self.summary:
            raise ValueError(f"a summary is plain text of at most {MAX_SUMMARY} characters")

    def columns(self, default_assessor: str) -> dict[str, Any]:
        return {
            "statement_id": self.statement, "category_id": self.category, "source": self.source,
            "reference": dict(self.reference), "observed_on": self.observed_on,
            "assessor": self.assessor or default_assessor, "summary": self.summary.strip(),
        }  # fmt: skip


def difference_text(value: float, unit: str) -> str:
    """A difference on the metric's scale: percentages as points, minutes as minutes."""
    if unit == "percent":
        return f"{value:.1f} points"
    return format_value(value, unit)


def _interval(row: Any, unit: str, col: str = "sii") -> str:
    value = difference_text(float(row[col]), unit)
    lo, hi = (f"{float(row[c]):.1f}" for c in (f"{col}_lower", f"{col}_upper"))
    return f"{value} (95% CI {lo} to {hi})"


def _favours(sii: float, improvement: str) -> str:
    """Who fares better along the deprivation gradient, from the SII's sign and polarity."""
    if improvement == "neutral" or sii == 0:
        return "no group fares better by this measure"
    better_when_higher = improvement == "increase"
    least_higher = sii > 0
    return (
        "people in less deprived areas fare better"
        if better_when_higher == least_higher
        else "people in more deprived areas fare better"
    )


def _overlap(a: Any, b: Any) -> bool:
    return bool(a["sii_lower"] <= b["sii_upper"] and b["sii_lower"] <= a["sii_upper"])


def _against_england(mine: Any, england: Any | None, unit: str) -> str:
    if england is None or pd.isna(england["sii"]):
        return "England's is not available"
    same = "overlaps" if _overlap(mine, england) else "does not overlap"
    return f"England's is {_interval(england, unit)}; the interval {same} England's"


def _against_peers(mine: Any, peers: pd.DataFrame, improvement: str, unit: str) -> str:
    peers = peers[peers["sii"].notna()]
    if peers.empty:
        return "no peer comparison (no peer groups without the deprivation file)"
    sign = -1.0 if improvement == "decrease" else 1.0
    wider = int((peers["sii"] * sign > float(mine["sii"]) * sign).sum())
    median = difference_text(float(peers["sii"].median()), unit)
    return (f"its {len(peers)} peers' median is {median}, and {wider} of them have a wider "
            "gap against the more deprived")  # fmt: skip


def equity_evidence(
    measures: pd.DataFrame,
    org: str,
    period: dt.date,
    metrics: Mapping[str, Any],
    framework: Framework,
    *,
    peers: Sequence[str] = (),
    lineage: Mapping[str, Sequence[str]] | None = None,
    results_version: str | None = None,
    names: Mapping[str, str] | None = None,
) -> list[Evidence]:
    """Automatic "Equity in access" evidence for `org` at `period` from the stored measures."""
    wanted = framework.settings.evidence_metrics.get(EQUITY_IN_ACCESS, ())
    rows = measures[(measures["window"] == WINDOW) & (measures["period"] == period)]
    who = (names or {}).get(org, org)
    out = []
    for metric_id in wanted:
        part = rows[rows["metric_id"] == metric_id].set_index("org_code")
        if org not in part.index or pd.isna(part.loc[org, "sii"]):
            continue
        m = metrics[metric_id]
        mine = part.loc[org]
        england = part.loc["ENG"] if "ENG" in part.index else None
        peer_rows = part.loc[[p for p in peers if p in part.index]]
        excludes = bool(mine["sii_lower"] > 0 or mine["sii_upper"] < 0)
        significance = f"an interval that {'excludes' if excludes else 'includes'} zero"
        sentence = (
            f"{m.title}, 12 months to {period:%B %Y}: {who}'s slope index of inequality across "
            f"deprivation deciles is {_interval(mine, m.unit)}, {significance}"
            f"{': ' + _favours(float(mine['sii']), m.improvement) if excludes else ''}; "
            f"{_against_england(mine, england, m.unit)}; "
            f"{_against_peers(mine, peer_rows, m.improvement, m.unit)}."
        )
        reference = {
            "metric_id": metric_id, "org": org, "period": period.isoformat(), "window": WINDOW,
            "measure": "sii", "sii": float(mine["sii"]), "sii_lower": float(mine["sii_lower"]),
            "sii_upper": float(mine["sii_upper"]),
            "england": None if england is None else
            [float(england[c]) for c in ("sii", "sii_lower", "sii_upper")],
            "peers": [p for p in peers if p in part.index],
            "results_version": results_version,
            "lineage": list((lineage or {}).get(metric_id, ())),
        }  # fmt: skip
        out.append(Evidence(EQUITY_IN_ACCESS, OUTCOMES, "metric", sentence, period,
                            {k: _plain(v) for k, v in reference.items()}, SYSTEM))  # fmt: skip
    return out


def _plain(value: Any) -> Any:
    """JSON-safe: NaN as None."""
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
