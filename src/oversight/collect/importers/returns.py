"""Published statistics -> the rows of the platform's return datasets (catalogue/datasets.yaml).

Each function turns an importer's tidy table into the columns of one dataset, ready to be
submitted like any return (`submit.py`): `ae_sitrep_providers` and `rtt_providers` (one row
per provider, or provider x commissioning ICB, per month), `rtt_waiting_times` and
`cancer_62day` (per ICB per month).

ICB membership is dated. A trust's ICB comes from the ODS trust file (2026 configuration);
for months before 2026-04 a trust that NHS England's ODS placed in another ICB in 2025 (the
trusts of the 2026 merged ICBs, and a few that moved) takes its 2025 ICB
(`data/trust_icb_before_2026.csv`, from the 2025 ODS snapshot). The result is then checked
against the catalogue in the row's month: a merged ICB not yet formed maps to its one
predecessor, and a code that is no ICB in that month is left null (the provider still counts
in its region and England).
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from oversight.collect.importers.icb_month import _catalogue_icbs
from oversight.collect.importers.source import ImportFormatError, read_checked_csv, resolve

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

MERGED_FROM = dt.date(2026, 4, 1)
"""The first day of the 2026 ICB configuration the ODS trust file describes."""
AE_PROVIDERS_FILE = "ae_providers_2024_2025.csv"
RTT_PROVIDERS_FILE = "rtt_providers_2026_04.csv"
TREATMENT_FUNCTIONS_FILE = "rtt_treatment_functions.csv"
ALL_SPECIALTIES = "C_999"


def earlier_icbs() -> pd.DataFrame:
    """Trusts whose ICB before 2026-04 differs from the 2026 one: org_code, icb_code_before_2026."""
    text = resources.files("oversight.collect.importers").joinpath("data/trust_icb_before_2026.csv")
    with resources.as_file(text) as path:
        return pd.read_csv(path, dtype="string")


def dated_icb(frame: pd.DataFrame, catalogue: Catalogue) -> pd.Series:
    """Each row's ICB in its month: the 2026 code from 2026-04, the 2025 one before, as the
    catalogue has it that month (one predecessor of a merged ICB; null when none)."""
    before = earlier_icbs().set_index("org_code")["icb_code_before_2026"]
    early = pd.to_datetime(frame["period"]) < pd.Timestamp(MERGED_FROM)
    icb = frame["icb_code"].astype("string")
    moved = early & frame["ods_code"].isin(before.index)
    icb = icb.where(~moved, frame["ods_code"].map(before).astype("string"))
    return _catalogue_icbs(catalogue, icb, frame["period"])


def region_codes(catalogue: Catalogue, frame: pd.DataFrame, fallback: pd.Series) -> pd.Series:
    """The region of each row's ICB in its month, else `fallback` (a region code or name)."""
    by_name = {f"NHS ENGLAND {r.name}".upper(): code for code, r in catalogue.regions.items()} | {
        code: code for code in catalogue.regions
    }
    out: list[str | None] = []
    for icb, period, other in zip(frame["icb_code"], frame["period"], fallback, strict=True):
        if isinstance(icb, str):
            out.append(catalogue.region_of(icb, pd.Timestamp(period).date()).code)
        else:
            out.append(by_name.get(str(other).strip().upper()) if isinstance(other, str) else None)
    return pd.Series(out, index=frame.index, dtype="string")


def ae_sitrep_rows(tidy: pd.DataFrame, names: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """`ae_sitrep_providers` rows from the tidy A&E table (`read_ae_monthly`/`read_ae_sitrep`).

    `names`: org_code, org_name, parent_org (region name) and publication per period and
    provider (`ae_monthly.provider_counts`, or the provider file beside the long file).
    """
    t = tidy.assign(
        type_1_attendances=tidy["attendances"].where(tidy["department_type"] == "type_1", 0),
        type_1_within_4_hours=tidy["attendances_within_4hrs"].where(
            tidy["department_type"] == "type_1", 0
        ),
    )
    counts = ["attendances", "attendances_within_4hrs", "type_1_attendances"]
    counts += ["type_1_within_4_hours", "emergency_admissions_via_ae"]
    wide = t.groupby(["period", "org_code"], as_index=False)[counts].sum()
    wide = wide.merge(
        tidy.drop_duplicates("org_code")[["org_code", "icb_code"]], on="org_code", how="left"
    )
    keyed = names.assign(period=pd.to_datetime(names["period"]))
    wide = wide.merge(keyed, on=["period", "org_code"], how="left")
    out = pd.DataFrame(
        {
            "ods_code": wide["org_code"].astype("string"),
            "period": pd.to_datetime(wide["period"]).dt.date,
            "icb_code": wide["icb_code"].astype("string"),
        }
    )
    out["icb_code"] = dated_icb(out, catalogue)
    out["provider_name"] = wide["org_name"].fillna(wide["org_code"]).astype("string")
    out["region_code"] = region_codes(catalogue, out, wide["parent_org"])
    out["attendances"] = wide["attendances"].astype("int64")
    out["attendances_within_4_hours"] = wide["attendances_within_4hrs"].astype("int64")
    out["type_1_attendances"] = wide["type_1_attendances"].astype("int64")
    out["type_1_within_4_hours"] = wide["type_1_within_4_hours"].astype("int64")
    out["emergency_admissions_via_ae"] = wide["emergency_admissions_via_ae"].astype("int64")
    dta = wide.get("waits_over_12hrs_from_decision_to_admit")
    out["waits_over_12_hours_from_decision_to_admit"] = (
        pd.Series(0, index=wide.index) if dta is None else dta.fillna(0)
    ).astype("int64")
    out["publication"] = wide["publication"].astype("string")
    _no_region(out)
    return out.sort_values(["period", "ods_code"], ignore_index=True)


def long_file_names(path: str | Path) -> pd.DataFrame:
    """Names and regions for the long A&E file, from the provider file beside it."""
    file = resolve(path, "ae_attendances_provider_monthly_2024_2025.csv")
    providers = read_checked_csv(
        resolve(file.parent, AE_PROVIDERS_FILE),
        ("org_code", "org_name", "nhs_region_name"),
        dtype=_text(("org_code", "org_name", "nhs_region_name")),
    )
    months = pd.read_csv(file, usecols=["period", "org_code"], dtype="string").drop_duplicates()
    out = months.merge(providers, on="org_code", how="left")
    return pd.DataFrame(
        {
            "period": pd.to_datetime(out["period"]),
            "org_code": out["org_code"],
            "org_name": out["org_name"],
            "parent_org": out["nhs_region_name"],
            "publication": file.name,
        }
    )


def rtt_provider_rows(path: str | Path, catalogue: Catalogue) -> pd.DataFrame:
    """`rtt_providers` rows: incomplete pathways per provider x commissioning ICB."""
    from oversight.collect.importers.rtt import COLUMNS, PROVIDER_FILE, UNKNOWN_ICB

    file = resolve(path, PROVIDER_FILE)
    raw = read_checked_csv(file, COLUMNS, dtype={"provider_code": "string", "icb_code": "string"})
    raw["value"] = pd.to_numeric(raw["value"], errors="raise")
    measures = {
        "total": "waiting",
        "within_18_weeks": "waiting_within_18_weeks",
        "over_52_weeks": "waiting_over_52_weeks",
        "over_65_weeks": "waiting_over_65_weeks",
        "over_78_weeks": "waiting_over_78_weeks",
    }
    rows = raw.loc[(raw["pathway"] == "incomplete") & raw["measure"].isin(list(measures))]
    wide = rows.pivot_table(
        index=["period", "provider_code", "icb_code"],
        columns="measure",
        values="value",
        aggfunc="sum",
    )
    wide = wide.reindex(columns=list(measures)).fillna(0).astype("int64").rename(columns=measures)
    wide = wide.reset_index()
    providers = read_checked_csv(
        resolve(file.parent, RTT_PROVIDERS_FILE),
        ("provider_code", "provider_name", "provider_parent_code"),
        dtype=_text(("provider_code", "provider_name", "provider_parent_code")),
    ).drop_duplicates("provider_code")
    wide = wide.merge(providers, on="provider_code", how="left")
    period = pd.to_datetime(wide["period"]).dt.to_period("M").dt.to_timestamp().dt.date
    icb = wide["icb_code"].where(wide["icb_code"] != UNKNOWN_ICB).astype("string")
    out = pd.DataFrame({"ods_code": wide["provider_code"], "period": period, "icb_code": icb})
    out["icb_code"] = _catalogue_icbs(catalogue, out["icb_code"], out["period"])
    out["provider_name"] = wide["provider_name"].fillna(wide["provider_code"]).astype("string")
    parent = pd.DataFrame(
        {
            "icb_code": _catalogue_icbs(
                catalogue, wide["provider_parent_code"].astype("string"), out["period"]
            ),
            "period": out["period"],
        }
    )
    out["region_code"] = region_codes(
        catalogue, out, region_codes(catalogue, parent, parent["icb_code"])
    )
    for column in measures.values():
        out[column] = wide[column]
    out["publication"] = file.name
    _no_region(out)
    return out.sort_values(["period", "ods_code", "icb_code"], ignore_index=True)


def rtt_waiting_time_rows(path: str | Path, catalogue: Catalogue) -> pd.DataFrame:
    """`rtt_waiting_times` rows: incomplete pathways per ICB x treatment function, with each
    ICB's median wait (all specialties) from the one-week bands. `UNKNOWN` (national
    commissioning) is no ICB and is left out."""
    from oversight.collect.importers.rtt import read_rtt_weeks, waiting_percentile

    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    file = resolve(folder, "rtt_icb_by_specialty_2026_04.csv")
    raw = read_checked_csv(
        file,
        ("period", "icb_code", "treatment_function_code", "pathway", "measure", "value"),
        dtype={"icb_code": "string", "treatment_function_code": "string"},
    )
    raw["value"] = pd.to_numeric(raw["value"], errors="raise")
    measures = {
        "total": "waiting",
        "within_18_weeks": "waiting_within_18_weeks",
        "over_52_weeks": "waiting_over_52_weeks",
    }
    rows = raw.loc[(raw["pathway"] == "incomplete") & raw["measure"].isin(list(measures))]
    rows = rows.loc[rows["icb_code"] != "UNKNOWN"]
    wide = rows.pivot_table(
        index=["period", "icb_code", "treatment_function_code"],
        columns="measure",
        values="value",
        aggfunc="sum",
    )
    wide = wide.reindex(columns=list(measures)).fillna(0).astype("int64").rename(columns=measures)
    wide = wide.reset_index()
    names = read_checked_csv(
        resolve(folder, TREATMENT_FUNCTIONS_FILE),
        ("treatment_function_code", "treatment_function_name"),
        dtype=_text(("treatment_function_code", "treatment_function_name")),
    )
    wide = wide.merge(names, on="treatment_function_code", how="left")
    median = waiting_percentile(read_rtt_weeks(folder), 0.5)
    whole = wide["treatment_function_code"] == ALL_SPECIALTIES
    out = pd.DataFrame(
        {
            "icb_code": wide["icb_code"].astype("string"),
            "period": pd.to_datetime(wide["period"]).dt.to_period("M").dt.to_timestamp().dt.date,
            "treatment_function_code": wide["treatment_function_code"],
            "treatment_function_name": wide["treatment_function_name"].fillna(
                wide["treatment_function_code"]
            ),
        }
    )
    for column in measures.values():
        out[column] = wide[column]
    out["median_weeks"] = wide["icb_code"].map(median).where(whole).round(1).astype("float64")
    out["publication"] = file.name
    return out.sort_values(["icb_code", "treatment_function_code"], ignore_index=True)


def cancer_rows(tidy: pd.DataFrame, file_name: str) -> pd.DataFrame:
    """`cancer_62day` rows from `read_cancer_62day`'s table."""
    return pd.DataFrame(
        {
            "icb_code": tidy["icb_code"].astype("string"),
            "period": pd.to_datetime(tidy["period"]).dt.date,
            "treated": tidy["treated_total"].astype("int64"),
            "treated_within_62_days": tidy["treated_within_62_days"].astype("int64"),
            "publication": file_name,
        }
    )


def ambulance_rows(tidy: pd.DataFrame, file_name: str) -> pd.DataFrame:
    """`ambulance_trust_responses` rows from `read_ambulance`'s table: ambulance trusts only
    (the region and England rows are the same calls added up, and are recomputed from the
    trusts). `icb_code` is null: a trust serves several ICBs. A category's count, total and
    90th centile are null where AmbSYS publishes none."""
    trusts = tidy.loc[tidy["org_level"] == "ambulance_trust"]
    out: pd.DataFrame | None = None
    for category in ("C1", "C2"):
        rows = trusts.loc[trusts["category"] == category].rename(
            columns={
                "incidents": f"{category.lower()}_incidents",
                "total_response_time_sec": f"{category.lower()}_response_seconds",
                "p90_response_time_sec": f"{category.lower()}_p90_seconds",
            }
        )
        keep = ["period", "org_code", "org_name", "region_code"]
        keep += [c for c in rows.columns if c.startswith(category.lower() + "_")]
        rows = rows[keep]
        out = rows if out is None else out.merge(
            rows, on=["period", "org_code", "org_name", "region_code"], how="outer"
        )
    assert out is not None
    frame = pd.DataFrame(
        {
            "ods_code": out["org_code"].astype("string"),
            "period": pd.to_datetime(out["period"]).dt.date,
            "icb_code": pd.Series(pd.NA, index=out.index, dtype="string"),
            "provider_name": out["org_name"].astype("string"),
            "region_code": out["region_code"].astype("string"),
        }
    )
    for c in ("c1_incidents", "c1_response_seconds", "c1_p90_seconds",
              "c2_incidents", "c2_response_seconds", "c2_p90_seconds"):
        frame[c] = pd.to_numeric(out[c]).round().astype("Int64")
    frame["publication"] = file_name
    missing = frame.loc[frame["region_code"].isna()]
    if len(missing):
        first = missing.iloc[0]
        raise ImportFormatError(
            f"{file_name}: ambulance trust {first['ods_code']} is not in the trust lookup "
            "(no NHS England region)"
        )
    return frame.sort_values(["period", "ods_code"], ignore_index=True)


def _text(columns: tuple[str, ...]) -> dict[str, str]:
    return dict.fromkeys(columns, "string")


def _no_region(rows: pd.DataFrame) -> None:
    missing = rows.loc[rows["region_code"].isna()]
    if len(missing):
        first = missing.iloc[0]
        raise ImportFormatError(
            f"{len(missing)} row(s) with no NHS England region, e.g. {first['ods_code']} "
            f"{first['period']:%Y-%m}: neither its ICB nor its published parent names a region"
        )
