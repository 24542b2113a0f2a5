"""What the assessment commands read from a home: the stored inequality measures (measured now
if the published version has none yet), peers, lineage, published assessments, ICS names.

The edge between the pure assessment modules and the home's files and database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from oversight.home import Home
from oversight.judge.assessment import evidence, inequality_store
from oversight.judge.assessment import framework as fw
from oversight.judge.assessment import workflow as wf


def measures(home: Home, catalogue: Any) -> tuple[pd.DataFrame, str]:
    """The published results' measures and their results version id (FileNotFoundError when
    nothing is computed)."""
    from oversight.metrics.results import current

    version = current(home)
    if version is None:
        raise FileNotFoundError(
            f"no computed results under {home.results_dir}: run `oversight compute`"
        )
    if not inequality_store.stored(home, version.id):
        inequality_store.write(home, version, catalogue)
    frame = pd.read_parquet(home.judgements_dir / version.id / inequality_store.FILE)
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return frame, version.id


def latest_period(frame: pd.DataFrame) -> dt.date:
    pooled = frame[frame["window"] == evidence.WINDOW]
    if pooled.empty:
        raise FileNotFoundError(
            "no 12-month inequality measures yet (fewer than 12 months of data)"
        )
    return max(pooled["period"])


def periods(frame: pd.DataFrame) -> list[dt.date]:
    return sorted(set(frame.loc[frame["window"] == evidence.WINDOW, "period"]))


def peers(home: Home, catalogue: Any, org: str, period: dt.date) -> list[str]:
    """The ICB's computed peers on the month (none without the deprivation file)."""
    from oversight import config
    from oversight.judge import stage

    deciles = stage.deciles_file(home, config.deprivation_file())
    pairs = stage.peer_pairs(catalogue, [period], deciles)
    return [str(p) for p in pairs.loc[pairs["org_code"] == org, "peer_code"]]


def lineage(home: Home, version_id: str, metric: str, org: str, period: dt.date) -> list[str]:
    """The lineage keys of the organisation's total rows over the 12 months to `period`."""
    from oversight.metrics.results import published

    version = published(home, version_id)
    rows = version.metrics(metric=metric, org=org)
    rows["period"] = pd.to_datetime(rows["period"]).dt.date
    start = dt.date(period.year - (1 if period.month < 12 else 0), period.month % 12 + 1, 1)
    window = rows[(rows["period"] >= start) & (rows["period"] <= period)]
    return sorted({str(k) for k in window["revisions"].dropna()})


def equity_items(home: Home, catalogue: Any, org: str, period: dt.date | None) -> list[Any]:
    """The automatic Equity in access evidence for one ICB (names, peers and lineage filled)."""
    from oversight.judge.stage import names

    frame, version_id = measures(home, catalogue)
    month = period or latest_period(frame)
    framework = fw.ics()
    wanted = framework.settings.evidence_metrics.get(evidence.EQUITY_IN_ACCESS, ())
    return evidence.equity_evidence(
        frame, org, month, catalogue.metrics, framework,
        peers=peers(home, catalogue, org, month),
        lineage={m: lineage(home, version_id, m, org, month) for m in wanted},
        results_version=version_id, names=names(catalogue),
    )  # fmt: skip


def published_views(home: Home, framework: str = "cqc_ics") -> dict[str, dict[str, Any]]:
    """Each organisation's latest published assessment (as JSON)."""
    latest: dict[str, dict[str, Any]] = {}
    for view in wf.listing(home.database(), None, status="published"):
        if view.framework == framework and (
            view.org not in latest or view.version > latest[view.org]["version"]
        ):
            latest[view.org] = view.to_json()
    return latest
