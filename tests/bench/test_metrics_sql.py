"""The expert SQL baseline (bench/metrics_sql.py) gives the engine's value for every data item,
organisation level, breakdown group and month of a small synthetic lake, so the benchmark
compares the engine with SQL that computes the same figures."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench import metrics_sql
from oversight.catalogue import load
from oversight.metrics.computation import Computation, compute, used_items
from oversight.metrics.engines import DuckDBEngine
from oversight.metrics.lakefiles import lake_periods
from oversight.metrics.organisations import OrgTree
from oversight.synth import generate

KEYS = ["org_type", "org_code", "period", "breakdown", "group", "item"]


@pytest.fixture(scope="module")
def lake_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, OrgTree]:
    lake = tmp_path_factory.mktemp("sql") / "lake"
    generate(lake, scale=0.002, months=3, start="2023-04", seed=3, progress=False, workers=1)
    cat = load()
    by_ds = used_items(list(cat.metrics.values()), cat.data_items)
    return lake, OrgTree.from_catalogue(cat, lake_periods(lake, by_ds))


@pytest.fixture(scope="module")
def engine_run(lake_tree: tuple[Path, OrgTree]) -> Computation:
    lake, tree = lake_tree
    cat = load()
    engine = DuckDBEngine()
    try:
        return compute(lake, list(cat.metrics.values()), cat.data_items, tree, engine)
    finally:
        engine.close()


def _sql_long(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The SQL's frames as one row per key: value v, count n, sum of squares ss (NaN: none)."""
    keys = ["lvl", "org", "period", "breakdown", "grp"]
    parts = []
    for name, frame in frames.items():
        if name.endswith(":p90"):
            for category in ("C1", "C2"):
                part = frame.loc[frame["category"] == category, keys].copy()
                part["item"] = f"ambulance_{category.lower()}_response_p90"
                part["v"] = frame.loc[frame["category"] == category, "p90"]
                part["n"] = frame.loc[frame["category"] == category, "n"]
                parts.append(part)
            continue
        for col in frame.columns:
            if col in keys or "__" in col:
                continue
            part = frame[keys].copy()
            part["item"] = col
            part["v"] = frame[col].astype(float)
            if f"{col}__n" in frame.columns:  # a mean: the engine keeps sum and count
                part["n"] = frame[f"{col}__n"].astype(float)
                part["v"] = part["v"] * part["n"]
                part["ss"] = frame[f"{col}__ss"].astype(float)
            parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out = out.rename(columns={"lvl": "org_type", "org": "org_code", "grp": "group"})
    out["period"] = pd.to_datetime(out["period"]).dt.date
    return out


def _comparable(long: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    """Drop the rows that say nothing: a count of 0, or a mean or quantile over no records (the
    engine keeps such rows where the group has other records; the SQL need not)."""
    long = long.copy()
    for col in ("n", "ss"):
        if col not in long.columns:
            long[col] = np.nan
    kind = long["item"].map(kinds)
    counted = kind.isin(["count", "open_at_period_end"])
    long.loc[counted, ["n", "ss"]] = np.nan
    empty = (counted & (long["v"].fillna(0) == 0)) | (
        kind.isin(["mean", "quantile"]) & (long["n"].fillna(0) == 0)
    )
    long.loc[kind.isin(["mean", "quantile"]) & (long["n"] == 0), "v"] = np.nan
    long.loc[kind == "quantile", "ss"] = np.nan
    out = long.loc[~empty, [*KEYS, "v", "n", "ss"]]
    return out.sort_values(KEYS).reset_index(drop=True)


def test_expert_sql_gives_every_engine_value(
    lake_tree: tuple[Path, OrgTree], engine_run: Computation
) -> None:
    lake, tree = lake_tree
    cat = load()
    kinds = {i.id: i.aggregation for i in cat.data_items.values()}
    sql = _comparable(_sql_long(metrics_sql.frames(lake, tree.membership, threads=1)), kinds)
    engine = _comparable(engine_run.items, kinds)
    used = {
        i.id
        for items in used_items(list(cat.metrics.values()), cat.data_items).values()
        for i in items
    }
    assert set(sql["item"]) == used  # every data item the catalogue's metrics use
    assert set(engine["item"]) == used
    assert set(sql["breakdown"]) == {
        "total",
        "imd_decile",
        "imd_quintile",
        "ethnicity_group",
        "age_band",
        "sex",
    }
    assert set(sql["org_type"]) == {"icb", "region", "england"}
    assert len(set(sql["period"])) == 3
    both = engine.merge(sql, on=KEYS, how="outer", suffixes=("_engine", "_sql"), indicator=True)
    lonely = both.loc[both["_merge"] != "both", [*KEYS, "_merge"]]
    assert lonely.empty, lonely.head(20).to_string()
    for col in ("v", "n", "ss"):
        a, b = both[f"{col}_engine"].to_numpy(float), both[f"{col}_sql"].to_numpy(float)
        same = np.isclose(a, b, rtol=1e-9, atol=1e-6) | (np.isnan(a) & np.isnan(b))
        assert same.all(), both.loc[~same, [*KEYS, f"{col}_engine", f"{col}_sql"]].head(20)
