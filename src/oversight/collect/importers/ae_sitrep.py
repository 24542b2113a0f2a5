"""A&E monthly sitrep by provider (NHS England "A&E Attendances and Emergency Admissions").

Reads both published series in the long layout of /work/shared/data/real:

* 2016-19 (`ae_attendances_trust_monthly_2016_2019.csv`): period, org_code, department_type,
  measure, value.
* 2024-25 (`ae_attendances_provider_monthly_2024_2025.csv`): the same plus `attendance_kind`
  (`unplanned`, `booked`, or `all` for measures with no such split) and `department_type`
  `all` for the decision-to-admit waits, which have no department split.

The tidy output has one row per provider × department type × month with `attendances`,
`attendances_over_4hrs` and `emergency_admissions_via_ae`. Unplanned and booked attendances
are summed, which is the 2016-19 definition and the one NHS England's headline "all types"
4-hour figure uses. The 2024-25 measures that exist only for `department_type == "all"`
(decision-to-admit waits, other emergency admissions) are not carried: they are not
attendances and have no department type.
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

FILE_2024_25 = "ae_attendances_provider_monthly_2024_2025.csv"
FILE_2016_19 = "ae_attendances_trust_monthly_2016_2019.csv"
DEPARTMENT_TYPES = ("type_1", "type_2", "other")
MEASURES = ("attendances", "attendances_over_4hrs", "emergency_admissions_via_ae")
BASE_COLUMNS = ("period", "org_code", "department_type", "measure", "value")
KINDS_SUMMED = ("unplanned", "booked", "all")
# Catalogue data items of the `ae_sitrep` collection ← tidy columns, for `to_icb_month`. The
# collection's third item, ae_over_12_hours (12 hours from arrival), is not in this file.
CATALOGUE_ITEMS = {"ae_attendances": "attendances", "ae_within_4_hours": "attendances_within_4hrs"}


def read_ae_sitrep(path: str | Path, *, lookups: str | Path | None = None) -> pd.DataFrame:
    """Tidy A&E sitrep: period, org_code, department_type, counts, icb_code, region_code.

    Counts: the three MEASURES and `attendances_within_4hrs` (attendances − over 4 hours).

    `path` is a file of either series or a directory (the 2024-25 file is read from a
    directory). Providers are mapped to ICBs with the trust lookup found in `lookups`
    (default: the data file's directory); unknown providers keep a null `icb_code`.
    """
    file = resolve(path, FILE_2024_25)
    raw = read_checked_csv(file, BASE_COLUMNS, dtype={"org_code": "string", "measure": "string"})
    raw["value"] = numeric(file, raw, "value")
    require_values(file, raw, "department_type", (*DEPARTMENT_TYPES, "all"))
    if "attendance_kind" in raw.columns:
        require_values(file, raw, "attendance_kind", KINDS_SUMMED)
    rows = raw.loc[raw["measure"].isin(MEASURES) & raw["department_type"].isin(DEPARTMENT_TYPES)]
    if not (rows["measure"] == "attendances").any():
        raise ImportFormatError(f"{file}: no rows with measure 'attendances' by department type")
    rows = rows.assign(period=monthly_period(file, rows))
    wide = (
        rows.pivot_table(
            index=["period", "org_code", "department_type"],
            columns="measure",
            values="value",
            aggfunc="sum",  # sums unplanned + booked in the 2024-25 file
        )
        .reindex(columns=list(MEASURES))
        .reset_index()
    )
    wide.columns.name = None
    for measure in MEASURES:
        wide[measure] = wide[measure].astype("Int64")
    _check_breaches(file, wide)
    wide["attendances_within_4hrs"] = wide["attendances"] - wide["attendances_over_4hrs"]
    trusts = load_trust_lookup(lookups if lookups is not None else file.parent)
    return attach_icb(wide, trusts).sort_values(
        ["period", "org_code", "department_type"], ignore_index=True
    )


def _check_breaches(file: Path, wide: pd.DataFrame) -> None:
    """Over-4-hour attendances can never exceed attendances."""
    over = wide["attendances_over_4hrs"].fillna(0) > wide["attendances"].fillna(0)
    if over.any():
        row = wide.loc[over].iloc[0]
        raise ImportFormatError(
            f"{file}: {row['org_code']} {row['period']:%Y-%m} {row['department_type']}: "
            f"attendances_over_4hrs {row['attendances_over_4hrs']} > "
            f"attendances {row['attendances']}"
        )


def four_hour_performance(
    table: pd.DataFrame,
    by: tuple[str, ...] = ("period",),
    types: tuple[str, ...] = DEPARTMENT_TYPES,
) -> pd.DataFrame:
    """Percent of attendances within 4 hours, 100 × (1 − over_4hrs / attendances), per `by` group.

    The default (`by=("period",)`, all three department types, every provider) is England's
    published "all types" figure.
    """
    rows = table.loc[table["department_type"].isin(types)]
    sums = rows.groupby(list(by))[["attendances", "attendances_over_4hrs"]].sum().reset_index()
    share = sums["attendances_over_4hrs"].astype(float) / sums["attendances"].astype(float)
    return sums.assign(pct_within_4hrs=100.0 * (1.0 - share))
