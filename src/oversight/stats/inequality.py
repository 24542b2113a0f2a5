"""Slope and relative index of inequality, as PHEindicatormethods ``phe_sii``.

Quantiles are ordered from most deprived (1) to least. Each quantile gets its
population share a and relative rank b (midpoint of its cumulative share); the
fit is weighted least squares through the origin, y·√a = β0·√a + β1·b·√a, so
SII = β1 and the intercept is β0. The confidence interval is Monte-Carlo: every
repetition draws each quantile from N(value, se) on the link scale, refits (one
matrix product for all repetitions) and the bounds are order statistics. Draws
use ``numpy.random.Generator(seed)``; they cannot match R's random stream, so
the interval agrees with the reference within Monte-Carlo error, not exactly.

Reference: Low A, Low A. Measuring the gap: quantifying and comparing local
health inequalities. J Public Health 2004;26:388-395.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.special import ndtri

from oversight.stats import _validate as v
from oversight.stats._validate import FloatArray

#: phe_sii derives standard errors from 95% limits whatever ``confidence`` is: qnorm(0.975).
SE_Z = float(ndtri(0.975))
MIN_QUANTILES, MAX_QUANTILES = 5, 100
MIN_REPETITIONS = 1000

Link = tuple[Callable[[FloatArray], FloatArray], Callable[[FloatArray], FloatArray]]


def _expit(x: FloatArray) -> FloatArray:
    e = np.exp(x)
    return e / (1 + e)


_LINKS: dict[int, Link] = {
    0: (lambda y: y, lambda y: y),
    1: (np.log, np.exp),
    2: (lambda y: np.log(y / (1 - y)), _expit),
}


def ci_suffix(level: float, transform: bool) -> str:
    """PHE's column suffix: 95_0cl (transform=False) or 95_0 (transform=True)."""
    return f"{level * 100:.1f}".replace(".", "_") + ("" if transform else "cl")


def _matrix(name: str, values: ArrayLike | None, shape: tuple[int, ...] | None) -> FloatArray:
    arr = v.as_array(name, values)  # type: ignore[arg-type]
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name}: expected 1-D (quantiles) or 2-D (areas × quantiles)")
    wide = arr[np.newaxis, :] if arr.ndim == 1 else arr
    if shape is not None and wide.shape != shape:
        raise ValueError(f"{name}: shape {arr.shape} does not match values shape {shape}")
    return wide


def _caller(arr: FloatArray, one_area: bool) -> FloatArray:
    """The array as the caller gave it, so error indexes match their input."""
    return arr[0] if one_area else arr


def _standard_errors(
    value_type: int, transform: bool, se: ArrayLike | None, lower: ArrayLike | None,
    upper: ArrayLike | None, shape: tuple[int, ...], one_area: bool,
) -> FloatArray:  # fmt: skip
    """se as given, or (U − L)/(2·1.959964) after moving the 95% limits to the link scale."""
    if transform and se is not None:
        raise ValueError("se: must be omitted when transform=True (give lower and upper)")
    if se is not None:
        s = _matrix("se", se, shape)
        v.nonnegative("se", _caller(s, one_area))
        return s
    if lower is None or upper is None:
        raise ValueError("lower: give se, or both lower and upper 95% confidence limits")
    lo, hi = _matrix("lower", lower, shape), _matrix("upper", upper, shape)
    _check_domain("lower", _caller(lo, one_area), value_type)
    _check_domain("upper", _caller(hi, one_area), value_type)
    link = _LINKS[value_type][0]
    with np.errstate(divide="ignore"):
        return (link(hi) - link(lo)) / SE_Z / 2


def _check_domain(name: str, arr: FloatArray, value_type: int) -> None:
    """Rates need > 0 (log); proportions need 0 < p < 1 (logit)."""
    if value_type == 1:
        v.fail_where(arr <= 0, name, "rate must be above 0 for the log scale")
    elif value_type == 2:
        v.fail_where((arr <= 0) | (arr >= 1), name, "proportion must be inside (0, 1)")


def _design(population: FloatArray) -> tuple[FloatArray, FloatArray]:
    """√a and b·√a per quantile: a = share of population, b = cumulative midpoint."""
    a = population / population.sum()
    before = np.concatenate([[0.0], np.cumsum(a)[:-1]])
    b = a / 2 + before
    sqrt_a = np.sqrt(a)
    return sqrt_a, b * sqrt_a


def _fit_matrix(sqrt_a: FloatArray, b_sqrt_a: FloatArray) -> FloatArray:
    """(XᵀX)⁻¹Xᵀ for X = [√a, b√a]: coefficients for any weighted y in one product."""
    x = np.column_stack([sqrt_a, b_sqrt_a])
    return np.asarray(np.linalg.solve(x.T @ x, x.T), dtype=np.float64)


def _order_stat(sorted_draws: FloatArray, confidence: float) -> tuple[float, float]:
    """R: sort(draws)[round(R·α/2)] and [round(R·(1 − α/2))], 1-based, half to even."""
    reps = sorted_draws.size
    upper_p = confidence + (1 - confidence) / 2
    lo_pos = max(int(np.round(reps * (1 - upper_p))), 1)
    hi_pos = max(int(np.round(reps * upper_p)), 1)
    return float(sorted_draws[lo_pos - 1]), float(sorted_draws[hi_pos - 1])


def _one_area(
    tv: FloatArray, se: FloatArray, pop: FloatArray, *, value_type: int, transform: bool,
    levels: tuple[float, ...], repetitions: int, rng: np.random.Generator, mult: float,
) -> dict[str, float]:  # fmt: skip
    inverse = _LINKS[value_type][1]
    sqrt_a, b_sqrt_a = _design(pop)
    fit = _fit_matrix(sqrt_a, b_sqrt_a)
    y = tv if transform else inverse(tv)
    beta0, beta1 = fit @ (y * sqrt_a)
    draws = tv + se * rng.standard_normal((repetitions, tv.size))
    if not transform:
        draws = inverse(draws)
    coef = (draws * sqrt_a) @ fit.T
    out: dict[str, float] = {}
    if not transform:
        out["sii"] = mult * beta1
        out["rii"] = (beta0 + beta1) / beta0
        out["intercept"] = beta0
        sims = {"sii": np.sort(coef[:, 1] * mult)}
        rii_sim = (coef[:, 1] + coef[:, 0]) / coef[:, 0]
        if mult < 0:
            out["rii"] = 1 / out["rii"]
            rii_sim = 1 / rii_sim
        sims["rii"] = np.sort(rii_sim)
        for level in levels:
            suffix = ci_suffix(level, transform)
            for stat, sorted_draws in sims.items():
                lo, hi = _order_stat(sorted_draws, level)
                out[f"{stat}_lower{suffix}"], out[f"{stat}_upper{suffix}"] = lo, hi
        return out
    at0, at1 = inverse(np.array(beta0)), inverse(np.array(beta0 + beta1))
    out["sii"] = float((at1 - at0) * mult)
    out["rii"] = float(1 / (at1 / at0) if mult < 0 else at1 / at0)
    out["intercept"] = float(at0 * abs(mult))
    half = (beta0 + (beta0 + beta1)) / 2
    swap = mult < 1 if value_type == 1 else mult < 0  # the reference's thresholds differ
    slopes = np.sort(coef[:, 1])
    for level in levels:
        s_lo, s_hi = _order_stat(slopes, level)
        ends = {
            "l": (inverse(np.array(half - s_lo / 2)), inverse(np.array(half + s_lo / 2))),
            "u": (inverse(np.array(half - s_hi / 2)), inverse(np.array(half + s_hi / 2))),
        }
        first, second = ("u", "l") if swap else ("l", "u")
        suffix = ci_suffix(level, transform)
        for bound, key in (("lower", first), ("upper", second)):
            y0, y1 = ends[key]
            out[f"sii_{bound}{suffix}"] = float((y1 - y0) * mult)
            out[f"rii_{bound}{suffix}"] = float(1 / (y1 / y0) if swap else y1 / y0)
    return out


def sii(
    values: ArrayLike,
    population: ArrayLike,
    *,
    se: ArrayLike | None = None,
    lower: ArrayLike | None = None,
    upper: ArrayLike | None = None,
    value_type: int = 0,
    transform: bool = False,
    confidence: float | Sequence[float] = 0.95,
    repetitions: int = 100_000,
    seed: int | np.random.Generator | None = None,
    rii: bool = False,
    multiplier: float = 1,
) -> pd.DataFrame:
    """Slope index of inequality per area (``phe_sii`` semantics).

    ``values`` and ``population`` are 1-D (one area) or 2-D (areas × quantiles),
    quantiles ordered most deprived first, 5 to 100 of them, every population > 0.
    Give ``se`` or the 95% ``lower``/``upper`` limits (moved to log scale for
    value_type 1 rates and logit scale for value_type 2 proportions).
    Returns one row per area: sii, intercept, the SII bounds (and rii with its
    bounds when ``rii``), columns named as the reference (``sii_lower95_0cl``;
    ``sii_lower95_0`` when transform=True). ``attrs`` records the method.
    """
    levels = v.confidence_levels(confidence, exact_pair=False)
    mult = v.multiplier_value(multiplier)
    if value_type not in _LINKS:
        raise ValueError(f"value_type: {value_type!r} must be 0, 1 or 2")
    if transform and value_type == 0:
        raise ValueError("transform: needs value_type 1 (rate) or 2 (proportion)")
    if int(repetitions) != repetitions or repetitions < MIN_REPETITIONS:
        raise ValueError(f"repetitions: {repetitions!r} must be a whole number >= 1000")
    vals = _matrix("values", values, None)
    if not MIN_QUANTILES <= vals.shape[1] <= MAX_QUANTILES:
        raise ValueError(f"values: {vals.shape[1]} quantiles given, between 5 and 100 needed")
    one_area = np.ndim(values) == 1
    pop = _matrix("population", population, vals.shape)
    v.positive("population", _caller(pop, one_area))
    _check_domain("values", _caller(vals, one_area), value_type)
    ses = _standard_errors(value_type, transform, se, lower, upper, vals.shape, one_area)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    link = _LINKS[value_type][0]
    rows = [
        _one_area(link(vals[i]), ses[i], pop[i], value_type=value_type, transform=transform,
                  levels=levels, repetitions=int(repetitions), rng=rng, mult=mult)
        for i in range(vals.shape[0])
    ]  # fmt: skip
    frame = pd.DataFrame(rows)
    order = ["sii", *sorted(c for c in frame.columns if c.startswith("sii_"))]
    if rii:
        order += ["rii", *sorted(c for c in frame.columns if c.startswith("rii_"))]
    frame = frame[[*order, "intercept"]]
    frame.attrs.update(
        {
            "confidence": levels,
            "method": f"simulation {int(repetitions)} reps",
            "transform": {0: "none", 1: "log", 2: "logit"}[value_type] if transform else "none",
        }
    )
    return frame


def _per_quintile(
    quintiles: ArrayLike, numerators: ArrayLike, denominators: ArrayLike, kind: str
) -> tuple[FloatArray, FloatArray]:
    """Sum numerators and denominators per quintile 1..5 (each must be present)."""
    q = v.as_array("quintiles", quintiles).ravel()
    x = v.as_array("numerators", numerators).ravel()
    n = v.as_array("denominators", denominators).ravel()
    v.same_shape(quintiles=q, numerators=x, denominators=n)
    v.fail_where(~np.isin(q, [1, 2, 3, 4, 5]), "quintiles", "quintile must be 1 to 5")
    v.nonnegative("numerators", x)
    v.positive("denominators", n)
    if kind == "proportion":
        v.fail_where(x > n, "numerators", "numerator above denominator")
    xs = np.array([x[q == k].sum() for k in (1, 5)])
    ns = np.array([n[q == k].sum() for k in (1, 5)])
    for k, total in zip((1, 5), ns, strict=True):
        if total == 0:
            raise ValueError(f"quintiles: quintile {k} has no rows")
    return xs, ns


def quintile_gap(
    quintiles: ArrayLike,
    numerators: ArrayLike,
    denominators: ArrayLike,
    *,
    kind: str = "proportion",
    confidence: float = 0.95,
    multiplier: float = 1,
) -> pd.DataFrame:
    """Absolute and relative gap between the most (1) and least (5) deprived quintile.

    Rows are tagged with their quintile and summed per quintile. For proportions
    the absolute gap p1 − p5 has Newcombe's hybrid Wilson score interval (method
    10) and the ratio p1/p5 a log-ratio (Katz) interval with
    se = √(1/x1 − 1/n1 + 1/x5 − 1/n5). For rates the absolute gap uses the normal
    approximation with var = x1/n1² + x5/n5² and the ratio se = √(1/x1 + 1/x5).
    The ratio bounds are NaN when either quintile has no events (log undefined).
    """
    if kind not in ("proportion", "rate"):
        raise ValueError(f"kind: {kind!r} must be 'proportion' or 'rate'")
    (level,) = v.confidence_levels(confidence)
    mult = v.multiplier_value(multiplier)
    xs, ns = _per_quintile(quintiles, numerators, denominators, kind)
    p = xs / ns
    z = v.z_two_sided(level)
    gap = p[0] - p[1]
    if kind == "proportion":
        from oversight.stats.intervals import proportion_ci  # same package, no cycle

        ci = proportion_ci(xs, ns, confidence=level)
        lo, hi = ci["lowercl"].to_numpy(), ci["uppercl"].to_numpy()
        gap_lo = gap - np.sqrt((p[0] - lo[0]) ** 2 + (hi[1] - p[1]) ** 2)
        gap_hi = gap + np.sqrt((hi[0] - p[0]) ** 2 + (p[1] - lo[1]) ** 2)
        log_se2 = 1 / xs[0] - 1 / ns[0] + 1 / xs[1] - 1 / ns[1] if xs.min() > 0 else np.nan
    else:
        half = z * np.sqrt(xs[0] / ns[0] ** 2 + xs[1] / ns[1] ** 2)
        gap_lo, gap_hi = gap - half, gap + half
        log_se2 = 1 / xs[0] + 1 / xs[1] if xs.min() > 0 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = p[0] / p[1]
        spread = z * np.sqrt(log_se2)
        ratio_lo, ratio_hi = np.exp(np.log(ratio) - spread), np.exp(np.log(ratio) + spread)
    frame = pd.DataFrame(
        {
            "q1_value": [p[0] * mult], "q5_value": [p[1] * mult],
            "absolute_gap": [gap * mult], "absolute_lowercl": [gap_lo * mult],
            "absolute_uppercl": [gap_hi * mult], "relative_gap": [ratio],
            "relative_lowercl": [ratio_lo], "relative_uppercl": [ratio_hi],
        }
    )  # fmt: skip
    frame.attrs.update({"confidence": (level,), "kind": kind})
    return frame
