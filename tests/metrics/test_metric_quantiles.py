"""Exact quantiles from sorted values equal pandas' linear quantiles; presence from file footers.

quantiles.py puts an item's values in order once and then stably sorts each grouping's keys (16
bits: a radix sort; wider when there are more groups); every kind of value, an ICB with no
region in a month and a grouping too large for 16-bit keys must give DuckDB quantile_cont's
figures. lakefiles.footer_presence reads each file's revision from
its Parquet statistics and must refuse when a file holds more than one.
"""

from __future__ import annotations

import datetime as dt
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.metrics.metrics_fixtures import PERIODS, REGIONS, _item, tree

from oversight.metrics import quantiles
from oversight.metrics.compile import count_col, keep_col, value_col, x_col
from oversight.metrics.lakefiles import footer_presence, list_files
from oversight.metrics.organisations import OrgTree
from oversight.metrics.quantiles import _counts, _key_type, _ordered_quantiles, quantile_rows


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



def test_an_icb_with_no_region_counts_for_itself_and_england_only() -> None:
    rng = np.random.default_rng(5)
    records = _records(rng.integers(0, 900, 600).astype(float), rng)
    item = _item("p90", "ambulance_incidents", "quantile", column="x", quantile=0.9)
    membership = tree().membership
    orphan = (membership["icb_code"] == "QMF") & (membership["period"] == PERIODS[0])
    got = quantile_rows(records, [item], OrgTree(membership[~orphan]).membership)
    kept = records[records[keep_col(0)]]
    total = got[got.breakdown == "total"].set_index(["org_type", "org_code", "period"])
    jan = kept[kept.period == PERIODS[0]]
    y56 = jan[jan.icb_code == "QMJ"][x_col(0)]  # QMF has no region in January
    region = total.loc[("region", "Y56", PERIODS[0]), value_col("p90")]
    assert region == pytest.approx(y56.quantile(0.9), rel=1e-12)
    assert total.loc[("region", "Y56", PERIODS[0]), count_col("p90")] == len(y56)
    assert total.loc[("england", "ENG", PERIODS[0]), count_col("p90")] == len(jan)
    qmf = jan[jan.icb_code == "QMF"][x_col(0)]
    icb = total.loc[("icb", "QMF", PERIODS[0]), value_col("p90")]
    assert icb == pytest.approx(qmf.quantile(0.9), rel=1e-12)


def test_groupings_beyond_16_bit_keys() -> None:
    assert _key_type(2**16) is np.uint16 and _key_type(2**16 + 1) is np.uint32
    rng = np.random.default_rng(7)
    size = 70_000
    key = rng.integers(0, size, 200_000).astype(np.uint32)
    xs = np.sort(rng.normal(0.0, 1.0, len(key)))
    got, n = _ordered_quantiles(xs, key, size, 0.9)
    frame = pd.DataFrame({"key": key, "x": xs})
    want = frame.groupby("key")["x"].quantile(0.9)
    assert np.array_equal(np.flatnonzero(n), want.index.to_numpy())
    assert np.allclose(got[want.index.to_numpy()], want.to_numpy(), rtol=0, atol=1e-12)
    assert np.isnan(got[n == 0]).all()


def test_keys_counted_a_slice_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quantiles, "COUNT_ROWS", 1000)
    key = np.random.default_rng(2).integers(0, 300, 4500).astype(np.uint16)
    assert np.array_equal(_counts(key, 310), np.bincount(key, minlength=310))
    assert np.array_equal(_counts(key[:0], 4), np.zeros(4, np.int64))


def test_quantiles_hold_a_few_bytes_per_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """What quantile_rows allocates over the records it is given, per record: the item's
    values in order and one-byte codes (31 bytes per record here), not an int32 organisation
    per level and int64 row numbers per grouping as before (69)."""
    monkeypatch.setattr(quantiles, "COUNT_ROWS", 1 << 16)
    rng = np.random.default_rng(1)
    n = 300_000
    records = _records(rng.integers(0, 5000, n).astype(float), rng)
    records = records.astype({c: "category" for c in ("ethnicity_group", "age_band", "sex")})
    item = _item("p90", "ambulance_incidents", "quantile", column="x", quantile=0.9)
    membership = tree().membership
    tracemalloc.start()
    try:
        got = quantile_rows(records, [item], membership)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(got) and peak / n < 45


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
