"""RTT incomplete pathways (NHS England "RTT full CSV data extract"), one month-end snapshot.

Reads `rtt_provider_by_icb_2026_04.csv` (provider × commissioner parent, long layout) and sums
providers within each ICB for the incomplete pathways: `total_waiting` (NHS England's
`Total All`, which includes unknown clock starts), `within_18_weeks` and the long waits over
52, 65, 78 and 104 weeks. ICB codes are the 2026 configuration (merged ICBs such as `Z9B2Z`);
`UNKNOWN` (national commissioning hubs) is kept as its own row and counted in England.
`rtt_incomplete_weeks_waiting_by_icb_2026_04.csv` gives one-week bands for medians and
92nd centiles, interpolated within the band as NHS England does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from oversight.collect.importers.lookups import (
    ICB22_FILE,
    RTT_COMMISSIONERS_FILE,
    icb2026_predecessors,
)
from oversight.collect.importers.source import (
    ImportFormatError,
    numeric,
    read_checked_csv,
    resolve,
)

PROVIDER_FILE = "rtt_provider_by_icb_2026_04.csv"
WEEKS_FILE = "rtt_incomplete_weeks_waiting_by_icb_2026_04.csv"
COLUMNS = ("period", "provider_code", "icb_code", "pathway", "measure", "value")
WEEKS_COLUMNS = ("period", "icb_code", "weeks_from", "weeks_to", "patients")
MEASURES = {
    "total": "total_waiting",
    "within_18_weeks": "within_18_weeks",
    "over_52_weeks": "over_52_weeks",
    "over_65_weeks": "over_65_weeks",
    "over_78_weeks": "over_78_weeks",
    "over_104_weeks": "over_104_weeks",
}
UNKNOWN_ICB = "UNKNOWN"
# Catalogue data items of the `rtt_monthly` collection ← columns of `read_rtt`.
CATALOGUE_ITEMS = {
    "rtt_waiting": "total_waiting",
    "rtt_waiting_within_18_weeks": "within_18_weeks",
    "rtt_waiting_over_52_weeks": "over_52_weeks",
    "rtt_waiting_over_65_weeks": "over_65_weeks",
    "rtt_waiting_over_78_weeks": "over_78_weeks",
}


def read_rtt(path: str | Path, *, lookups: str | Path | None = None) -> pd.DataFrame:
    """Incomplete pathways per ICB: period (month start), icb_code, icb_name, icb22_codes, counts.

    `icb22_codes` lists the 2022 ICBs whose sub-ICB locations make up each 2026 ICB ("QMJ+QRV"
    for West and North London), from the RTT commissioner lookup and the ONS 2022 lookup.
    """
    file = resolve(path, PROVIDER_FILE)
    raw = read_checked_csv(file, COLUMNS, dtype={"provider_code": "string", "icb_code": "string"})
    raw["value"] = numeric(file, raw, "value")
    rows = raw.loc[(raw["pathway"] == "incomplete") & raw["measure"].isin(list(MEASURES))]
    if not (rows["measure"] == "total").any():
        raise ImportFormatError(f"{file}: no incomplete-pathway rows with measure 'total'")
    snapshot = _single_period(file, rows)
    wide = rows.pivot_table(index="icb_code", columns="measure", values="value", aggfunc="sum")
    # Zero values are not published in this file (except `total`): absent means 0.
    wide = wide.reindex(columns=list(MEASURES)).fillna(0).astype("int64").rename(columns=MEASURES)
    wide = wide.reset_index()
    wide.columns.name = None
    wide.insert(0, "period", snapshot.to_period("M").to_timestamp())
    wide["pct_within_18_weeks"] = 100.0 * wide["within_18_weeks"] / wide["total_waiting"]
    return _with_names(wide, Path(lookups) if lookups is not None else file.parent)


def _single_period(file: Path, rows: pd.DataFrame) -> pd.Timestamp:
    periods = rows["period"].dropna().unique()
    if len(periods) != 1:
        raise ImportFormatError(f"{file}: expected one month-end snapshot, found {len(periods)}")
    return pd.Timestamp(periods[0])


def _with_names(wide: pd.DataFrame, lookups: Path) -> pd.DataFrame:
    commissioners = resolve(lookups, RTT_COMMISSIONERS_FILE)
    names = read_checked_csv(
        commissioners, ("icb_code", "icb_name"), dtype={"icb_code": "string", "icb_name": "string"}
    )
    names = names.loc[:, ["icb_code", "icb_name"]].drop_duplicates("icb_code")
    predecessors = icb2026_predecessors(commissioners, resolve(lookups, ICB22_FILE))
    out = wide.merge(names, on="icb_code", how="left")
    out["icb22_codes"] = out["icb_code"].map(lambda c: "+".join(predecessors.get(c, ())) or pd.NA)
    first = ["period", "icb_code", "icb_name", "icb22_codes"]
    return out.loc[:, first + [c for c in out.columns if c not in first]]


def rtt_england(table: pd.DataFrame) -> pd.DataFrame:
    """England: the sum over every ICB row, `UNKNOWN` included, with the 18-week percentage."""
    counts = [c for c in MEASURES.values()]
    eng = table.groupby("period")[counts].sum().reset_index()
    eng.insert(1, "icb_code", "ENGLAND")
    return eng.assign(pct_within_18_weeks=100.0 * eng["within_18_weeks"] / eng["total_waiting"])


def read_rtt_weeks(path: str | Path) -> pd.DataFrame:
    """Weekly bands of incomplete pathways per ICB; `weeks_to` is null for the open 104+ band."""
    file = resolve(path, WEEKS_FILE)
    raw = read_checked_csv(file, WEEKS_COLUMNS, dtype={"icb_code": "string"})
    for column in ("weeks_from", "patients"):
        raw[column] = numeric(file, raw, column)
    raw["weeks_to"] = pd.to_numeric(raw["weeks_to"], errors="coerce")
    return raw


def waiting_percentile(weeks: pd.DataFrame, q: float) -> pd.Series:
    """Weeks waited at quantile `q` per ICB, interpolated linearly within the one-week band.

    Falls at the lower bound (104) when the quantile lies in the open-ended band.
    """

    def one(group: pd.DataFrame) -> float:
        g = group.sort_values("weeks_from")
        cum = g["patients"].cumsum().to_numpy()
        target = q * cum[-1]
        i = int(np.searchsorted(cum, target, side="left"))
        band = g.iloc[i]
        if pd.isna(band["weeks_to"]):
            return float(band["weeks_from"])
        before = cum[i - 1] if i > 0 else 0.0
        width = band["weeks_to"] - band["weeks_from"]
        return float(band["weeks_from"] + width * (target - before) / band["patients"])

    return weeks.groupby("icb_code").apply(one, include_groups=False).rename(f"p{q * 100:g}_weeks")
