"""NHS Talking Therapies referrals: whether treatment starts, finishes and leads to recovery.

Recovery is lower in more deprived areas (a baseline gap), as published data show. A course
counts as finished only if it could have ended (about 12 weeks after the first treatment)
before the end of the last generated month.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from oversight.synth import calibration as cal
from oversight.synth.demography import people
from oversight.synth.randomness import generator
from oversight.synth.records.base import Slice, capped_dates, days_in_month, table

COURSE_DAYS = 84
#: Recovery in decile 1 is this much lower than in decile 10 everywhere.
RECOVERY_IMD_GAP = 0.10


def generate(piece: Slice) -> pa.Table:
    rng = generator(piece.seed, piece.dataset, piece.month.key, piece.icb.code)
    n = piece.count
    who = people(rng, n, piece.dataset, piece.profile)
    referral = days_in_month(rng, n, piece.month)
    started = rng.random(n) < cal.TT_STARTED
    first = referral + np.floor(rng.exponential(24, size=n)).astype(np.int64) + 1
    first = np.where(started, first, piece.horizon_day)
    could_finish = first + COURSE_DAYS < piece.horizon_day
    finished = could_finish & (rng.random(n) < cal.TT_FINISHED)
    caseness = finished & (rng.random(n) < cal.TT_CASENESS)
    level = cal.TT_RECOVERY + piece.icb_level("tt_recovery", 0.04) + rng.normal(0, 0.01)
    gap = -RECOVERY_IMD_GAP * (5.5 - who.imd_decile.astype(np.float64)) / 9
    recovered = caseness & (rng.random(n) < np.clip(level + gap, 0.01, 0.99))
    return table(
        piece,
        rng,
        who,
        {
            "referral_date": pa.array(referral.astype(np.int32), pa.date32()),
            "first_treatment_date": capped_dates(first, piece.horizon_day),
            "finished_course": pa.array(finished),
            "at_caseness": pa.array(caseness),
            "recovered": pa.array(recovered),
        },
    )
