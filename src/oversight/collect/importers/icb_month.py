"""Aggregate an imported provider table to ICB × month, the grain of the platform's returns.

The result has the lake's shared columns (`icb_code`, `period` as a date, first of the month)
plus one count column per requested item, so it can be submitted as an aggregate return.
Rows that cannot be given one of the target ICBs are returned separately with a reason,
never dropped silently:

* `no ICB for provider`: the provider is not in the trust lookup;
* `ICB not in configuration`: the provider's ICB is a 2026 merged ICB formed from several
  of the target ICBs (e.g. `Z9B2Z` = QMJ + QRV), so the trust cannot be placed in one of
  them. A merged ICB with exactly one predecessor among the targets maps to it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

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
) -> IcbMonth:
    """Sum `items` (output column ← input column, or the same names) per ICB and month.

    `icb_codes` is the target configuration (e.g. the catalogue's 42 ICBs); None keeps every
    ICB code as found. `predecessors` maps a merged ICB to the ICBs it was formed from.
    """
    mapping = dict(items) if isinstance(items, Mapping) else {c: c for c in items}
    missing = [c for c in ("icb_code", "period", *mapping.values()) if c not in table.columns]
    if missing:
        raise KeyError(f"table has no column(s) {', '.join(missing)} to aggregate")
    icb = table["icb_code"].astype("string")
    if icb_codes is not None and predecessors:
        targets = set(icb_codes)
        single = {
            code: inside[0]
            for code, before in predecessors.items()
            if len(inside := [c for c in before if c in targets]) == 1
        }
        icb = icb.map(lambda c: single.get(c, c) if isinstance(c, str) else c).astype("string")
    reason = pd.Series(pd.NA, index=table.index, dtype="string")
    reason[icb.isna()] = NO_ICB
    if icb_codes is not None:
        reason[icb.notna() & ~icb.isin(list(icb_codes))] = NOT_IN_CONFIGURATION
    work = table.assign(icb_code=icb)
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
