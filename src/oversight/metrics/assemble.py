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


def item_status(
    item: Any, orgs: pd.DataFrame, presence: pd.DataFrame, items: pd.DataFrame
) -> pd.DataFrame:
    """For every org-period: why the item is missing there (null when it is complete)."""
    pres = presence.loc[presence["dataset"] == item.dataset, ["icb_code", "period"]]
    pres = pres.drop_duplicates().assign(present=True)
    m = orgs.merge(pres, on=["icb_code", "period"], how="left")
    m["present"] = m["present"].astype("boolean").fillna(False).astype(bool)
    m["why"] = np.where(m["present"], None, f"no {item.dataset} submission")
    if item.aggregation == "sum":
        own = items[
            (items["item"] == item.id)
            & (items["org_type"] == ICB)
            & (items["breakdown"] == TOTAL)
            & items["v"].isna()
        ]
        blank = own[["org_code", "period"]].rename(columns={"org_code": "icb_code"})
        blank = blank.assign(blank=True)
        m = m.merge(blank, on=["icb_code", "period"], how="left")
        unreported = m["present"] & m["blank"].astype("boolean").fillna(False).astype(bool)
        m.loc[unreported, "why"] = f"{item.id} not reported"
    m["bad"] = m["why"].notna()
    g = m.groupby(ORG_KEYS, sort=False)
    out = g.agg(members=("icb_code", "size"), bad=("bad", "sum")).reset_index()
    first_why = m[m["bad"]].groupby(ORG_KEYS, sort=False)["why"].first().rename("why")
    bad_codes = (
        m[m["bad"]]
        .groupby(ORG_KEYS, sort=False)["icb_code"]
        .agg(lambda s: ", ".join(sorted(s)[:5]) + (" …" if len(s) > 5 else ""))
    )
    out = out.merge(first_why.reset_index(), on=ORG_KEYS, how="left")
    out = out.merge(bad_codes.rename("codes").reset_index(), on=ORG_KEYS, how="left")
    reason = np.where(
        out["org_type"] == ICB,
        out["why"],
        out["why"].astype(str)
        + " for "
        + out["bad"].astype(str)
        + " of "
        + out["members"].astype(str)
        + " ICBs ("
        + out["codes"].astype(str)
        + ")",
    )
    out["missing_reason"] = np.where(out["bad"] > 0, reason, None)
    return out[[*ORG_KEYS, "missing_reason"]]


def _groups(metric: Any, items: pd.DataFrame, item_ids: Sequence[str]) -> pd.DataFrame:
    rows = [(TOTAL, TOTAL)]
    mine = items[items["item"].isin(item_ids)]
    for dim in metric.breakdowns:
        seen = set(mine.loc[mine["breakdown"] == dim, "group"].astype(str))
        expected = list(GROUPS[dim])
        rows += [(dim, g) for g in expected + sorted(seen - set(expected))]
    return pd.DataFrame(rows, columns=["breakdown", "group"])


def _item_frame(items: pd.DataFrame, item_id: str, prefix: str) -> pd.DataFrame:
    own = items.loc[items["item"] == item_id, [*ROW_KEYS, "v", "n", "ss"]]
    return own.rename(columns={"v": f"{prefix}_v", "n": f"{prefix}_n", "ss": f"{prefix}_ss"})


def _value_of(agg: str, v: pd.Series, n: pd.Series) -> pd.Series:
    if agg == "mean":
        return v / n.where(n > 0)
    return v


def metric_rows(
    metric: Any,
    item_defs: Mapping[str, Any],
    items: pd.DataFrame,
    orgs: pd.DataFrame,
    presence: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tidy result rows for one metric, and the lineage table they refer to."""
    num = item_defs[metric.numerator]
    den = item_defs[metric.denominator] if metric.denominator else None
    used = [num] + ([den] if den is not None else [])
    org_periods = orgs[ORG_KEYS].drop_duplicates()
    grid = org_periods.merge(_groups(metric, items, [i.id for i in used]), how="cross")
    grid = grid.merge(_item_frame(items, num.id, "a"), on=ROW_KEYS, how="left")
    reasons = item_status(num, orgs, presence, items).rename(columns={"missing_reason": "ra"})
    grid = grid.merge(reasons, on=ORG_KEYS, how="left")
    if den is not None:
        grid = grid.merge(_item_frame(items, den.id, "b"), on=ROW_KEYS, how="left")
        rb = item_status(den, orgs, presence, items).rename(columns={"missing_reason": "rb"})
        grid = grid.merge(rb, on=ORG_KEYS, how="left")
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
    revs = org_revisions(orgs, presence, sorted(set(sources)))
    keys, table = keyed(revs) if not revs.empty else (pd.Series(dtype=object), _empty_lineage())
    revs = revs.assign(revisions=keys.to_numpy())[[*ORG_KEYS, "revisions"]]
    out = out.merge(revs, on=ORG_KEYS, how="left")
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
    for metric in metrics:
        rows, lin = metric_rows(metric, item_defs, items, orgs, presence)
        frames.append(rows)
        lineages.append(lin)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RESULT_COLUMNS)
    out = out.sort_values(["metric_id", *ROW_KEYS], kind="stable").reset_index(drop=True)
    lineage = pd.concat(lineages, ignore_index=True) if lineages else _empty_lineage()
    return out, lineage.drop_duplicates("lineage_key").reset_index(drop=True)
