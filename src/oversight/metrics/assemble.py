"""Item values -> tidy metric rows, with the missing-input rule and lineage.

Pure pandas over small frames (one row per organisation x period x breakdown group x item), so
the result is the same whichever engine produced the item values. A metric whose inputs are
missing for an organisation-period gets an explicit row with a null value and the reason; a
breakdown group with no records counts 0 (and a ratio over 0 records is null, with its reason).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from oversight.metrics.breakdowns import GROUPS, TOTAL
from oversight.metrics.lineage import keyed, org_revisions
from oversight.metrics.organisations import ICB

ORG_KEYS = ["org_type", "org_code", "period"]
ROW_KEYS = [*ORG_KEYS, "breakdown", "group"]
RESULT_COLUMNS = [
    "metric_id",
    "org_type",
    "org_code",
    "period",
    "breakdown",
    "group",
    "numerator",
    "denominator",
    "value",
    "missing_reason",
    "revisions",
    "sd",
]


def _groups(metric: Any, frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    rows = [(TOTAL, TOTAL)]
    for dim in metric.breakdowns:
        seen: set[str] = set()
        for own in frames:
            seen.update(str(g) for g in own.loc[own["breakdown"] == dim, "group"].unique())
        expected = list(GROUPS[dim])
        rows += [(dim, g) for g in expected + sorted(seen - set(expected))]
    return pd.DataFrame(rows, columns=["breakdown", "group"])


class Inputs:
    """What every metric's assembly reads, split and memoised once per assembly.

    Many metrics share data items and datasets: the per-item rows, each item's missing-input
    status and each set of sources' lineage are worked out once, not once per metric.
    """

    def __init__(self, items: pd.DataFrame, orgs: pd.DataFrame, presence: pd.DataFrame) -> None:
        self.orgs, self.presence = orgs.reset_index(drop=True), presence
        self.org_periods = self.orgs[ORG_KEYS].drop_duplicates().reset_index(drop=True)
        # each member row's org-period (numbered in org_periods order) and ICB-month
        self.op_of = self.orgs.groupby(ORG_KEYS, sort=False).ngroup().to_numpy()
        self.members = np.bincount(self.op_of, minlength=len(self.org_periods))
        self.icb_month = pd.MultiIndex.from_frame(self.orgs[["icb_code", "period"]])
        self.is_icb = (self.org_periods["org_type"] == ICB).to_numpy()
        cols = [*ROW_KEYS, "v", "n", "ss"]
        self.by_item = {k: g[cols] for k, g in items.groupby("item", sort=False)}
        self.op_index = pd.MultiIndex.from_frame(self.org_periods)
        self._op_pos: dict[str, np.ndarray] = {}
        self._status: dict[str, np.ndarray] = {}
        self._lineage: dict[tuple, tuple[np.ndarray, pd.DataFrame]] = {}

    def rows(self, item_id: str) -> pd.DataFrame:
        empty = pd.DataFrame(columns=[*ROW_KEYS, "v", "n", "ss"])
        return self.by_item.get(item_id, empty)

    def op_pos(self, item_id: str) -> np.ndarray:
        """Each of the item's rows' org-period, in org_periods order (-1: not an org-period)."""
        if item_id not in self._op_pos:
            own = self.rows(item_id)
            self._op_pos[item_id] = self.op_index.get_indexer(
                pd.MultiIndex.from_frame(own[ORG_KEYS])
            )
        return self._op_pos[item_id]

    def status(self, item: Any) -> np.ndarray:
        """Why the item is missing at each org-period (None when complete), in org_periods order.

        Only `sum` items can be blank in a present file; the others share their dataset's.
        """
        own = self.rows(item.id)
        blank = own[own["v"].isna() & (own["org_type"] == ICB) & (own["breakdown"] == TOTAL)]
        key = item.id if item.aggregation == "sum" and len(blank) else f"dataset:{item.dataset}"
        if key not in self._status:
            pres = self.presence.loc[self.presence["dataset"] == item.dataset]
            present = self.icb_month.isin(pd.MultiIndex.from_frame(pres[["icb_code", "period"]]))
            why = np.where(present, None, f"no {item.dataset} submission").astype(object)
            if key == item.id:
                gaps = pd.MultiIndex.from_frame(blank[["org_code", "period"]])
                why[present & self.icb_month.isin(gaps)] = f"{item.id} not reported"
            self._status[key] = self._reasons(why)
        return self._status[key]

    def _reasons(self, why: np.ndarray) -> np.ndarray:
        out = np.full(len(self.org_periods), None, dtype=object)
        bad_rows = np.flatnonzero(pd.notna(why))
        per_op: dict[int, list[int]] = {}
        for row in bad_rows:
            per_op.setdefault(int(self.op_of[row]), []).append(int(row))
        codes = self.orgs["icb_code"].to_numpy()
        for op, rows in per_op.items():
            first = why[rows[0]]
            if self.is_icb[op]:
                out[op] = first
                continue
            bad = sorted(codes[rows])
            listed = ", ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
            out[op] = f"{first} for {len(rows)} of {self.members[op]} ICBs ({listed})"
        return out

    def lineage(self, sources: tuple) -> tuple[np.ndarray, pd.DataFrame]:
        """Lineage keys in org_periods order, and the key -> revision ids table."""
        if sources not in self._lineage:
            revs = org_revisions(self.orgs, self.presence, sources)
            if revs.empty:
                keys, table = pd.Series(dtype=object), _empty_lineage()
            else:
                keys, table = keyed(revs)
            revs = revs.assign(revisions=keys.to_numpy())[[*ORG_KEYS, "revisions"]]
            aligned = self.org_periods.merge(revs, on=ORG_KEYS, how="left")["revisions"]
            self._lineage[sources] = (aligned.to_numpy(dtype=object), table)
        return self._lineage[sources]


def _put_item(
    grid: pd.DataFrame, groups: pd.DataFrame, inputs: Inputs, item_id: str, prefix: str
) -> None:
    """Left-join the item's v, n, ss onto the grid (org-period-major x groups) by position."""
    own = inputs.rows(item_id)
    per_op = len(groups)
    g = pd.MultiIndex.from_frame(groups).get_indexer(
        pd.MultiIndex.from_frame(own[["breakdown", "group"]])
    )
    op = inputs.op_pos(item_id)
    hit = (op >= 0) & (g >= 0)
    pos = op[hit] * per_op + g[hit]
    for col in ("v", "n", "ss"):
        out = np.full(len(grid), np.nan)
        out[pos] = own[col].to_numpy(dtype="float64", na_value=np.nan)[hit]
        grid[f"{prefix}_{col}"] = out


def _value_of(agg: str, v: pd.Series, n: pd.Series) -> pd.Series:
    if agg == "mean":
        return v / n.where(n > 0)
    return v


def metric_rows(
    metric: Any, item_defs: Mapping[str, Any], inputs: Inputs
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tidy result rows for one metric, and the lineage table they refer to."""
    num = item_defs[metric.numerator]
    den = item_defs[metric.denominator] if metric.denominator else None
    used = [num] + ([den] if den is not None else [])
    groups = _groups(metric, [inputs.rows(i.id) for i in used])
    per_op = len(groups)
    grid = inputs.org_periods.merge(groups, how="cross")  # org-period-major, like org_periods
    _put_item(grid, groups, inputs, num.id, "a")
    grid["ra"] = np.repeat(inputs.status(num), per_op)
    if den is not None:
        _put_item(grid, groups, inputs, den.id, "b")
        grid["rb"] = np.repeat(inputs.status(den), per_op)
        missing = grid["ra"].where(grid["ra"].notna(), grid["rb"])
    else:
        missing = grid["ra"]
    ok = missing.isna()
    for prefix, item in (("a", num), ("b", den)):
        if item is None:
            continue
        fill = [f"{prefix}_n"] if item.aggregation == "quantile" else [f"{prefix}_v"]
        if item.aggregation == "mean":
            fill += [f"{prefix}_n", f"{prefix}_ss"]
        for col in fill:
            grid[col] = grid[col].where(~(ok & grid[col].isna()), 0)
    mult = float(metric.multiplier)
    a_val = _value_of(num.aggregation, grid["a_v"].astype(float), grid["a_n"].astype(float))
    sd = pd.Series(np.nan, index=grid.index)
    if metric.kind == "value":
        if num.aggregation in ("mean", "quantile"):
            numerator, denominator = grid["a_v"].astype(float), grid["a_n"].astype(float)
        else:
            numerator, denominator = grid["a_v"].astype(float), pd.Series(np.nan, grid.index)
        value = a_val * mult
        if num.aggregation == "mean":
            n = grid["a_n"].astype(float)
            var = (grid["a_ss"].astype(float) - grid["a_v"].astype(float) ** 2 / n) / (n - 1)
            sd = np.sqrt(var.clip(lower=0).where(n > 1)) * abs(mult)
        why_null = "no records"
    else:
        assert den is not None
        b_val = _value_of(den.aggregation, grid["b_v"].astype(float), grid["b_n"].astype(float))
        numerator, denominator = a_val, b_val
        if metric.kind == "ratio":
            value = a_val / b_val.where(b_val != 0) * mult
            why_null = "denominator is zero"
        else:
            value = (a_val - b_val) * mult
            why_null = "no records"
    missing = missing.where(~(ok & value.isna()), why_null)
    gone = missing.notna()
    out = grid[ROW_KEYS].copy()
    out.insert(0, "metric_id", metric.id)
    out["numerator"] = numerator.where(ok)
    out["denominator"] = denominator.where(ok)
    out["value"] = value.where(~gone)
    out["missing_reason"] = missing.astype(object).where(gone, None)
    sources = [(i.dataset, i.aggregation == "open_at_period_end") for i in used]
    revs, table = inputs.lineage(tuple(sorted(set(sources))))
    out["revisions"] = np.repeat(revs, per_op)
    out["sd"] = sd.to_numpy()
    return out[RESULT_COLUMNS], table


def _empty_lineage() -> pd.DataFrame:
    return pd.DataFrame({"lineage_key": pd.Series(dtype=object), "revision_ids": []})


def assemble(
    metrics: Sequence[Any],
    item_defs: Mapping[str, Any],
    items: pd.DataFrame,
    orgs: pd.DataFrame,
    presence: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All metrics' rows (sorted) and the lineage table."""
    frames, lineages = [], []
    inputs = Inputs(items, orgs, presence)
    for metric in metrics:
        rows, lin = metric_rows(metric, item_defs, inputs)
        frames.append(rows)
        lineages.append(lin)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RESULT_COLUMNS)
    out = out.sort_values(["metric_id", *ROW_KEYS], kind="stable").reset_index(drop=True)
    lineage = pd.concat(lineages, ignore_index=True) if lineages else _empty_lineage()
    return out, lineage.drop_duplicates("lineage_key").reset_index(drop=True)
