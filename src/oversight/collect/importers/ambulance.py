"""Ambulance response times (NHS England Ambulance Quality Indicators, AmbSYS).

Reads `ambulance_response_times_trust_monthly_2017_2021.csv` (long layout: one row per
organisation × month × category × measure) into one row per organisation × month × category
with `incidents`, `total_response_time_sec`, `mean_response_time_sec`, `p90_response_time_sec`.
Rows come at three levels (`org_level`): `ambulance_trust`, `nhs_region` and `england`; keep
the level you need, never sum across levels. Ambulance trusts serve several ICBs, so a trust's
`icb_code` is only its host ICB (from the trust lookup); ICB-level ambulance figures cannot be
built from this file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oversight.collect.importers.lookups import attach_icb, load_trust_lookup
from oversight.collect.importers.source import (
    ImportFormatError,
    monthly_period,
    numeric,
    read_checked_csv,
    require_values,
    resolve,
)

FILE = "ambulance_response_times_trust_monthly_2017_2021.csv"
CATEGORIES = ("C1", "C1T", "C2", "C3", "C4", "all")
MEASURES = (
    "incidents",
    "total_response_time_sec",
    "mean_response_time_sec",
    "p90_response_time_sec",
)
LEVELS = ("ambulance_trust", "nhs_region", "england")
COLUMNS = ("period", "org_code", "org_name", "org_level", "category", "measure", "value")
# AmbSYS publishes means rounded to whole seconds.
MEAN_TOLERANCE_SEC = 1.0


def read_ambulance(path: str | Path, *, lookups: str | Path | None = None) -> pd.DataFrame:
    """Tidy AmbSYS: one row per organisation × month × category.

    Columns: period, org_code, org_name, org_level, category, the four MEASURES, icb_code
    (host ICB of a trust) and region_code (a trust's or a region row's own region).
    """
    file = resolve(path, FILE)
    raw = read_checked_csv(file, COLUMNS, dtype={"org_code": "string", "org_name": "string"})
    raw["value"] = numeric(file, raw, "value")
    require_values(file, raw, "category", CATEGORIES)
    require_values(file, raw, "org_level", LEVELS)
    require_values(file, raw, "measure", MEASURES)
    raw["period"] = monthly_period(file, raw)
    keys = ["period", "org_code", "org_name", "org_level", "category"]
    if raw.duplicated([*keys, "measure"]).any():
        dup = raw.loc[raw.duplicated([*keys, "measure"])].iloc[0]
        raise ImportFormatError(
            f"{file}: duplicate row for {dup['org_code']} {dup['period']:%Y-%m} "
            f"{dup['category']} {dup['measure']}"
        )
    wide = raw.pivot(index=keys, columns="measure", values="value").reindex(columns=list(MEASURES))
    wide = wide.reset_index()
    wide.columns.name = None
    wide["incidents"] = wide["incidents"].astype("Int64")
    wide["total_response_time_sec"] = wide["total_response_time_sec"].astype("Int64")
    trusts = load_trust_lookup(lookups if lookups is not None else file.parent)
    mapped = attach_icb(wide, trusts)
    # Region and England rows are not providers: they carry no ICB by construction.
    not_trust = mapped["org_level"] != "ambulance_trust"
    mapped.loc[not_trust, ["icb_code", "region_code"]] = pd.NA
    mapped.loc[mapped["org_level"] == "nhs_region", "region_code"] = mapped["org_code"]
    return mapped.sort_values([*keys], ignore_index=True)


def mean_mismatches(table: pd.DataFrame, tolerance: float = MEAN_TOLERANCE_SEC) -> pd.DataFrame:
    """Rows whose published mean differs from total ÷ incidents by more than `tolerance` seconds."""
    rows = table.dropna(subset=["incidents", "total_response_time_sec", "mean_response_time_sec"])
    rows = rows.loc[rows["incidents"] > 0]
    derived = rows["total_response_time_sec"].astype(float) / rows["incidents"].astype(float)
    gap = (derived - rows["mean_response_time_sec"].astype(float)).abs()
    return rows.loc[gap > tolerance].assign(derived_mean_sec=derived[gap > tolerance])


def england(table: pd.DataFrame) -> pd.DataFrame:
    """England rows only: one per month × category."""
    return table.loc[table["org_level"] == "england"].reset_index(drop=True)
