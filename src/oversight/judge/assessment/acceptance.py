"""The inequality measures against the synthetic demo's injected truth (its manifest).

For the deprivation gradient: the share of the injected ICB's windows whose SII interval
excludes zero with the injected sign (decile 1 lower gives a positive SII), and the share of the
other ICBs' intervals that include zero. For the ethnicity gradient: the share of the injected
ICB's windows whose largest ethnic-group gap has the injected group lowest with an interval above
zero, against the same share elsewhere. Pure: a measures frame and the manifest in.
"""

from __future__ import annotations

from typing import Any

import pandas as pd


def _share(flags: pd.Series) -> float | None:
    return float(flags.mean()) if len(flags) else None


def imd_outcome(frame: pd.DataFrame, injection: dict[str, Any], window: str) -> dict[str, Any]:
    rows = frame[(frame["metric_id"] == injection["metric_id"]) & (frame["org_type"] == "icb")
                 & (frame["window"] == window) & frame["sii"].notna()]  # fmt: skip
    sign = 1 if str(injection["group_low"]) == "1" else -1
    mine = rows[rows["org_code"] == injection["icb_code"]]
    others = rows[rows["org_code"] != injection["icb_code"]]
    shows = (mine["sii_lower"] > 0) if sign > 0 else (mine["sii_upper"] < 0)
    zero = (others["sii_lower"] <= 0) & (others["sii_upper"] >= 0)
    return {
        "id": injection["id"], "window": window, "icb": injection["icb_code"],
        "expected_sign": "+" if sign > 0 else "-", "windows": len(mine),
        "injected_excludes_zero_with_sign": _share(shows),
        "median_sii_injected": float(mine["sii"].median()) if len(mine) else None,
        "median_sii_others": float(others["sii"].median()) if len(others) else None,
        "others_include_zero": _share(zero), "other_windows": len(others),
    }  # fmt: skip


def ethnic_outcome(frame: pd.DataFrame, injection: dict[str, Any], window: str) -> dict[str, Any]:
    rows = frame[(frame["metric_id"] == injection["metric_id"]) & (frame["org_type"] == "icb")
                 & (frame["window"] == window) & frame["ethnic_gap"].notna()]  # fmt: skip
    group = str(injection["group_low"])
    mine = rows[rows["org_code"] == injection["icb_code"]]
    others = rows[rows["org_code"] != injection["icb_code"]]

    def shows(part: pd.DataFrame) -> pd.Series:
        return (part["ethnic_low_group"] == group) & (part["ethnic_gap_lower"] > 0)

    return {
        "id": injection["id"], "window": window, "icb": injection["icb_code"], "group": group,
        "windows": len(mine), "injected_group_lowest_and_gap_above_zero": _share(shows(mine)),
        "others_same": _share(shows(others)),
        "median_gap_injected": float(mine["ethnic_gap"].median()) if len(mine) else None,
        "median_gap_others": float(others["ethnic_gap"].median()) if len(others) else None,
    }  # fmt: skip


def outcomes(frame: pd.DataFrame, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """One outcome per gradient injection and window."""
    out = []
    for inj in manifest.get("injections", []):
        if inj.get("kind") != "gradient":
            continue
        for window in sorted(set(frame["window"])):
            if inj["breakdown"] == "imd_decile":
                out.append(imd_outcome(frame, inj, window))
            elif inj["breakdown"] == "ethnicity_group":
                out.append(ethnic_outcome(frame, inj, window))
    return out
