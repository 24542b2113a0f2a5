"""Funnel plots with overdispersion, FunnelPlotR semantics (Spiegelhalter 2005).

``funnel`` sums rows per label, computes z-scores, trims them (SHMI truncation
or Winsorisation), estimates phi and tau², picks adjusted or unadjusted limits,
flags outliers strictly outside the chosen limits and builds a plotting grid.

One deliberate deviation from FunnelPlotR: SR/CQC adjusted limits are squared
back to the ratio scale, (1 ∓ z·√(1/(4E) + tau²))² × multiplier; FunnelPlotR
leaves them on the square-root scale (see docs/methodology/funnel.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.special import gammaincinv

from oversight.stats import _validate as v
from oversight.stats import overdispersion as od
from oversight.stats._validate import FloatArray

#: FunnelPlotR's written z constants for 95% and 99.8% limits.
Z95 = 1.959964
Z998 = 3.090232
#: Lower-tail probabilities of the exact Poisson limits (95%: 0.025/0.975; 99.8%: 0.001/0.999).
_TAILS = {"95": (0.025, 0.975), "99": (0.001, 0.999)}
GRID_POINTS = 1000
LIMIT_COLUMNS = ("LCL95", "UCL95", "LCL99", "UCL99")
OD_COLUMNS = ("OD95LCL", "OD95UCL", "OD99LCL", "OD99UCL")
#: FunnelPlotR's messages (R/funnel_plot.R), whitespace normalised.
MSG_NOT_ADJUSTED = "Plotting using unadjusted limits"
MSG_NO_OVERDISPERSION = (
    "No overdispersion detected, or draw_adjusted set to FALSE, plotting using unadjusted limits"
)


@dataclass(frozen=True)
class FunnelResult:
    """What a funnel plot shows.

    units: one row per (aggregated) unit, ordered by label: group, numerator,
        denominator (SHMI-rounded when applicable), rr (O/D before that rounding, as
        FunnelPlotR), z (unadjusted z-score),
        s, trimmed (Winsorised or truncated), the eight limits at its
        denominator (LCL95, UCL95, LCL99, UCL99 unadjusted; OD95LCL, OD95UCL,
        OD99LCL, OD99UCL adjusted) and outlier (1 strictly outside chosen limits).
    limits: the plotting grid, column ``denominator`` plus the same eight limits.
    phi, tau2: dispersion ratio and between-unit variance (both 0 when the caller
        passed draw_adjusted=False; otherwise as estimated, even when phi <= 1).
    target: 1 for SR, pooled Σnumerator/Σdenominator otherwise (before multiplier).
    draw_adjusted, draw_unadjusted: which limit sets are in use after the phi rules.
    limit: 95 or 99 (99.8%), the set used for the outlier flag.
    messages: notes such as the switch to unadjusted limits.
    """

    units: pd.DataFrame
    limits: pd.DataFrame
    phi: float
    tau2: float
    target: float
    draw_adjusted: bool
    draw_unadjusted: bool
    limit: int
    messages: tuple[str, ...]


def _check_options(data_type: str, sr_method: str, limit: int, trim_by: float) -> None:
    if data_type not in ("SR", "PR", "RC"):
        raise ValueError(f"data_type: {data_type!r} must be 'SR', 'PR' or 'RC'")
    if sr_method not in ("SHMI", "CQC"):
        raise ValueError(f"sr_method: {sr_method!r} must be 'SHMI' or 'CQC'")
    if limit not in (95, 99):
        raise ValueError(f"limit: {limit!r} must be 95 or 99 (99.8%)")
    if not 0 < trim_by < 0.5:
        raise ValueError(f"trim_by: {trim_by!r} must be between 0 and 0.5")


def _aggregate(
    numerator: ArrayLike, denominator: ArrayLike, labels: Sequence[object] | ArrayLike | None
) -> tuple[np.ndarray, FloatArray, FloatArray]:
    """Validate, then sum numerator and denominator per label (sorted labels)."""
    o = v.as_array("numerator", numerator).ravel()
    d = v.as_array("denominator", denominator).ravel()
    v.same_shape(numerator=o, denominator=d)
    if o.size == 0:
        raise ValueError("numerator: no units given")
    v.finite("numerator", o)
    v.finite("denominator", d)
    v.nonnegative("numerator", o)
    v.positive("denominator", d)
    if labels is None:
        return np.arange(o.size), o, d
    lab = np.asarray(labels, dtype=object).ravel()
    if lab.shape != o.shape:
        raise ValueError(f"labels: length {lab.size} does not match numerator length {o.size}")
    missing = pd.isna(lab)
    v.fail_where(np.asarray(missing), "labels", "missing label")
    summed = pd.DataFrame({"g": lab, "o": o, "d": d}).groupby("g", sort=True).sum()
    return summed.index.to_numpy(), summed["o"].to_numpy(float), summed["d"].to_numpy(float)


def _grid(denominators: FloatArray, data_type: str) -> FloatArray:
    start = 1.1 if data_type == "SR" else 3.0
    stop = float(np.ceil(denominators.max()))
    return np.unique(np.concatenate([np.linspace(start, stop, GRID_POINTS), denominators]))


def _unadjusted(x: FloatArray, data_type: str, target: float) -> list[FloatArray]:
    """LCL95, UCL95, LCL99, UCL99 without multiplier: Poisson for SR, tau²=0 otherwise."""
    if data_type != "SR":
        return _normal_limits(x, data_type, "", target, 0.0)
    out = []
    for lo_p, hi_p in _TAILS.values():
        out.append(target * gammaincinv(x, lo_p) / x)
        out.append(target * gammaincinv(x + 1, hi_p) / x)
    return out


def _normal_limits(
    x: FloatArray, data_type: str, sr_method: str, target: float, tau: float
) -> list[FloatArray]:
    """Limits on the transformed scale mapped back (adjusted when tau > 0)."""
    out = []
    for z in (Z95, Z998):
        if data_type == "SR" and sr_method == "SHMI":
            spread = z * np.sqrt(1 / x + tau)
            out += [np.exp(-spread), np.exp(spread)]
            continue
        spread = z * np.sqrt((1 / (2 * np.sqrt(x))) ** 2 + tau)
        if data_type == "SR":  # CQC, squared back: the documented deviation
            out += [(1 - spread) ** 2, (1 + spread) ** 2]
        elif data_type == "PR":
            centre = np.arcsin(np.sqrt(target))
            out += [np.sin(centre - spread) ** 2, np.sin(centre + spread) ** 2]
        else:
            out += [np.exp(np.log(target) - spread), np.exp(np.log(target) + spread)]
    return out


def _pr_guard(limits: list[FloatArray], mult: float) -> None:
    """PR monotonicity guard on the sorted grid (R/calculate_limits.R): a lower limit
    above the next point's lower limit becomes 0; an upper limit below the next
    point's upper becomes 1 × multiplier. One pass against the unguarded values."""
    for i, col in enumerate(limits):
        ahead = np.append(col[1:], np.nan)
        if i % 2 == 0:
            col[col > ahead] = 0.0
        else:
            col[col < ahead] = mult


def _limits_table(
    grid: FloatArray, data_type: str, sr_method: str, target: float, tau: float, mult: float
) -> dict[str, FloatArray]:
    plain = _unadjusted(grid, data_type, target)
    adjusted = _normal_limits(grid, data_type, sr_method, target, tau)
    columns: dict[str, FloatArray] = {"denominator": grid}
    for names, values in ((LIMIT_COLUMNS, plain), (OD_COLUMNS, adjusted)):
        values = [np.asarray(col, dtype=float) * mult for col in values]
        if data_type == "PR":
            values = [np.clip(col, 0.0, mult) for col in values]
            _pr_guard(values, mult)
        columns.update(zip(names, values, strict=True))
    return columns


def _dispersion(
    z: FloatArray, s: FloatArray, data_type: str, sr_method: str, trim_by: float
) -> tuple[float, float, np.ndarray]:
    if data_type == "SR" and sr_method == "SHMI":
        trimmed_z, trimmed = od.truncate(z, trim_by)
    else:
        trimmed_z, trimmed = od.winsorise(z, trim_by)
    kept = ~np.isnan(trimmed_z)
    phi = od.phi(trimmed_z[kept])
    return phi, od.tau2(int(kept.sum()), phi, s[kept]), trimmed


def funnel(
    numerator: ArrayLike,
    denominator: ArrayLike,
    *,
    data_type: str = "SR",
    sr_method: str = "SHMI",
    limit: int = 99,
    draw_adjusted: bool = True,
    draw_unadjusted: bool = False,
    trim_by: float = 0.1,
    multiplier: float = 1,
    shmi_rounding: bool = True,
    labels: Sequence[object] | ArrayLike | None = None,
) -> FunnelResult:
    """Spiegelhalter funnel with FunnelPlotR defaults; see :class:`FunnelResult`.

    For SR the denominator is the expected count; for PR and RC it is the
    population. Rows sharing a label are summed first. ``limit=99`` means 99.8%.
    """
    _check_options(data_type, sr_method, limit, trim_by)
    mult = v.multiplier_value(multiplier)
    groups, o, d = _aggregate(numerator, denominator, labels)
    rr = o / d  # R/aggregate_func.R: rr is fixed before the SHMI rounding below
    if data_type == "SR" and sr_method == "SHMI" and shmi_rounding:
        d = od.r_round(d, 2)
        v.positive("denominator (rounded to 2 dp)", d)
    if data_type == "PR":
        v.fail_where(o > d, "numerator", "numerator above denominator")
    target = 1.0 if data_type == "SR" else float(o.sum() / d.sum())
    z, s = od.zscores(o, d, data_type, sr_method, target)
    phi, tau, trimmed = _dispersion(z, s, data_type, sr_method, trim_by)
    # R/funnel_plot.R (FunnelPlotR >= 0.4.2): switching tests phi, and tau² is kept as
    # tau_func gave it (it can be > 0 for (n-1)/n <= phi <= 1); only a user's
    # draw_adjusted = FALSE zeroes phi and tau².
    messages: list[str] = []
    if not draw_adjusted:
        phi, tau = 0.0, 0.0
        if draw_unadjusted:
            messages.append(MSG_NOT_ADJUSTED)
    elif not draw_unadjusted and phi <= 1:
        draw_adjusted, draw_unadjusted = False, True
        messages.append(MSG_NO_OVERDISPERSION)
    table = _limits_table(_grid(d, data_type), data_type, sr_method, target, tau, mult)
    at = np.searchsorted(table["denominator"], d)
    units: dict[str, object] = {
        "group": groups, "numerator": o, "denominator": d, "rr": rr, "z": z, "s": s,
        "trimmed": trimmed,
    }  # fmt: skip
    for col in (*LIMIT_COLUMNS, *OD_COLUMNS):
        units[col] = table[col][at]
    chosen = OD_COLUMNS if draw_adjusted else LIMIT_COLUMNS
    lo, hi = chosen[0:2] if limit == 95 else chosen[2:4]
    value = rr * mult
    units["outlier"] = ((value < table[lo][at]) | (value > table[hi][at])).astype(np.int8)
    return FunnelResult(
        units=pd.DataFrame(units),
        limits=pd.DataFrame(table),
        phi=phi,
        tau2=tau,
        target=target,
        draw_adjusted=draw_adjusted,
        draw_unadjusted=draw_unadjusted,
        limit=limit,
        messages=tuple(messages),
    )
