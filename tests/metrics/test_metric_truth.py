"""The computed metrics find the truth the synthetic generator planted (docs/synth.md).

One small synthetic lake is generated and the manifest's metrics are computed once through
the real pipeline (DuckDB) and the results API. Each injection is then checked against its
size, with a tolerance of Z standard errors. Standard errors come from the result rows
themselves (binomial for proportions, sd/sqrt(n) for means). They are inflated by the
overdispersion that the ICBs without an injection show around the national shape, because
the generator adds month-to-month noise on top of sampling. The same tolerance is applied to
those control ICBs, so a tolerance that is too wide or too narrow shows up there too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from oversight.catalogue import load
from oversight.home import Home
from oversight.metrics import published
from oversight.metrics.computation import used_items
from oversight.metrics.engines import DuckDBEngine
from oversight.metrics.lakefiles import lake_periods
from oversight.metrics.organisations import OrgTree
from oversight.metrics.pipeline import run
from oversight.metrics.results import publish
from oversight.stats.inequality import sii
from oversight.stats.spc.constants import RUN_LENGTH
from oversight.synth import generate
from oversight.synth.manifest import Manifest
from oversight.synth.truth import Injection

#: Tolerance in standard errors (two-sided p about 6e-5 per check).
Z = 4.0
#: 18 months puts every step and trend start (middle third; the A&E rise 7-9 months before the
#: end, docs/synth.md) at least RUN_LENGTH points from
#: the end, so an SPC run can complete; scale 0.02 gives about 1,000 A&E attendances per
#: ICB-month (a binomial SE near 1.4 points per month).
SCALE, MONTHS, START, SEED = 0.02, 18, "2022-10", 1
CHECKED_KINDS = {"step", "trend", "gradient"}


@dataclass(frozen=True)
class TruthRun:
    manifest: Manifest
    home: Home

    def icb_rows(self, metric: str, breakdown: str = "total") -> pd.DataFrame:
        frame = published(self.home).rows(metric=metric, breakdown=breakdown)
        return frame[frame["org_type"] == "icb"].reset_index(drop=True)

    def controls(self, inj: Injection, kinds: set[str]) -> list[str]:
        """ICBs with no injection of these kinds on the metric: the national comparison."""
        taken = {i.icb_code for i in self.manifest.injections_for(inj.metric_id) if i.kind in kinds}
        return [c for c in self.manifest.icb_codes if c not in taken]


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory) -> TruthRun:
    """The lake, and the manifest's metrics computed and published as `oversight compute` does
    (only the metrics with injected truth, to keep the module quick)."""
    home = Home.at(tmp_path_factory.mktemp("truth"))
    manifest = generate(
        home.lake_dir, scale=SCALE, months=MONTHS, start=START, seed=SEED, progress=False
    )
    cat = load()
    metrics = [cat.metrics[m] for m in sorted({i.metric_id for i in manifest.injections})]
    datasets = list(used_items(metrics, cat.data_items))
    tree = OrgTree.from_catalogue(cat, lake_periods(home.lake_dir, datasets))
    engine = DuckDBEngine()
    try:
        publish(run(home.lake_dir, metrics, cat.data_items, tree, engine), home)
    finally:
        engine.close()
    return TruthRun(manifest, home)


def _month(label: str) -> dt.date:
    return dt.date.fromisoformat(f"{label}-01")


def _months_since(period: dt.date, start: dt.date) -> int:
    return (period.year - start.year) * 12 + period.month - start.month


def _variance(rows: pd.DataFrame, multiplier: float) -> pd.Series:
    """Sampling variance of each row's value: binomial for proportions, s²/n for means
    (a mean's `sd` is already in the value's unit)."""
    den = rows["denominator"].astype(float)
    if rows["sd"].notna().any():
        return rows["sd"].astype(float) ** 2 / den
    p = rows["numerator"].astype(float) / den
    return multiplier**2 * p * (1 - p) / den


def _wide(rows: pd.DataFrame, column: str, index: str = "period") -> pd.DataFrame:
    return rows.pivot(index=index, columns="org_code", values=column).sort_index()


def _multiplier(metric: str) -> float:
    return float(load().metrics[metric].multiplier)


def _injections(truth: TruthRun, kind: str) -> Iterator[Injection]:
    found = [i for i in truth.manifest.injections if i.kind == kind]
    assert found, f"the manifest has no {kind} injection to check"
    yield from found


def test_every_injection_kind_is_checked(truth: TruthRun) -> None:
    kinds = {i.kind for i in truth.manifest.injections}
    assert kinds <= CHECKED_KINDS, f"no truth check for {kinds - CHECKED_KINDS}"
    metrics = set(load().metrics)
    for inj in truth.manifest.injections:
        assert inj.metric_id in metrics, f"{inj.id}: {inj.metric_id} is not a catalogue metric"
        assert inj.icb_code in truth.manifest.icb_codes


# --- steps ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepFit:
    did: pd.Series  # per ICB: (after − before) minus the controls' mean of the same
    se: pd.Series
    phi: float


def _step_fit(truth: TruthRun, inj: Injection) -> StepFit:
    rows = truth.icb_rows(inj.metric_id)
    value = _wide(rows, "value")
    var = _wide(rows.assign(var=_variance(rows, _multiplier(inj.metric_id))), "var")
    controls = truth.controls(inj, {"step", "trend"})
    after = value.index >= _month(inj.start)
    # Overdispersion: control residuals from (own level + national month shape) vs sampling.
    shape = value[controls].mean(axis=1)
    resid = value[controls].sub(value[controls].mean()).sub(shape - shape.mean(), axis=0)
    dof = len(controls) * (len(value) - 1) - (len(value) - 1)
    phi = max(1.0, float((resid**2 / var[controls]).to_numpy().sum() / dof))
    diff = value[after].mean() - value[~after].mean()
    diff_var = phi * (var[after].sum() / after.sum() ** 2 + var[~after].sum() / (~after).sum() ** 2)
    national = diff[controls].mean()
    national_var = diff_var[controls].sum() / len(controls) ** 2
    return StepFit(diff - national, np.sqrt(diff_var + national_var), phi)


def test_steps_reproduce_injected_size(truth: TruthRun) -> None:
    for inj in _injections(truth, "step"):
        fit = _step_fit(truth, inj)
        did, se = fit.did[inj.icb_code], fit.se[inj.icb_code]
        assert abs(did - inj.size) <= Z * se, (
            f"{inj.id} in {inj.icb_code} from {inj.start}: after − before, net of the other "
            f"ICBs, is {did:.2f} not {inj.size} ± {Z * se:.2f} (SE {se:.2f}, phi {fit.phi:.2f})"
        )
        sign = np.sign(inj.size)
        assert (fit.did * sign).idxmax() == inj.icb_code, (
            f"{inj.id}: {(fit.did * sign).idxmax()} moved more than {inj.icb_code}"
        )


def test_steps_leave_other_icbs_unchanged(truth: TruthRun) -> None:
    for inj in _injections(truth, "step"):
        fit = _step_fit(truth, inj)
        controls = truth.controls(inj, {"step", "trend"})
        z = (fit.did[controls] / fit.se[controls]).abs()
        assert z.max() <= Z, (
            f"{inj.id}: {z.idxmax()} (no injection) changed by {fit.did[z.idxmax()]:.2f} "
            f"from {inj.start}, {z.max():.1f} SE"
        )
        assert abs(fit.did[controls].mean()) < 1e-9


def test_steps_are_flagged_by_spc(truth: TruthRun) -> None:
    for inj in _injections(truth, "step"):
        rows = truth.icb_rows(inj.metric_id)
        series = rows[rows["org_code"] == inj.icb_code].sort_values("period")
        after = series[series["period"] >= _month(inj.start)]
        if len(after) < RUN_LENGTH:
            pytest.skip(f"{inj.id}: {len(after)} points after the step, SPC needs {RUN_LENGTH}")
        wanted = (
            "special_cause_concern"
            if inj.direction == "deteriorate"
            else ("special_cause_improvement")
        )
        assert (after["spc_point_type"] == wanted).any(), (
            f"{inj.id} in {inj.icb_code}: no {wanted} point from {inj.start}; "
            f"got {after['spc_point_type'].tolist()}"
        )


# --- trends --------------------------------------------------------------------------------


def _wls(x: np.ndarray, y: np.ndarray, var: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Weighted least squares with known variances: coefficients, their SEs, chi-square."""
    w = 1 / var
    cov = np.linalg.inv(x.T @ (x * w[:, None]))
    beta = cov @ (x.T @ (w * y))
    return beta, np.sqrt(np.diag(cov)), float(np.sum(w * (y - x @ beta) ** 2))


def _slope_z(x: np.ndarray, y: np.ndarray, var: np.ndarray) -> float:
    """The last coefficient over its standard error."""
    beta, se, _ = _wls(x, y, var)
    return float(beta[-1] / se[-1])


def test_trends_reproduce_injected_slope(truth: TruthRun) -> None:
    """The ICB's series = a + b × (national shape) + slope × (months since start, from 0).

    b is free because the generator's season is multiplicative (it scales with the ICB's own
    level), so the ICB does not follow the national shape one for one. The RTT trend, on a
    month-end stock, is injected as treatments left undone (synth/records/rtt.py), sized so the
    share under 18 weeks moves by the injected points a month, so the same slope test holds.
    """
    for inj in _injections(truth, "trend"):
        rows = truth.icb_rows(inj.metric_id)
        value = _wide(rows, "value")
        var = _wide(rows.assign(var=_variance(rows, _multiplier(inj.metric_id))), "var")
        controls = truth.controls(inj, {"step", "trend"})
        shape = value[controls].mean(axis=1).to_numpy()
        ones = np.ones_like(shape)
        chi2 = sum(
            _wls(np.c_[ones, shape], value[c].to_numpy(), var[c].to_numpy())[2] for c in controls
        )
        phi = max(1.0, chi2 / (len(controls) * (len(shape) - 2)))
        start = _month(inj.start)
        ramp = np.array([max(0, _months_since(p, start)) for p in value.index], dtype=float)
        y, v = value[inj.icb_code].to_numpy(), var[inj.icb_code].to_numpy() * phi
        beta, se, _ = _wls(np.c_[ones, shape, ramp], y, v)
        assert abs(beta[2] - inj.size) <= Z * se[2], (
            f"{inj.id} in {inj.icb_code} from {inj.start}: slope {beta[2]:.3f} {inj.unit}, "
            f"injected {inj.size} ± {Z * se[2]:.3f} (phi {phi:.2f})"
        )
        # The same model finds no trend in ICBs without one, and none as strong as this one.
        x = np.c_[ones, shape, ramp]
        z = pd.Series({c: _slope_z(x, value[c].to_numpy(), var[c].to_numpy() * phi) for c in value})
        assert z[controls].abs().max() <= Z, f"{inj.id}: {z[controls].abs().idxmax()} trends too"
        assert (z * np.sign(inj.size)).idxmax() == inj.icb_code, (
            f"{inj.id}: {(z * np.sign(inj.size)).idxmax()} trends more than {inj.icb_code}"
        )


# --- gradients -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GapFit:
    gap: pd.Series  # per ICB: value of group_high minus group_low, all months pooled
    se: pd.Series
    national: float  # the controls' inverse-variance weighted gap
    phi: float
    pooled: pd.DataFrame  # numerator, denominator, value, var per (org_code, group)


def _gap_fit(truth: TruthRun, inj: Injection) -> GapFit:
    """The gap between the injection's groups in every ICB.

    Ordered groups (deciles) are fitted with a weighted line over all groups and the gap read
    off the line, since the injected gradient is linear; other groups are compared directly.
    """
    assert inj.breakdown and inj.group_low and inj.group_high
    rows = truth.icb_rows(inj.metric_id, inj.breakdown)
    k = _multiplier(inj.metric_id)
    pooled = rows.groupby(["org_code", "group"])[["numerator", "denominator"]].sum()
    pooled["value"] = k * pooled["numerator"] / pooled["denominator"]
    pooled["var"] = _variance(pooled.assign(sd=np.nan), k)
    gap, var = {}, {}
    for icb, part in pooled.groupby(level="org_code"):
        part = part.droplevel("org_code")
        if inj.group_low.isdigit():
            x = part.index.astype(int).to_numpy(dtype=float)
            beta, se, _ = _wls(
                np.c_[np.ones_like(x), x], part["value"].to_numpy(), part["var"].to_numpy()
            )
            span = int(inj.group_high) - int(inj.group_low)
            gap[icb], var[icb] = beta[1] * span, (se[1] * span) ** 2
        else:
            hi, lo = part.loc[inj.group_high], part.loc[inj.group_low]
            gap[icb], var[icb] = hi["value"] - lo["value"], hi["var"] + lo["var"]
    gaps, variances = pd.Series(gap), pd.Series(var)
    controls = truth.controls(inj, {"gradient"})
    w = 1 / variances[controls]
    national = float((gaps[controls] * w).sum() / w.sum())
    chi2 = float((((gaps[controls] - national) ** 2) * w).sum())
    phi = max(1.0, chi2 / (len(controls) - 1))
    return GapFit(gaps, np.sqrt(variances * phi), national, phi, pooled)


def test_gradients_reproduce_injected_gap(truth: TruthRun) -> None:
    """group_high − group_low in the ICB, net of the same gap nationally, is the size."""
    for inj in _injections(truth, "gradient"):
        fit = _gap_fit(truth, inj)
        did, se = fit.gap[inj.icb_code] - fit.national, fit.se[inj.icb_code]
        assert abs(did - inj.size) <= Z * se, (
            f"{inj.id} in {inj.icb_code}: {inj.breakdown} {inj.group_high} − {inj.group_low} "
            f"is {fit.gap[inj.icb_code]:.2f}, national {fit.national:.2f}: net {did:.2f}, "
            f"injected {inj.size} ± {Z * se:.2f} (phi {fit.phi:.2f})"
        )
        controls = truth.controls(inj, {"gradient"})
        z = ((fit.gap[controls] - fit.national) / fit.se[controls]).abs()
        assert z.max() <= Z, f"{inj.id}: {z.idxmax()} (no injection) has a gap of {z.max():.1f} SE"
        assert fit.gap.idxmax() == inj.icb_code, f"{inj.id}: {fit.gap.idxmax()} has a wider gap"


def test_deprivation_gradients_give_the_sii(truth: TruthRun) -> None:
    """The slope index of inequality over deciles has the injected sign and magnitude.

    Expected: the SII of a line with the national gap plus the injected one, over the ICB's
    own decile populations (the SII is a slope over population rank, not over decile number).
    """
    for inj in _injections(truth, "gradient"):
        if inj.breakdown not in ("imd_decile", "imd_quintile"):
            continue
        fit = _gap_fit(truth, inj)
        assert inj.group_low and inj.group_high
        part = fit.pooled.loc[inj.icb_code].sort_index(key=lambda g: g.astype(int))
        groups = part.index.astype(int).to_numpy(dtype=float)
        span = int(inj.group_high) - int(inj.group_low)
        line = (fit.national + inj.size) * (groups - groups[0]) / span
        se = np.sqrt(part["var"].to_numpy() * fit.phi)
        pop = part["denominator"].to_numpy(dtype=float)
        got = sii(part["value"].to_numpy(), pop, se=se, seed=SEED).iloc[0]
        want = float(sii(line, pop, se=se, seed=SEED)["sii"].iloc[0])
        sii_se = (got["sii_upper95_0cl"] - got["sii_lower95_0cl"]) / (2 * 1.959964)
        assert np.sign(got["sii"]) == np.sign(inj.size)
        assert abs(got["sii"] - want) <= Z * sii_se, (
            f"{inj.id} in {inj.icb_code}: SII {got['sii']:.2f}, expected {want:.2f} "
            f"± {Z * sii_se:.2f}"
        )
