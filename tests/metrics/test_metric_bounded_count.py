"""A `count` item with day bounds counts only stopped rows within the bounds (data-model.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
from tests.metrics.metrics_fixtures import JAN, _item, _metric, _person, _write

from oversight.metrics.computation import compute
from oversight.metrics.engines import DuckDBEngine
from oversight.metrics.organisations import OrgTree

D = dt.date
REFERRALS = [  # (referral_date, outcome_date): told within 28 days?
    (D(2024, 1, 2), D(2024, 1, 30)),  # 28 days: yes (bound inclusive)
    (D(2024, 1, 2), D(2024, 1, 31)),  # 29 days: no
    (D(2024, 1, 5), None),  # not yet told: no
    (D(2024, 1, 10), D(2024, 1, 11)),  # 1 day: yes
]


def test_told_within_28_days_counts_only_stopped_rows_within_bounds(tmp_path: Path) -> None:
    n = len(REFERRALS)
    _write(
        tmp_path,
        "cancer_referrals",
        JAN,
        "QMJ",
        {
            "record_id": pa.array(range(n), pa.int64()),
            "referral_date": pa.array([r[0] for r in REFERRALS], pa.date32()),
            "outcome_date": pa.array([r[1] for r in REFERRALS], pa.date32()),
            **_person(n, np.random.default_rng(1)),
        },
    )
    items = {
        "referred": _item("referred", "cancer_referrals", "count"),
        "told_28": _item(
            "told_28",
            "cancer_referrals",
            "count",
            start_column="referral_date",
            stop_column="outcome_date",
            max_days=28,
        ),
    }
    metric = _metric("fds", "ratio", "told_28", "referred")
    engine = DuckDBEngine()
    comp = compute(tmp_path, [metric], items, OrgTree.from_mapping({"QMJ": "Y56"}, [JAN]), engine)
    engine.close()
    m = comp.metrics
    row = m[(m.org_code == "QMJ") & (m.breakdown == "total")].iloc[0]
    assert (row.numerator, row.denominator) == (2, 4)
