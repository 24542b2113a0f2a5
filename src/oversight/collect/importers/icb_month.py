"""Aggregate an imported provider table to ICB × month, the grain of the platform's returns.

The result has the lake's shared columns (`icb_code`, `period` as a date, first of the month)
plus one count column per requested item, so it can be submitted as an aggregate return.
Rows that cannot be given one of the target ICBs are returned separately with a reason,
never dropped silently:

* `no ICB for provider`: the provider is not in the trust lookup;
* `ICB not in configuration`: the provider's ICB is a 2026 merged ICB formed from several
  of the target ICBs (e.g. `Z9B2Z` = QMJ + QRV), so the trust cannot be placed in one of
  them. A merged ICB with exactly one predecessor among the targets maps to it.

Given the catalogue, the configuration is the catalogue's own, month by month: a row keeps
its ICB only if the catalogue has that ICB in existence in the row's month (an ICB not yet
formed maps to its one predecessor, as above), so a code from a published file that is not
an ICB of that month (unknown, retired, or not a code at all) is left out with its reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from oversight.collect.organisations import overlaps
from oversight.period import Period

if TYPE_CHECKING:
    from oversight.catalogue import ICB, Catalogue

NO_ICB = "no ICB for provider"
NOT_IN_CONFIGURATION = "ICB not in configuration"


@dataclass(frozen=True)
class IcbMonth:
    """ICB × month rows, and the provider rows left out with their reason and summed items."""

    table: pd.DataFrame
    unmapped: pd.DataFrame


def to_icb_month(
    table: pd.DataFrame,
    items: Mapping[str, str] | Sequence[str],
    *,
    icb_codes: Collection[str] | None = None,
    predecessors: Mapping[str, Sequence[str]] | None = None,
    code_column: str = "org_code",
    catalogue: Catalogue | None = None,
) -> IcbMonth:
    """Sum `items` (output column ← input column, or the same names) per ICB and month.

    `icb_codes` is the target configuration (e.g. the catalogue's 42 ICBs); None keeps every
    ICB code as found. `predecessors` maps a merged ICB to the ICBs it was formed from.
    `catalogue` instead checks each row's ICB against the catalogue in the row's month.
    """
    mapping = dict(items) if isinstance(items, Mapping) else {c: c for c in items}
    missing = [c for c in ("icb_code", "period", *mapping.values()) if c not in table.columns]
    if missing:
        raise KeyError(f"table has no column(s) {', '.join(missing)} to aggregate")
    icb = table["icb_code"].astype("string")
    if catalogue is not None:
        icb = _catalogue_icbs(catalogue, icb, table["period"])
    if icb_codes is not None and predecessors:
        targets = set(icb_codes)
        single = {
            code: inside[0]
            for code, before in predecessors.items()
            if len(inside := [c for c in before if c in targets]) == 1
        }
        icb = icb.map(lambda c: single.get(c, c) if isinstance(c, str) else c).astype("string")
    reason = pd.Series(pd.NA, index=table.index, dtype="string")
    reason[table["icb_code"].isna()] = NO_ICB
    reason[reason.isna() & icb.isna()] = NOT_IN_CONFIGURATION
    if icb_codes is not None:
        reason[icb.notna() & ~icb.isin(list(icb_codes))] = NOT_IN_CONFIGURATION
    as_found = table["icb_code"].astype("string")
    work = table.assign(icb_code=icb.where(reason.isna(), as_found))  # left out: code as found
    kept = work.loc[reason.isna()]
    grouped = kept.groupby(["icb_code", "period"])[list(mapping.values())].sum()
    out = grouped.rename(columns={v: k for k, v in mapping.items()}).reset_index()
    out["period"] = pd.to_datetime(out["period"]).dt.date
    left = work.loc[reason.notna()].assign(reason=reason[reason.notna()])
    keys = list(dict.fromkeys(c for c in (code_column, "icb_code", "reason") if c in left.columns))
    unmapped = left.groupby(keys, dropna=False)[list(mapping.values())].sum().reset_index()
    return IcbMonth(
        table=out.sort_values(["period", "icb_code"], ignore_index=True), unmapped=unmapped
    )


def _catalogue_icbs(catalogue: Catalogue, icb: pd.Series, period: pd.Series) -> pd.Series:
    """Each row's ICB as the catalogue has it in the row's month: itself, or the one
    predecessor of an ICB not yet formed; null when the catalogue has no such ICB then."""
    every = {**getattr(catalogue, "icbs", {}), **getattr(catalogue, "merged_icbs", {})}
    months = pd.to_datetime(period).dt.to_period("M").dt.to_timestamp()
    pairs = pd.DataFrame({"icb": icb, "month": months})
    known: dict[tuple[str, pd.Timestamp], str | None] = {}
    for code, month in pairs.dropna().drop_duplicates().itertuples(index=False):
        span = Period.of(month.date())
        known[(code, month)] = _in_month(every, str(code), span.start, span.end)
    resolved = [
        known.get((c, m)) if isinstance(c, str) else None
        for c, m in zip(pairs["icb"], pairs["month"], strict=True)
    ]
    return pd.Series(resolved, index=icb.index, dtype="string")


def _in_month(every: Mapping[str, ICB], code: str, start: dt.date, end: dt.date) -> str | None:
    entry = every.get(code)
    if entry is None:
        return None
    if overlaps(entry, start, end):
        return code
    before = [
        p
        for p in getattr(entry, "predecessor_codes", ()) or ()
        if p in every and overlaps(every[p], start, end)
    ]
    return before[0] if len(before) == 1 else None
