"""Ambulance incidents: call time, category and response time in seconds.

Responses are log-normal per category, with means at the calibrated national levels,
stretched in winter and by the ICB's own level; injected trends move the category 2 mean.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from oversight.synth import calibration as cal
from oversight.synth.calendar import winter
from oversight.synth.demography import categorical, people
from oversight.synth.randomness import generator
from oversight.synth.records.base import US_PER_DAY, Slice, table
from oversight.synth.truth import shift

CATEGORIES = tuple(cal.AMB_CATEGORY_SHARE)


def mean_minutes(piece: Slice, rng: np.random.Generator) -> np.ndarray:
    """This month's mean response per category for the ICB."""
    season = winter(piece.month.month) * cal.AMB_WINTER_STRETCH
    icb = np.exp(piece.icb_level("ambulance", cal.AMB_ICB_SD))
    noise = np.exp(rng.normal(0, 0.03))
    means = []
    for category in CATEGORIES:
        stretch = season / 3 if category == "C1" else season
        mean = cal.AMB_MEAN_MINUTES[category] * (1 + stretch) * icb * noise
        if category == "C2":
            mean += shift(piece.injections, piece.month)
        means.append(mean)
    return np.array(means)


def generate(piece: Slice) -> pa.Table:
    rng = generator(piece.seed, piece.dataset, piece.month.key, piece.icb.code)
    n = piece.count
    who = people(rng, n, piece.dataset, piece.profile)
    category = categorical(rng, n, np.array(list(cal.AMB_CATEGORY_SHARE.values())))
    sigma = np.array([cal.AMB_SIGMA[c] for c in CATEGORIES])[category]
    mu = np.log(mean_minutes(piece, rng))[category] - sigma**2 / 2
    seconds = np.maximum(30, np.round(np.exp(rng.normal(mu, sigma)) * 60)).astype(np.int32)
    call = (piece.month.first_day_number + rng.integers(0, piece.month.days, size=n)) * US_PER_DAY
    call += rng.integers(0, 86_400, size=n) * 1_000_000
    labels = pa.DictionaryArray.from_arrays(
        pa.array(category.astype(np.int8)), pa.array(CATEGORIES)
    )
    return table(
        piece,
        rng,
        who,
        {
            "call_time": pa.array(call, pa.timestamp("us")),
            "category": labels.cast(pa.string()),
            "response_seconds": pa.array(seconds),
        },
    )
