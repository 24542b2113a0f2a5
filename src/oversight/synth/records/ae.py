"""A&E attendances: arrival, wait, department type and admission of each attendance.

Whether an attendance is within 4 hours is drawn first (from the calibrated level, season,
the ICB's own level, noise and injected truth), then its wait is drawn on the right side of
240 minutes; so injected changes show up in `wait_minutes <= 240` exactly as sized.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from oversight.synth import calibration as cal
from oversight.synth.calendar import winter
from oversight.synth.demography import categorical, people
from oversight.synth.randomness import generator
from oversight.synth.records.base import US_PER_DAY, Slice, table
from oversight.synth.truth import gradient_points, shift

DEPARTMENTS = tuple(cal.AE_TYPE_SHARE)
#: Arrivals by hour of day (busiest late morning to evening).
HOURLY = np.array(
    [
        2,
        1.5,
        1.2,
        1,
        1,
        1.2,
        2,
        3.5,
        5,
        6,
        6.5,
        6.5,
        6.3,
        6,
        5.8,
        5.6,
        5.5,
        5.4,
        5.2,
        5,
        4.5,
        4,
        3.4,
        2.6,
    ]
)
#: Admission likelihood multiplier by age band (older patients are admitted more).
ADMIT_BY_AGE = np.array([0.45, 0.6, 1.0, 1.9, 2.6])
MAX_WAIT_MINUTES = 3 * 24 * 60


def within_4_hours_probability(
    piece: Slice, rng: np.random.Generator, dept: np.ndarray, imd: np.ndarray, ethnicity: np.ndarray
) -> np.ndarray:
    """Per-attendance probability of leaving within 4 hours."""
    month_level = (
        cal.AE_4HR
        - cal.AE_4HR_WINTER_DROP * winter(piece.month.month)
        + piece.icb_level("ae_4hr", cal.AE_4HR_ICB_SD)
        + rng.normal(0, cal.AE_4HR_MONTH_SD)
        + shift(piece.injections, piece.month) / 100
    )
    type_shift = np.array([cal.AE_TYPE_SHIFT[d] for d in DEPARTMENTS])[dept]
    baseline_gap = -cal.AE_4HR_IMD_GAP * (5.5 - imd.astype(np.float64)) / 9
    planted = gradient_points(piece.injections, imd, ethnicity) / 100
    return np.clip(month_level + type_shift + baseline_gap + planted, 0.01, 0.995)


def generate(piece: Slice) -> pa.Table:
    rng = generator(piece.seed, piece.dataset, piece.month.key, piece.icb.code)
    n = piece.count
    who = people(rng, n, piece.dataset, piece.profile)
    dept = categorical(rng, n, np.array(list(cal.AE_TYPE_SHARE.values())))
    p4 = within_4_hours_probability(piece, rng, dept, who.imd_decile, who.ethnicity)
    within = rng.random(n) < p4
    quick = np.maximum(1, np.round(240 * rng.beta(2.2, 1.4, size=n)))
    slow = 241 + np.floor(rng.exponential(cal.AE_BREACH_EXCESS_MEAN, size=n))
    wait = np.where(within, quick, np.minimum(slow, MAX_WAIT_MINUTES)).astype(np.int32)
    day = rng.integers(0, piece.month.days, size=n)
    hour = categorical(rng, n, HOURLY / HOURLY.sum()).astype(np.int64)
    arrival = (
        (piece.month.first_day_number + day) * US_PER_DAY
        + hour * 3_600_000_000
        + rng.integers(0, 3_600, size=n) * 1_000_000
    )
    departure = arrival + wait.astype(np.int64) * 60_000_000
    admit_rate = np.array([cal.AE_ADMITTED[d] for d in DEPARTMENTS])[dept]
    admitted = rng.random(n) < np.clip(admit_rate * ADMIT_BY_AGE[who.age], 0, 0.95)
    labels = pa.DictionaryArray.from_arrays(pa.array(dept.astype(np.int8)), pa.array(DEPARTMENTS))
    return table(
        piece,
        rng,
        who,
        {
            "arrival_time": pa.array(arrival, pa.timestamp("us")),
            "departure_time": pa.array(departure, pa.timestamp("us")),
            "wait_minutes": pa.array(wait),
            "department_type": labels.cast(pa.string()),
            "admitted": pa.array(admitted),
        },
    )
