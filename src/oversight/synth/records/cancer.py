"""Urgent suspected-cancer referrals: outcome (28-day faster diagnosis) and first treatment.

Dates after the last generated month have not happened yet and are null.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from oversight.synth import calibration as cal
from oversight.synth.calendar import winter
from oversight.synth.demography import people
from oversight.synth.randomness import generator
from oversight.synth.records.base import Slice, capped_dates, days_in_month, table

#: Cancer is far likelier to be confirmed in older patients (multiplier by age band).
CONFIRMED_BY_AGE = np.array([0.1, 0.3, 0.9, 1.5, 1.8])


def generate(piece: Slice) -> pa.Table:
    rng = generator(piece.seed, piece.dataset, piece.month.key, piece.icb.code)
    n = piece.count
    who = people(rng, n, piece.dataset, piece.profile)
    referral = days_in_month(rng, n, piece.month)
    fds = np.clip(
        cal.CANCER_FDS
        - 0.02 * winter(piece.month.month)
        + piece.icb_level("cancer_fds", 0.03)
        + rng.normal(0, 0.01),
        0.05,
        0.99,
    )
    on_time = rng.random(n) < fds
    outcome_wait = np.where(
        on_time, rng.integers(3, 29, size=n), 29 + np.floor(rng.exponential(18, size=n))
    ).astype(np.int64)
    outcome = referral + outcome_wait
    confirmed = rng.random(n) < np.clip(cal.CANCER_CONVERSION * CONFIRMED_BY_AGE[who.age], 0, 1)
    p62 = np.clip(cal.CANCER_62D + piece.icb_level("cancer_62d", 0.04), 0.05, 0.99)
    treated = confirmed & (rng.random(n) < cal.CANCER_TREATED)
    within_62 = rng.random(n) < p62
    treat_wait = np.where(
        within_62, rng.integers(21, 63, size=n), 63 + np.floor(rng.exponential(30, size=n))
    ).astype(np.int64)
    treatment = referral + np.maximum(treat_wait, outcome_wait + 1)
    treatment = np.where(treated, treatment, piece.horizon_day)  # untreated: null
    return table(
        piece,
        rng,
        who,
        {
            "referral_date": pa.array(referral.astype(np.int32), pa.date32()),
            "outcome_date": capped_dates(outcome, piece.horizon_day),
            "cancer_confirmed": pa.array(confirmed),
            "treatment_date": capped_dates(treatment, piece.horizon_day),
        },
    )
