"""RTT pathways: clock starts each month, their stops, and the waiting list they began with.

Each pathway's total wait is drawn when its clock starts (a quick exponential path or a slow
gamma-shaped one, capped at two years), so months stay consistent: a pathway started in one
month stops in a later one, and is open (null stop) if that is after the last generated month.
The first month also carries the backlog: pathways already waiting, with elapsed waits drawn
from the steady-state waiting list, so 52/65/78-week waits exist from the start.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from oversight.synth import calibration as cal
from oversight.synth.demography import people
from oversight.synth.randomness import generator
from oversight.synth.records.base import Slice, capped_dates, days_in_month, table
from oversight.synth.truth import shift

FUNCTIONS = tuple(cal.RTT_TREATMENT_FUNCTIONS)
MAX_DAYS = cal.RTT_MAX_WEEKS * 7


def mean_wait_weeks(quick_share: float = cal.RTT_FAST_SHARE) -> float:
    """Mean total wait of a pathway, ignoring the cap: sets the backlog's size."""
    return quick_share * cal.RTT_FAST_MEAN_WEEKS + (1 - quick_share) * cal.RTT_SLOW_MEAN_WEEKS


def waits_days(rng: np.random.Generator, n: int, quick_share: float) -> np.ndarray:
    """Total waits (days) of n pathways."""
    quick = rng.random(n) < quick_share
    shape = cal.RTT_SLOW_SHAPE
    weeks = np.where(
        quick,
        rng.exponential(cal.RTT_FAST_MEAN_WEEKS, size=n),
        rng.gamma(shape, cal.RTT_SLOW_MEAN_WEEKS / shape, size=n),
    )
    return np.minimum(np.round(weeks * 7), MAX_DAYS).astype(np.int64)


def backlog(rng: np.random.Generator, n: int, quick_share: float) -> tuple[np.ndarray, np.ndarray]:
    """(elapsed, total) days of n pathways open at the start: elapsed ~ uniform, kept if open."""
    elapsed_parts, total_parts, have = [], [], 0
    while have < n:
        draw = max(1024, 8 * (n - have))
        total = waits_days(rng, draw, quick_share)
        elapsed = rng.integers(0, MAX_DAYS, size=draw)
        keep = total > elapsed
        elapsed_parts.append(elapsed[keep])
        total_parts.append(total[keep])
        have += int(keep.sum())
    return np.concatenate(elapsed_parts)[:n], np.concatenate(total_parts)[:n]


def quick_share(piece: Slice) -> float:
    level = cal.RTT_FAST_SHARE + piece.icb_level("rtt", cal.RTT_ICB_SD)
    return float(np.clip(level + shift(piece.injections, piece.month) / 100, 0.05, 0.95))


def generate(piece: Slice) -> pa.Table:
    rng = generator(piece.seed, piece.dataset, piece.month.key, piece.icb.code)
    share = quick_share(piece)
    start = days_in_month(rng, piece.count, piece.month)
    stop = start + waits_days(rng, piece.count, share)
    if piece.extra:
        elapsed, total = backlog(rng, piece.extra, share)
        old_start = piece.month.first_day_number - 1 - elapsed
        start = np.concatenate([start, old_start])
        stop = np.concatenate([stop, old_start + total])
    n = len(start)
    who = people(rng, n, piece.dataset, piece.profile)
    function = rng.choice(len(FUNCTIONS), size=n, p=list(cal.RTT_TREATMENT_FUNCTIONS.values()))
    labels = pa.DictionaryArray.from_arrays(pa.array(function.astype(np.int8)), pa.array(FUNCTIONS))
    return table(
        piece,
        rng,
        who,
        {
            "clock_start": pa.array(start.astype(np.int32), pa.date32()),
            "clock_stop": capped_dates(stop, piece.horizon_day),
            "treatment_function": labels.cast(pa.string()),
        },
    )
