"""The aggregate returns: one row per ICB per month, sized by the ICB's population share.

Each value is the national calibrated level × scale × the ICB's population share, moved by
season, the ICB's own persistent level and monthly noise; proportions are drawn binomially.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from oversight.synth import calibration as cal
from oversight.synth.calendar import Month, winter
from oversight.synth.organisations import SynthICB
from oversight.synth.randomness import generator, icb_level
from oversight.synth.schema import schema
from oversight.synth.writer import revision_id

Values = dict[str, float | int]


@dataclass(frozen=True)
class Return:
    """One aggregate row to make, with its random stream."""

    dataset: str
    month: Month
    icb: SynthICB
    seed: int
    weight: float  # scale × the ICB's share of the population
    rng: np.random.Generator

    def level(self, name: str, sd: float) -> float:
        """The ICB's persistent, seed-fixed deviation for one quantity."""
        return icb_level(self.seed, name, self.icb.code, sd)

    def size(self, national: float, noise: float = 0.02) -> int:
        return max(1, round(national * self.weight * np.exp(self.rng.normal(0, noise))))

    def part(self, total: int, rate: float) -> int:
        return int(self.rng.binomial(total, float(np.clip(rate, 0.0, 1.0))))

    @property
    def winter(self) -> float:
        return winter(self.month.month)


def gp_appointments(r: Return) -> Values:
    total = r.size(cal.GP_APPOINTMENTS * (1 + 0.06 * r.winter))
    rate = cal.GP_WITHIN_2_WEEKS + r.level("gp", 0.03) - 0.02 * r.winter
    return {"appointments": total, "appointments_within_2_weeks": r.part(total, rate)}


def community_ucr(r: Return) -> Values:
    total = r.size(cal.UCR_REFERRALS, 0.05)
    rate = cal.UCR_WITHIN_2_HOURS + r.level("ucr", 0.05) - 0.02 * r.winter
    return {"ucr_referrals": total, "ucr_within_2_hours": r.part(total, rate)}


def diagnostics_waiting(r: Return) -> Values:
    total = r.size(cal.DIAGNOSTIC_WAITING)
    rate = cal.DIAGNOSTIC_WITHIN_6_WEEKS + r.level("dm01", 0.05) - 0.03 * r.winter
    return {"diagnostic_waiting": total, "diagnostic_waiting_within_6_weeks": r.part(total, rate)}


def mental_health(r: Return) -> Values:
    prevalence = r.size(cal.DEMENTIA_PREVALENCE, 0.002)
    oap_mean = cal.OAP_BED_DAYS * r.weight * np.exp(r.level("oap", 0.8) - 0.32)
    return {
        "cyp_mh_access_12m": r.size(cal.CYP_MH_ACCESS_12M * (1 + 0.004 * r.month.index), 0.01),
        "oap_bed_days": int(r.rng.poisson(oap_mean)),
        "dementia_diagnosed": r.part(prevalence, cal.DEMENTIA_DIAGNOSIS + r.level("dem", 0.05)),
        "dementia_estimated_prevalence": prevalence,
    }


def primary_care(r: Return) -> Values:
    ld = r.size(cal.LD_REGISTER, 0.003)
    bp = r.size(cal.HYPERTENSION_REGISTER, 0.003)
    return {
        "ld_register": ld,
        "ld_health_checks": r.part(ld, cal.LD_HEALTH_CHECKS + r.level("ld", 0.06)),
        "hypertension_register": bp,
        "hypertension_treated_to_target": r.part(
            bp, cal.HYPERTENSION_TO_TARGET + r.level("bp", 0.03)
        ),
    }


def beds(r: Return) -> Values:
    available = r.size(cal.GA_BEDS * (1 + 0.03 * r.winter), 0.005)
    rate = cal.GA_OCCUPANCY + cal.GA_OCCUPANCY_WINTER * (r.winter - 0.5) + r.level("beds", 0.015)
    return {"ga_beds_available": available, "ga_beds_occupied": r.part(available, min(rate, 0.995))}


def finance(r: Return) -> Values:
    plan = cal.FINANCE_PLAN_GBP_K + r.level("finance_plan", 150_000.0)
    drift = r.level("finance_drift", 100_000.0)
    variance = cal.FINANCE_VARIANCE_GBP_K + drift - 40_000.0 * r.winter
    actual = plan + variance + r.rng.normal(0, cal.FINANCE_MONTHLY_SD_GBP_K)
    return {
        "plan_surplus_gbp_k": round(plan * r.weight, 1),
        "actual_surplus_gbp_k": round(actual * r.weight, 1),
    }


def workforce(r: Return) -> Values:
    fte = cal.STAFF_FTE * r.weight * (1 + 0.002 * r.month.index) * np.exp(r.level("fte", 0.05))
    available = fte * r.month.days
    sickness = cal.SICKNESS_RATE + cal.SICKNESS_WINTER * r.winter + r.level("sick", 0.004)
    leavers = fte * cal.LEAVER_RATE_MONTHLY * np.exp(r.rng.normal(r.level("leave", 0.1), 0.08))
    return {
        "staff_fte": round(fte, 1),
        "leavers_fte": round(leavers, 1),
        "sickness_days_lost": round(available * (sickness + r.rng.normal(0, 0.002)), 1),
        "available_days": round(available, 1),
    }


MAKERS: dict[str, Callable[[Return], Values]] = {
    "gp_appointments": gp_appointments,
    "community_ucr": community_ucr,
    "diagnostics_waiting": diagnostics_waiting,
    "mental_health": mental_health,
    "primary_care": primary_care,
    "beds": beds,
    "finance": finance,
    "workforce": workforce,
}


def generate(
    dataset: str, month: Month, icbs: tuple[SynthICB, ...], seed: int, weights: np.ndarray
) -> pa.Table:
    """One month of an aggregate dataset: a row per ICB, in `icbs` order.

    Each row has its own (seed, dataset, month, ICB) stream; the table is built once and
    sliced per ICB by the caller, which is much cheaper than 42 one-row tables.
    """
    rows = []
    for icb, weight in zip(icbs, weights, strict=True):
        rng = generator(seed, dataset, month.key, icb.code)
        rows.append(MAKERS[dataset](Return(dataset, month, icb, seed, float(weight), rng)))
    target = schema(dataset)
    columns: dict[str, list[object]] = {
        "icb_code": [icb.code for icb in icbs],
        "period": [month.first_day] * len(icbs),
        "revision_id": [revision_id(seed, dataset, month.label, icb.code) for icb in icbs],
    }
    for name in target.names[3:]:
        columns[name] = [row[name] for row in rows]
    return pa.Table.from_pydict(columns, schema=target)
