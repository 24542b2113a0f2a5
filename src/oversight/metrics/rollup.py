"""Partials -> every organisation level x breakdown group, in memory.

The partials of a dataset are small (ICB x period x person columns, a few hundred thousand rows
at most, however many records) and additive: a breakdown group of an ICB is a sum over its
partial rows, a region the sum of its member ICBs for the period, England the sum of all ICBs.
So the roll-up is a few weighted bincounts over integer codes, the same whichever engine scanned
the records. A sum over rows that are all null is null (as in SQL), not zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from oversight.metrics.breakdowns import DIMENSIONS, TOTAL, UNKNOWN
from oversight.metrics.organisations import ENGLAND_CODE, LEVELS

ROW_KEYS = ["org_type", "org_code", "period", "breakdown", "group"]


def text_array(labels: Sequence[object], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """labels[codes] as a pandas str array (code -1: null), decoded in Arrow, not per row."""
    idx = pa.array(np.asarray(codes).astype(np.int32), mask=np.asarray(codes) < 0)
    dictionary = pa.array([str(x) for x in labels], pa.large_string())
    return pd.array(pa.DictionaryArray.from_arrays(idx, dictionary).dictionary_decode(), "str")


def _sums(key: np.ndarray, size: int, values: dict[str, tuple]) -> dict[str, np.ndarray]:
    """Per key: row count (`_rows`) and each measure's sum, NaN where every value is NaN.

    `values` holds each measure as (values with NaN as 0, not-NaN as float or None if none is).
    """
    rows = np.bincount(key, minlength=size).astype(float)
    out = {"_rows": rows}
    for name, (filled, ok) in values.items():
        total = np.bincount(key, weights=filled, minlength=size)
        seen = rows if ok is None else np.bincount(key, weights=ok, minlength=size)
        out[name] = np.where(seen > 0, total, np.nan)
    return out


class _Rows:
    """The roll-up's rows as codes, decoded into one frame at the end (not one per part)."""

    def __init__(self, orgs: list[object], periods: np.ndarray, measures: Sequence[str]) -> None:
        self.orgs, self.periods, self.measures = orgs, periods, measures
        self.groups: list[str] = []
        self.cols: dict[str, list[np.ndarray]] = {
            k: [] for k in ("level", "org", "period", "breakdown", "group", *measures)
        }

    def add_groups(self, groups: np.ndarray) -> int:
        """Append a breakdown's group labels; the offset of its codes."""
        self.groups += [str(g) for g in groups]
        return len(self.groups) - len(groups)

    def add(
        self,
        level: int,
        org0: int,
        breakdown: int,
        group0: int,
        sums: dict[str, np.ndarray],
        shape: tuple[int, int, int],
    ) -> None:
        """The cells with rows of a level's sums over (org, period, group) of a breakdown."""
        flat = np.flatnonzero(sums["_rows"] > 0)
        org, period, group = np.unravel_index(flat, shape)
        for key, codes in (
            ("level", np.full(len(flat), level)),
            ("org", org + org0),
            ("period", period),
            ("breakdown", np.full(len(flat), breakdown)),
            ("group", group + group0),
        ):
            self.cols[key].append(codes)
        for m in self.measures:
            self.cols[m].append(sums[m][flat])

    def frame(self) -> pd.DataFrame:
        c = {k: np.concatenate(v) if v else np.zeros(0) for k, v in self.cols.items()}
        data = {
            "org_type": text_array(LEVELS, c["level"]),
            "org_code": text_array(self.orgs, c["org"]),
            "period": pd.Series(self.periods[c["period"].astype(np.int64)], dtype=object),
            "breakdown": text_array((TOTAL, *DIMENSIONS), c["breakdown"]),
            "group": text_array(self.groups, c["group"]),
        }
        data.update({m: c[m].astype(float) for m in self.measures})
        return pd.DataFrame(data)


def rollup(
    partial: pd.DataFrame,
    measures: Sequence[str],
    record_level: bool,
    membership: pd.DataFrame,
) -> pd.DataFrame:
    """Sums of the measures for ICB, region and England x total and every breakdown group."""
    icb_idx, icbs = sorted_codes(partial["icb_code"])
    per_idx, periods = sorted_codes(partial["period"])
    values = {}
    for m in measures:
        x = partial[m].to_numpy(dtype="float64", na_value=np.nan)
        ok = ~np.isnan(x)
        values[m] = (np.where(ok, x, 0.0), None if ok.all() else ok.astype(float))
    region_of, regions = region_index(icbs, periods, membership)
    coded = breakdown_codes(partial) if record_level else {}
    out = _Rows([*icbs, *regions, ENGLAND_CODE], periods, measures)
    for b, breakdown in enumerate((TOTAL, *(DIMENSIONS if record_level else ()))):
        if breakdown == TOTAL:
            grp_idx, groups = np.zeros(len(partial), dtype=np.int64), np.array([TOTAL], object)
        else:
            grp_idx, groups = coded[breakdown]
        g0 = out.add_groups(groups)
        shape = (len(icbs), len(periods), len(groups))
        key = np.ravel_multi_index((icb_idx, per_idx, grp_idx), shape)
        icb = _sums(key, int(np.prod(shape)), values)
        out.add(0, 0, b, g0, icb, shape)
        # regions and England from the ICB sums
        dense = {m: v.reshape(shape) for m, v in icb.items()}
        i_all, p_all, g_all = np.indices(shape).reshape(3, -1)
        r_all = region_of[i_all, p_all]
        keep = r_all >= 0
        rshape = (len(regions), len(periods), len(groups))
        rkey = np.ravel_multi_index((r_all[keep], p_all[keep], g_all[keep]), rshape)
        flat = {m: v.reshape(-1)[keep] for m, v in dense.items()}
        reg = _weighted(rkey, int(np.prod(rshape)), flat)
        out.add(1, len(icbs), b, g0, reg, rshape)
        ekey = np.ravel_multi_index((np.zeros_like(p_all), p_all, g_all), (1, *shape[1:]))
        eng = _weighted(ekey, int(np.prod(shape[1:])), {m: v.reshape(-1) for m, v in dense.items()})
        out.add(2, len(icbs) + len(regions), b, g0, eng, (1, *shape[1:]))
    return out.frame()


def sorted_codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """pd.factorize(col, sort=True) with the values as an object array; for a categorical with
    sorted categories that are all used and no nulls (the quantile records' ICB and period,
    coded by execute_coded), its own codes, without the hashing and take of factorize."""
    if isinstance(col.dtype, pd.CategoricalDtype) and len(col):
        codes, categories = col.cat.codes.to_numpy(), col.cat.categories
        sorted_unique = categories.is_monotonic_increasing and categories.is_unique
        used = codes.min() >= 0 and bool(np.bincount(codes, minlength=len(categories)).all())
        if sorted_unique and used:
            return codes, np.asarray(categories, dtype=object)
    idx, uniques = pd.factorize(col, sort=True)
    return idx, np.asarray(uniques, dtype=object)


def region_index(
    icbs: np.ndarray, periods: np.ndarray, membership: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Each ICB's region in each period as a code into the sorted regions (-1: none)."""
    mem = membership.drop_duplicates(["icb_code", "period"])
    reg_idx, regions = pd.factorize(mem["region_code"], sort=True)
    region_of = np.full((len(icbs), len(periods)), -1)
    mi = pd.Index(icbs).get_indexer(mem["icb_code"])
    mp = pd.Index(periods).get_indexer(mem["period"])
    hit = (mi >= 0) & (mp >= 0)
    region_of[mi[hit], mp[hit]] = reg_idx[hit]
    return region_of, np.asarray(regions, dtype=object)


def _weighted(key: np.ndarray, size: int, sums: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Sum already-summed cells (`_rows` adds up; NaN measures stay NaN only if all are)."""
    out = {"_rows": np.bincount(key, weights=sums["_rows"], minlength=size)}
    for name, x in sums.items():
        if name == "_rows":
            continue
        ok = ~np.isnan(x)
        total = np.bincount(key, weights=np.where(ok, x, 0.0), minlength=size)
        seen = np.bincount(key, weights=ok.astype(float), minlength=size)
        out[name] = np.where(seen > 0, total, np.nan)
    return out


def breakdown_codes(partial: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each breakdown's group index per row and its sorted group labels (null -> unknown).

    Labels (decile and quintile numbers as text, null as unknown) are made once per distinct
    raw value, not once per row; the indices are as narrow as the groups allow (int16), so
    that the quantiles' 18 groupings per item gather small arrays.
    """
    d_codes, d_values = _deciles(partial["imd_decile"])
    out = {
        "imd_decile": _sorted_groups(d_codes, [str(int(u)) for u in d_values]),
        "imd_quintile": _sorted_groups(d_codes, [str(int((u + 1) // 2)) for u in d_values]),
    }
    for col in ("ethnicity_group", "age_band", "sex"):
        codes, uniques = _factorized(partial[col])
        out[col] = _sorted_groups(codes, [str(u) for u in uniques])
    return out


def _factorized(col: pd.Series) -> tuple[np.ndarray, list[object]]:
    """Codes (-1: null) into values: a categorical's own (the quantile records come coded,
    execute_coded), else pandas' factorize. Values no row has only add groups with no rows."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy(), list(col.cat.categories)
    codes, uniques = pd.factorize(col)
    return codes, list(uniques)


def _deciles(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (-1: null) into the distinct IMD deciles (numbers): by offset from the smallest for
    a plain integer column (no hashing), else as numbers through pandas' factorize."""
    if col.dtype.kind in "iu" and len(col):
        values = col.to_numpy()
        low = int(values.min())
        offset = values.astype(np.int64 if values.dtype.itemsize > 2 else np.int16) - low
        present = np.flatnonzero(np.bincount(offset))
        if len(present) < 2**15:
            lookup = np.full(int(present[-1]) + 1, -1, dtype=np.int16)
            lookup[present] = np.arange(len(present), dtype=np.int16)
            return lookup[offset], (present + low).astype(np.float64)
    codes, uniques = pd.factorize(pd.to_numeric(col, errors="coerce"))
    return codes, np.asarray(uniques, dtype="float64")


def _sorted_groups(codes: np.ndarray, labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Codes into `labels` (-1: null, labelled unknown) -> codes into the sorted distinct labels.

    Unknown is the last label when there are nulls, so a code of -1 picks it up as it is."""
    nulls = bool((codes < 0).any())
    all_labels = np.array([*labels, *([UNKNOWN] if nulls else [])], dtype=object)
    groups, inverse = np.unique(all_labels, return_inverse=True)
    table = inverse.reshape(-1).astype(np.int16 if len(groups) < 2**15 else np.int64)
    return table[codes], groups.astype(object)
