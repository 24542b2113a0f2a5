"""RTT waiting times for patient choice: by provider (for one ICB's patients, or all) and by
specialty, from the published returns in the lake (`rtt_providers`, `rtt_waiting_times`).

The portal shows these tables; the percentages are worked out here, not in the portal. The
stored extract has providers for all specialties and specialties by ICB, not providers by
specialty, so a specialty narrows the specialty table only (the page says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from oversight.metrics.lakefiles import list_files

ALL_SPECIALTIES = "C_999"


@dataclass(frozen=True)
class WaitingTimes:
    """The latest month's tables: providers and specialties, and the choices to filter by."""

    period: pd.Timestamp | None
    providers: pd.DataFrame
    """ods_code, provider_name, waiting, within_18_weeks_pct, over_52_weeks."""
    specialties: pd.DataFrame
    """treatment_function_code, treatment_function_name, waiting, within_18_weeks_pct,
    over_52_weeks, median_weeks (all specialties only)."""
    icbs: list[str]
    specialty_names: dict[str, str]


def _read(lake: Path, dataset: str) -> pd.DataFrame:
    files = list_files(lake, dataset)
    if not files:
        return pd.DataFrame()
    latest = max(f.period for f in files)
    frames = [pd.read_parquet(f.path) for f in files if f.period == latest]
    return pd.concat(frames, ignore_index=True)


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (100.0 * part / whole.where(whole > 0)).astype(float)


def waiting_times(
    lake: Path, icb: str | None = None, specialty: str | None = None, search: str = ""
) -> WaitingTimes:
    """The tables for `icb`'s patients (None: England) and `specialty` (None: all), providers
    whose name or code contains `search`."""
    prov = _read(lake, "rtt_providers")
    spec = _read(lake, "rtt_waiting_times")
    if prov.empty:
        empty = pd.DataFrame()
        return WaitingTimes(None, empty, empty, [], {})
    period = pd.Timestamp(prov["period"].max())
    rows = prov if icb is None else prov.loc[prov["icb_code"] == icb]
    counts = ["waiting", "waiting_within_18_weeks", "waiting_over_52_weeks"]
    by_provider = rows.groupby(["ods_code", "provider_name"], as_index=False)[counts].sum()
    if search:
        words = search.strip().lower()
        hit = by_provider["provider_name"].str.lower().str.contains(words, regex=False)
        by_provider = by_provider.loc[hit | (by_provider["ods_code"].str.lower() == words)]
    providers = pd.DataFrame(
        {
            "ods_code": by_provider["ods_code"],
            "provider_name": by_provider["provider_name"],
            "waiting": by_provider["waiting"],
            "within_18_weeks_pct": _pct(
                by_provider["waiting_within_18_weeks"], by_provider["waiting"]
            ),
            "over_52_weeks": by_provider["waiting_over_52_weeks"],
        }
    ).sort_values("waiting", ascending=False, ignore_index=True)
    specialties = pd.DataFrame()
    names: dict[str, str] = {}
    if not spec.empty:
        names = dict(
            zip(spec["treatment_function_code"], spec["treatment_function_name"], strict=True)
        )
        part = spec if icb is None else spec.loc[spec["icb_code"] == icb]
        if specialty:
            part = part.loc[part["treatment_function_code"].isin([specialty, ALL_SPECIALTIES])]
        grouped = part.groupby(
            ["treatment_function_code", "treatment_function_name"], as_index=False
        )[counts].sum()
        median = (
            part.loc[part["treatment_function_code"] == ALL_SPECIALTIES, "median_weeks"]
            if icb is not None
            else pd.Series(dtype=float)
        )
        specialties = pd.DataFrame(
            {
                "treatment_function_code": grouped["treatment_function_code"],
                "treatment_function_name": grouped["treatment_function_name"],
                "waiting": grouped["waiting"],
                "within_18_weeks_pct": _pct(grouped["waiting_within_18_weeks"], grouped["waiting"]),
                "over_52_weeks": grouped["waiting_over_52_weeks"],
                "median_weeks": [
                    float(median.iloc[0])
                    if c == ALL_SPECIALTIES and len(median) and pd.notna(median.iloc[0])
                    else None
                    for c in grouped["treatment_function_code"]
                ],
            }
        )
    icbs = sorted({str(c) for c in prov["icb_code"].dropna()})
    return WaitingTimes(period, providers.reset_index(drop=True), specialties, icbs, names)
