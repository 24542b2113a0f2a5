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

from oversight.metrics.breakdowns import DIMENSIONS, TOTAL, UNKNOWN
from oversight.metrics.organisations import ENGLAND, ENGLAND_CODE, ICB, REGION

ROW_KEYS = ["org_type", "org_code", "period", "breakdown", "group"]


def _sums(key: np.ndarray, size: int, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per key: row count (`_rows`) and each measure's sum, NaN where every value is NaN."""
    out = {"_rows": np.bincount(key, minlength=size).astype(float)}
    for name, x in values.items():
        ok = ~np.isnan(x)
        total = np.bincount(key, weights=np.where(ok, x, 0.0), minlength=size)
        seen = np.bincount(key, weights=ok.astype(float), minlength=size)
        out[name] = np.where(seen > 0, total, np.nan)
    return out


def _frame(
    level: str,
    codes: np.ndarray,
    periods: np.ndarray,
    breakdown: str,
    groups: np.ndarray,
    sums: dict[str, np.ndarray],
    cells: np.ndarray,
) -> pd.DataFrame:
    data = {
        "org_type": level,
        "org_code": codes[cells[0]],
        "period": periods[cells[1]],
        "breakdown": breakdown,
        "group": groups[cells[2]],
    }
    flat = np.ravel_multi_index(cells, (len(codes), len(periods), len(groups)))
    data.update({m: v[flat] for m, v in sums.items() if m != "_rows"})
    return pd.DataFrame(data)


def rollup(
    partial: pd.DataFrame,
    measures: Sequence[str],
    record_level: bool,
    membership: pd.DataFrame,
) -> pd.DataFrame:
    """Sums of the measures for ICB, region and England x total and every breakdown group."""
    icb_idx, icbs = pd.factorize(partial["icb_code"], sort=True)
    per_idx, periods = pd.factorize(partial["period"], sort=True)
    icbs, periods = np.asarray(icbs, dtype=object), np.asarray(periods, dtype=object)
    values = {m: partial[m].to_numpy(dtype="float64", na_value=np.nan) for m in measures}
    # each ICB's region in each period (-1: none)
    mem = membership.drop_duplicates(["icb_code", "period"])
    reg_idx, regions = pd.factorize(mem["region_code"], sort=True)
    regions = np.asarray(regions, dtype=object)
    region_of = np.full((len(icbs), len(periods)), -1)
    mi = pd.Index(icbs).get_indexer(mem["icb_code"])
    mp = pd.Index(periods).get_indexer(mem["period"])
    hit = (mi >= 0) & (mp >= 0)
    region_of[mi[hit], mp[hit]] = reg_idx[hit]
    coded = breakdown_codes(partial) if record_level else {}
    parts = []
    for breakdown in (TOTAL, *(DIMENSIONS if record_level else ())):
        if breakdown == TOTAL:
            grp_idx, groups = np.zeros(len(partial), dtype=np.int64), np.array([TOTAL], object)
        else:
            grp_idx, groups = coded[breakdown]
        shape = (len(icbs), len(periods), len(groups))
        key = np.ravel_multi_index((icb_idx, per_idx, grp_idx), shape)
        icb = _sums(key, int(np.prod(shape)), values)
        cells = np.unravel_index(np.flatnonzero(icb["_rows"] > 0), shape)
        parts.append(_frame(ICB, icbs, periods, breakdown, groups, icb, cells))
        # regions and England from the ICB sums
        dense = {m: v.reshape(shape) for m, v in icb.items()}
        i_all, p_all, g_all = np.indices(shape).reshape(3, -1)
        r_all = region_of[i_all, p_all]
        keep = r_all >= 0
        rshape = (len(regions), len(periods), len(groups))
        rkey = np.ravel_multi_index((r_all[keep], p_all[keep], g_all[keep]), rshape)
        flat = {m: v.reshape(-1)[keep] for m, v in dense.items()}
        reg = _weighted(rkey, int(np.prod(rshape)), flat)
        rcells = np.unravel_index(np.flatnonzero(reg["_rows"] > 0), rshape)
        parts.append(_frame(REGION, regions, periods, breakdown, groups, reg, rcells))
        ekey = np.ravel_multi_index((np.zeros_like(p_all), p_all, g_all), (1, *shape[1:]))
        eng = _weighted(ekey, int(np.prod(shape[1:])), {m: v.reshape(-1) for m, v in dense.items()})
        ecells = np.unravel_index(np.flatnonzero(eng["_rows"] > 0), (1, *shape[1:]))
        england = np.array([ENGLAND_CODE], dtype=object)
        parts.append(_frame(ENGLAND, england, periods, breakdown, groups, eng, ecells))
    return pd.concat(parts, ignore_index=True)[[*ROW_KEYS, *measures]]


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
    raw value, not once per row.
    """
    decile = pd.to_numeric(partial["imd_decile"], errors="coerce")
    d_codes, d_uniques = pd.factorize(decile)
    d_values = np.asarray(d_uniques, dtype="float64")
    out = {
        "imd_decile": _sorted_groups(d_codes, [str(int(u)) for u in d_values]),
        "imd_quintile": _sorted_groups(d_codes, [str(int((u + 1) // 2)) for u in d_values]),
    }
    for col in ("ethnicity_group", "age_band", "sex"):
        codes, uniques = pd.factorize(partial[col])
        out[col] = _sorted_groups(codes, [str(u) for u in uniques])
    return out


def _sorted_groups(codes: np.ndarray, labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Codes into `labels` (-1: null, labelled unknown) -> codes into the sorted distinct labels."""
    nulls = bool((codes < 0).any())
    all_labels = np.array([*labels, *([UNKNOWN] if nulls else [])], dtype=object)
    groups, inverse = np.unique(all_labels, return_inverse=True)
    codes = np.where(codes < 0, len(labels), codes)
    return inverse.reshape(-1)[codes].astype(np.int64), groups.astype(object)
