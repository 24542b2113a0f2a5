"""Exact quantiles from packed sorts equal pandas' linear quantiles; presence from file footers.

quantiles.py turns values into order-preserving unsigned integers (whole numbers by offset,
anything else by rank) and sorts group key and value packed into one integer; both paths must
give DuckDB quantile_cont's figures. lakefiles.footer_presence reads each file's revision from
its Parquet statistics and must refuse when a file holds more than one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.metrics.metrics_fixtures import PERIODS, REGIONS, _item, tree

from oversight.metrics.compile import count_col, keep_col, value_col, x_col
from oversight.metrics.lakefiles import footer_presence, list_files
from oversight.metrics.quantiles import quantile_rows


def _records(values: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame(
        {
            "icb_code": pd.Categorical(rng.choice(sorted(REGIONS), n)),
            "period": pd.Series([PERIODS[i % 2] for i in range(n)], dtype=object),
            "imd_decile": rng.integers(1, 11, n).astype("int8"),
            "ethnicity_group": rng.choice(["Asian", "White"], n),
            "age_band": rng.choice(["18-39", "80+"], n),
            "sex": rng.choice(["female", "male"], n),
            keep_col(0): rng.random(n) < 0.8,
            x_col(0): values,
        }
    )


@pytest.mark.parametrize(
    "kind", ["whole seconds", "fractions", "negative whole numbers", "wide whole numbers"]
)
def test_quantiles_equal_pandas_linear_quantiles(kind: str) -> None:
    rng = np.random.default_rng(3)
    n = 2000
    values = {
        "whole seconds": rng.integers(0, 5000, n).astype(float),
        "fractions": rng.normal(100.0, 30.0, n),
        "negative whole numbers": rng.integers(-400, 400, n).astype(float),
        "wide whole numbers": rng.integers(0, 2**40, n).astype(float),
    }[kind]
    records = _records(values, rng)
    item = _item("p90", "ambulance_incidents", "quantile", column="x", quantile=0.9)
    got = quantile_rows(records, [item], tree().membership)
    kept = records[records[keep_col(0)]].assign(
        region=lambda d: d["icb_code"].astype(str).map(REGIONS)
    )
    for level, by in (("icb", "icb_code"), ("region", "region"), ("england", None)):
        keys = [by, "period"] if by else ["period"]
        for dim in (None, "sex", "age_band"):
            group_keys = [*keys, dim] if dim else keys
            want = kept.groupby(group_keys, observed=True)[x_col(0)].quantile(0.9)
            sizes = kept.groupby(group_keys, observed=True)[x_col(0)].size()
            rows = got[(got.org_type == level) & (got.breakdown == (dim or "total"))]
            for key, expected in want.items():
                key = key if isinstance(key, tuple) else (key,)
                org = key[0] if by else "ENG"
                period = key[1] if by else key[0]
                group = key[-1] if dim else "total"
                row = rows[(rows.org_code == org) & (rows.period == period) & (rows.group == group)]
                assert len(row) == 1, (level, dim, key)
                assert row[value_col("p90")].iloc[0] == pytest.approx(expected, rel=1e-12)
                assert row[count_col("p90")].iloc[0] == sizes[key if len(key) > 1 else key[0]]


def _file(lake: Path, icb: str, period: dt.date, revisions: list[str]) -> None:
    path = lake / "rtt_pathways" / f"{period:%Y-%m}" / f"{icb}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    n = len(revisions)
    table = pa.table(
        {
            "icb_code": pa.array([icb] * n, pa.string()),
            "period": pa.array([period] * n, pa.date32()),
            "revision_id": pa.array(revisions, pa.string()),
        }
    )
    pq.write_table(table, path)


def test_footer_presence_reads_each_files_revision(tmp_path: Path) -> None:
    _file(tmp_path, "QMJ", PERIODS[0], ["r1", "r1"])
    _file(tmp_path, "QMF", PERIODS[0], ["r2"])
    _file(tmp_path, "QMJ", PERIODS[1], ["r3"])
    files = list_files(tmp_path, "rtt_pathways")
    got = footer_presence(files, PERIODS)
    assert got is not None
    assert list(got.itertuples(index=False, name=None)) == [
        ("QMF", PERIODS[0], "r2"),
        ("QMJ", PERIODS[0], "r1"),
        ("QMJ", PERIODS[1], "r3"),
    ]
    only_feb = footer_presence(files, PERIODS[1:])
    assert only_feb is not None and list(only_feb["revision_id"]) == ["r3"]


def test_footer_presence_refuses_a_file_of_two_revisions(tmp_path: Path) -> None:
    _file(tmp_path, "QMJ", PERIODS[0], ["r1", "r2"])
    assert footer_presence(list_files(tmp_path, "rtt_pathways"), PERIODS) is None
