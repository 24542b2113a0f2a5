"""How many records each ICB gets each month: exact shares of a national total.

The national total moves with season and a little noise; its split between ICBs is exact
(largest-remainder rounding), so every ICB's share matches its population share even at
small scales.
"""

from __future__ import annotations

import numpy as np

from oversight.synth.calendar import Month, winter
from oversight.synth.randomness import generator

#: Relative change of monthly volume at the January peak of winter, per dataset.
WINTER_VOLUME = {
    "ae_attendances": -0.04,  # A&E is busiest in early summer, quieter (but sicker) in winter
    "ambulance_incidents": 0.08,
    "rtt_pathways": -0.03,
    "cancer_referrals": -0.04,
    "talking_therapies_referrals": 0.02,
}
VOLUME_NOISE_SD = 0.015


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split `total` into integers proportional to `weights` (largest remainder, ties by index)."""
    share = weights / weights.sum() * total
    counts = np.floor(share).astype(np.int64)
    remainder = total - int(counts.sum())
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[:remainder]] += 1
    return counts


def national_total(dataset: str, base: int, scale: float, month: Month, seed: int) -> int:
    """The month's national volume: base × scale with winter shape and noise."""
    rng = generator(seed, f"volume:{dataset}", month.key)
    factor = 1 + WINTER_VOLUME.get(dataset, 0.0) * winter(month.month)
    factor *= 1 + rng.normal(0, VOLUME_NOISE_SD)
    return max(0, round(base * scale * factor))


def icb_counts(
    dataset: str,
    base: int,
    scale: float,
    months: tuple[Month, ...],
    populations: np.ndarray,
    seed: int,
) -> np.ndarray:
    """Records per (month, ICB) for a dataset: shape (len(months), len(populations))."""
    weights = populations.astype(np.float64)
    return np.stack(
        [allocate(national_total(dataset, base, scale, m, seed), weights) for m in months]
    )
