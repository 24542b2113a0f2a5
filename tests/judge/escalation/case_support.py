"""Shared pieces of the case tests: principals per role, a case to open, results to evaluate."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, func, select

from oversight.collect.tokens import Principal
from oversight.home import Home
from oversight.judge.escalation import cases
from oversight.judge.escalation.criteria import ExitCriterion
from oversight.judge.escalation.triggers import Trigger
from oversight.store import database
from oversight.store.models import AuditEvent

NHSE = Principal("t-nhse", "nhse-oversight", None, "nhse")
ADMIN = Principal("t-admin", "ops", None, "admin")
QOP = Principal("t-qop", "gm-performance", "QOP", "submitter")
QHL = Principal("t-qhl", "bsol-performance", "QHL", "submitter")

AE = ExitCriterion("ae_4hr", ">=", 78.0, 3)
BEDS = ExitCriterion("bed_occupancy", "<=", 92.0, 2)


def open_qop(engine: Engine, actor: Principal = NHSE, **changes: object) -> cases.CaseView:
    args: dict[str, object] = {
        "org": "QOP",
        "triggers": [Trigger("segment", "in segment 5, the lowest")],
        "owner": "NHS England North West",
        "summary": "Urgent care performance well below the standard; support agreed.",
        "reason": "segment 5 in 2025-Q2",
        "actions": [cases.Action("Diagnostic review", "NHSE NW", dt.date(2027, 1, 31))],
        "criteria": [AE, BEDS],
    }
    args.update(changes)
    return cases.open_case(engine, actor, **args)  # type: ignore[arg-type]


def audit_count(engine: Engine) -> int:
    with database.session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def publish_results(home: Home, rows: dict[tuple[str, str], list[float | None]]) -> None:
    """A minimal published results version: (org, metric) -> monthly values from 2025-01."""
    frames = []
    months: set[dt.date] = set()
    for (org, metric), values in rows.items():
        periods = [dt.date(2025 + (m // 12), m % 12 + 1, 1) for m in range(len(values))]
        months.update(periods)
        frames.append(
            pd.DataFrame(
                {
                    "metric_id": metric,
                    "org_type": "icb",
                    "org_code": org,
                    "period": periods,
                    "breakdown": "total",
                    "group": "total",
                    "value": pd.array(values, dtype="Float64").astype(float),
                }
            )
        )
    version = home.results_dir / "v-test"
    version.mkdir(parents=True, exist_ok=True)
    pd.concat(frames).to_parquet(version / "metrics.parquet", index=False)
    manifest = {"periods": [d.isoformat() for d in sorted(months)]}
    (version / "manifest.json").write_text(json.dumps(manifest))
    Path(home.results_dir / "CURRENT").write_text("v-test")
