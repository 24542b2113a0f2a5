"""quarter_values (one vectorised pass) gives, to the last bit, what a loop over the
organisation × metric groups gives: the stored segments must not move when it got faster."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest
from tests.judge.segmentation.segmentation_fixtures import Q3, metrics

from oversight.catalogue.models import Metric
from oversight.judge.segmentation.quarter import quarter_values
from oversight.period import Period

MONTHS = [dt.date(2025, m, 1) for m in (6, 7, 8, 9, 10)]
CHOSEN = sorted(metrics())[:12]


def looped(monthly: pd.DataFrame, chosen: Mapping[str, Metric], quarter: Period,
           min_months: int) -> pd.DataFrame:
    """The group-by-group loop quarter_values replaced (Series.sum, np.mean)."""
    starts = [m.start for m in quarter.months()]
    rows = monthly[pd.to_datetime(monthly["period"]).dt.date.isin(starts)]
    rows = rows[rows["value"].notna() & rows["metric_id"].isin(list(chosen))]
    out = []
    for (org, metric_id), group in rows.groupby(["org_code", "metric_id"], sort=True):
        months = int(group["period"].nunique())
        metric = chosen[str(metric_id)]
        value = None
        pooled = False
        if months >= min_months:
            num, den = group["numerator"], group["denominator"]
            if (metric.kind == "ratio" and num.notna().all() and den.notna().all()
                    and float(den.sum()) > 0):
                value = float(num.sum()) / float(den.sum()) * metric.multiplier
                pooled = True
            else:
                value = float(np.mean(group["value"].to_numpy(float)))
        out.append((str(org), str(metric_id), value, months, pooled))
    return pd.DataFrame(out, columns=["org", "metric", "value", "months", "pooled"])


def monthly_frame(seed: int) -> pd.DataFrame:
    """Many organisations × the fixture's metrics × months around Q3, with awkward floats,
    missing months, values, numerators and denominators, zero denominators and a repeated
    month."""
    rng = np.random.default_rng(seed)
    data = []
    for org in [f"O{i:02d}" for i in range(40)]:
        for metric in CHOSEN:
            for month in MONTHS:
                if rng.random() < 0.1:
                    continue  # month missing
                value = float(rng.random() * 10.0 ** int(rng.integers(-3, 4)))
                num = float(rng.integers(0, 5000)) + rng.random()
                den = float(rng.integers(0, 3)) if rng.random() < 0.05 else num + rng.random() * 9e3
                data.append((org, metric, month,
                             None if rng.random() < 0.05 else value,
                             None if rng.random() < 0.05 else num,
                             None if rng.random() < 0.05 else den))
                if rng.random() < 0.01:  # the same month twice
                    data.append((org, metric, month, value, num, den))
    cols = ["org_code", "metric_id", "period", "value", "numerator", "denominator"]
    return pd.DataFrame(data, columns=cols).sample(frac=1.0, random_state=seed)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("min_months", [1, 2, 3])
def test_vectorised_quarter_values_equal_the_loop_exactly(seed: int, min_months: int) -> None:
    monthly = monthly_frame(seed)
    catalogue = metrics()
    got = quarter_values(monthly, catalogue, Q3, min_months)
    want = looped(monthly, catalogue, Q3, min_months)
    assert len(got) > 100 and got["pooled"].any() and (~got["pooled"]).any()
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_no_rows_in_the_quarter_gives_the_empty_frame_the_loop_gives() -> None:
    monthly = monthly_frame(4)
    outside = monthly[monthly["period"] == MONTHS[0]]
    catalogue = metrics()
    pd.testing.assert_frame_equal(quarter_values(outside, catalogue, Q3),
                                  looped(outside, catalogue, Q3, 3))
