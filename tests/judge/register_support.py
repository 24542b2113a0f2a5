"""Shared pieces of the target-register tests: a valid local target and principals per role."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from oversight.collect.tokens import Principal
from oversight.judge.target_input import TargetSpec

ADMIN = Principal("t-admin", "ops", None, "admin")
NHSE = Principal("t-nhse", "nhse-oversight", None, "nhse")
QOP = Principal("t-qop", "gm-performance", "QOP", "submitter")
QHL = Principal("t-qhl", "bsol-performance", "QHL", "submitter")

TRAJECTORY = [(f"2025-{m:02d}", 70.0 + m / 2) for m in range(4, 13)] + [
    (f"2026-{m:02d}", 77.0 + m / 2) for m in range(1, 4)
]


def local_spec(**changes: Any) -> TargetSpec:
    """A local A&E target for QOP in 2025/26 that passes every check."""
    spec = TargetSpec(
        scope="local",
        icb_code="QOP",
        metric_id="ae_4hr",
        planning_year="2025/26",
        value=78.0,
        comparison=">=",
        deadline=dt.date(2026, 3, 31),
        date_set=dt.date(2025, 4, 20),
        owner="Director of Performance, NHS Greater Manchester ICB",
        rationale="Two sites already exceed 80%",
        trajectory=TRAJECTORY,
        partners=("Manchester University NHS FT",),
    )
    return dataclasses.replace(spec, **changes)


def national_spec(**changes: Any) -> TargetSpec:
    """A national A&E target for 2025/26 that passes every check."""
    spec = TargetSpec(
        scope="national",
        metric_id="ae_4hr",
        planning_year="2025/26",
        value=78.0,
        comparison=">=",
        deadline=dt.date(2026, 3, 31),
        date_set=dt.date(2025, 1, 30),
        owner="National Director of Urgent and Emergency Care",
        rationale="Planning guidance 2025/26",
    )
    return dataclasses.replace(spec, **changes)
