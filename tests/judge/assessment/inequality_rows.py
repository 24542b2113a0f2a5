"""Breakdown rows for inequality tests: deciles, quintiles and ethnic groups of one metric."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from oversight.metrics.statistics import intervals

ETHNIC = ("Asian", "Black", "Mixed", "White", "Other", "Not known")


def rows(
    metrics: dict[str, Any],
    metric: str = "ae_4hr",
    orgs: tuple[str, ...] = ("QAA", "QBB"),
    months: int = 1,
    slope: float = 0.0,
    size: int = 400,
    ethnic: dict[str, float] | None = None,
    seed: int = 1,
) -> pd.DataFrame:
    """Proportion rows: each decile `size` people, p rising by `slope` per decile from 0.5."""
    rng = np.random.default_rng(seed)
    out = []
    for org in orgs:
        for k in range(months):
            period = dt.date(2024 + (3 + k) // 12, (3 + k) % 12 + 1, 1)
            deciles = {str(d): 0.5 + slope * (d - 5.5) for d in range(1, 11)}
            quintiles = {str(q): 0.5 + slope * 2 * (q - 3) for q in range(1, 6)}
            groups = ethnic or dict.fromkeys(ETHNIC, 0.5)
            for breakdown, probs in (("imd_decile", deciles), ("imd_quintile", quintiles),
                                     ("ethnicity_group", groups)):  # fmt: skip
                for group, p in probs.items():
                    x = float(rng.binomial(size, p))
                    out.append((metric, "icb", org, period, breakdown, group, x, float(size)))
    frame = pd.DataFrame(out, columns=["metric_id", "org_type", "org_code", "period",
                                       "breakdown", "group", "numerator", "denominator"])
    mult = float(metrics[metric].multiplier)
    frame["value"] = frame["numerator"] / frame["denominator"] * mult
    frame["sd"] = np.nan
    ci = intervals(frame, metrics)
    frame["ci_lower"], frame["ci_upper"] = ci["ci_lower"], ci["ci_upper"]
    return frame
