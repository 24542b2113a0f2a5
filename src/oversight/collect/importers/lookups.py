"""Provider → ICB → region lookups from the published ODS and ONS files.

Two configurations of ICBs meet here. The ODS trust file (`lookup_trust_icb_region_ods.csv`,
2026 snapshot) gives each trust's *current* ICB, which for some trusts is a 2026 merged ICB
(e.g. `Z9B2Z` West and North London). The ONS file (`lookup_sicbl22_icb22_nhser22_ons.csv`)
gives the 42 ICBs of 2022-2026 that the platform oversees. A provider that is not in the trust
file (independent providers, walk-in centres, closed trusts) keeps a null `icb_code` and is
listed by `unmapped_providers`: never dropped silently.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oversight.collect.importers.source import read_checked_csv, resolve

TRUST_FILE = "lookup_trust_icb_region_ods.csv"
ICB22_FILE = "lookup_sicbl22_icb22_nhser22_ons.csv"
RTT_COMMISSIONERS_FILE = "rtt_commissioners_2026_04.csv"

_TRUST_COLUMNS = ("org_code", "org_name", "nhs_region_code", "icb_code")
_ICB22_COLUMNS = ("sicbl22cdh", "icb22cdh", "icb22nm", "nhser22cdh", "nhser22nm")


def load_trust_lookup(path: str | Path) -> pd.DataFrame:
    """Trusts with their ICB (2026 configuration) and region.

    Columns: org_code, org_name, icb_code, region_code.
    """
    file = resolve(path, TRUST_FILE)
    raw = read_checked_csv(file, _TRUST_COLUMNS, dtype={c: "string" for c in _TRUST_COLUMNS})
    out = raw.loc[:, list(_TRUST_COLUMNS)].rename(columns={"nhs_region_code": "region_code"})
    return out.drop_duplicates("org_code").reset_index(drop=True)


def load_sub_icb_lookup(path: str | Path) -> pd.DataFrame:
    """Sub-ICB locations (2022) with their ICB and region.

    Columns: sub_icb_code, icb_code, icb_name, region_code, region_name.
    """
    file = resolve(path, ICB22_FILE)
    raw = read_checked_csv(file, _ICB22_COLUMNS, dtype={c: "string" for c in _ICB22_COLUMNS})
    return raw.rename(
        columns={
            "sicbl22cdh": "sub_icb_code",
            "icb22cdh": "icb_code",
            "icb22nm": "icb_name",
            "nhser22cdh": "region_code",
            "nhser22nm": "region_name",
        }
    ).loc[:, ["sub_icb_code", "icb_code", "icb_name", "region_code", "region_name"]]


def load_icb22(path: str | Path) -> pd.DataFrame:
    """The 42 ICBs of 2022-2026: icb_code, icb_name, region_code, region_name."""
    subs = load_sub_icb_lookup(path)
    cols = ["icb_code", "icb_name", "region_code", "region_name"]
    return (
        subs.loc[:, cols].drop_duplicates("icb_code").sort_values("icb_code").reset_index(drop=True)
    )


def attach_icb(
    table: pd.DataFrame, trusts: pd.DataFrame, code_column: str = "org_code"
) -> pd.DataFrame:
    """Add `icb_code` and `region_code` from the trust lookup; null for an unknown provider."""
    lookup = trusts.loc[:, ["org_code", "icb_code", "region_code"]].rename(
        columns={"org_code": code_column}
    )
    clean = table.drop(columns=[c for c in ("icb_code", "region_code") if c in table.columns])
    return clean.merge(lookup, on=code_column, how="left", validate="many_to_one")


def unmapped_providers(
    table: pd.DataFrame, code_column: str = "org_code", weight: str | None = None
) -> pd.DataFrame:
    """Providers with no ICB, with their row count (and the sum of `weight`), largest first."""
    rows = table.loc[table["icb_code"].isna()]
    agg: dict[str, tuple[str, str]] = {"rows": (code_column, "size")}
    if weight is not None:
        agg[weight] = (weight, "sum")
    out = rows.groupby(code_column, dropna=False).agg(**agg).reset_index()
    return out.sort_values(weight or "rows", ascending=False).reset_index(drop=True)


def icb2026_predecessors(
    commissioners: str | Path, sub_icb: str | Path
) -> dict[str, tuple[str, ...]]:
    """Each 2026 ICB (RTT commissioner parent) → the 2022 ICBs its sub-ICB locations belonged to.

    A 2026 ICB whose sub-ICB locations are all new codes maps to an empty tuple; `UNKNOWN`
    (national commissioning hubs) is left out.
    """
    file = resolve(commissioners, RTT_COMMISSIONERS_FILE)
    parents = read_checked_csv(
        file,
        ("icb_code", "commissioner_code"),
        dtype={"icb_code": "string", "commissioner_code": "string"},
    )
    subs = load_sub_icb_lookup(sub_icb)
    joined = parents.merge(
        subs,
        left_on="commissioner_code",
        right_on="sub_icb_code",
        how="left",
        suffixes=("", "_2022"),
    )
    joined = joined.loc[joined["icb_code"] != "UNKNOWN"]
    return {
        str(code): tuple(sorted(str(c) for c in group["icb_code_2022"].dropna().unique()))
        for code, group in joined.groupby("icb_code")
    }
