"""Cancer 62-day standard by ICB (Cancer Waiting Times, commissioner-based), July snapshots.

Reads `cancer_62day_icb_july_2021_2024.csv` into one row per ICB × month with
`treated_total`, `treated_within_62_days`, `treated_after_62_days` and `pct_within_62_days`.
ICB codes are checked against the ONS 2022 lookup; an unknown code is an error, since this
file is already at ICB level and every code should be one of the 42.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oversight.collect.importers.lookups import load_icb22
from oversight.collect.importers.source import (
    ImportFormatError,
    monthly_period,
    numeric,
    read_checked_csv,
    require_values,
    resolve,
)

FILE = "cancer_62day_icb_july_2021_2024.csv"
COLUMNS = ("period", "icb_code", "standard", "cancer_type", "measure", "value")
MEASURES = ("treated_total", "treated_within_62_days", "treated_after_62_days")


def read_cancer_62day(path: str | Path, *, lookups: str | Path | None = None) -> pd.DataFrame:
    """Tidy 62-day standard (all cancers): period, icb_code, region_code, counts, percentage."""
    file = resolve(path, FILE)
    raw = read_checked_csv(file, COLUMNS, dtype={"icb_code": "string"})
    raw["value"] = numeric(file, raw, "value")
    require_values(file, raw, "measure", MEASURES)
    rows = raw.loc[raw["cancer_type"] == "ALL CANCERS"].assign(
        period=lambda f: monthly_period(file, f)
    )
    wide = (
        rows.pivot_table(
            index=["period", "icb_code"], columns="measure", values="value", aggfunc="sum"
        )
        .reindex(columns=list(MEASURES))
        .fillna(0)
        .astype("int64")
    )
    wide = wide.reset_index()
    wide.columns.name = None
    split = wide["treated_within_62_days"] + wide["treated_after_62_days"]
    if (split != wide["treated_total"]).any():
        bad = wide.loc[split != wide["treated_total"]].iloc[0]
        raise ImportFormatError(
            f"{file}: {bad['icb_code']} {bad['period']:%Y-%m}: within + after 62 days "
            f"≠ treated_total {bad['treated_total']}"
        )
    icbs = load_icb22(lookups if lookups is not None else file.parent)
    unknown = sorted(set(wide["icb_code"]) - set(icbs["icb_code"]))
    if unknown:
        raise ImportFormatError(f"{file}: ICB code(s) not in the 2022 lookup: {', '.join(unknown)}")
    out = wide.merge(icbs.loc[:, ["icb_code", "region_code"]], on="icb_code", how="left")
    return out.assign(
        pct_within_62_days=100.0 * out["treated_within_62_days"] / out["treated_total"]
    )
