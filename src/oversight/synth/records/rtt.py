"""RTT pathways: clock starts each month, their stops, and the waiting list they began with.

Each pathway's total wait is drawn when its clock starts (a quick exponential path or a slow
gamma-shaped one, capped at two years), so months stay consistent: a pathway started in one
month stops in a later one, and is open (null stop) if that is after the last generated month.
The first month also carries the backlog: pathways already waiting, with elapsed waits drawn
from the steady-state waiting list, so 52/65/78-week waits exist from the start.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from oversight.period import Period
from oversight.synth import calibration as cal
from oversight.synth.demography import categorical, people
from oversight.synth.randomness import generator
from oversight.synth.records.base import Slice, capped_dates, days_in_month, table

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
    """(elapsed, total) days of n pathways open at the start, as in a steady-state list.

    An open pathway's total wait is length-biased (long waits are more likely to be caught
    waiting): an exponential becomes a gamma of shape 2, a gamma of shape k one of shape k + 1,
    and the two paths are weighted by share × mean. Its elapsed wait is uniform within it.
    """
    fast_weight = quick_share * cal.RTT_FAST_MEAN_WEEKS
    slow_weight = (1 - quick_share) * cal.RTT_SLOW_MEAN_WEEKS
    fast = rng.random(n) < fast_weight / (fast_weight + slow_weight)
    shape = cal.RTT_SLOW_SHAPE
    weeks = np.where(
        fast,
        rng.gamma(2.0, cal.RTT_FAST_MEAN_WEEKS, size=n),
        rng.gamma(shape + 1, cal.RTT_SLOW_MEAN_WEEKS / shape, size=n),
    )
    total = np.minimum(np.round(weeks * 7), MAX_DAYS).astype(np.int64)
    total = np.maximum(total, 1)
    elapsed = np.floor(rng.random(n) * total).astype(np.int64)
    return elapsed, total


def quick_share(piece: Slice) -> float:
    level = cal.RTT_FAST_SHARE + piece.icb_level("rtt", cal.RTT_ICB_SD)
    return float(np.clip(level, 0.05, 0.95))


def untreated_share(points_per_month: float, quick: float = cal.RTT_FAST_SHARE) -> float:
    """The share of due treatments left undone each month that lowers the share of the waiting
    list under 18 weeks by about `points_per_month` a month (a negative size).

    By Little's law the list holds D × W pathways (D treated a month, W the mean wait in
    months). Leaving a share p of each month's D untreated adds p × D pathways a month that
    wait on, past 18 weeks, so the share under 18 weeks, S, falls by about S × p / W a month
    at first: p = |points| / 100 × W / S. S is about 0.6 here (the synthetic list's share).
    """
    wait_months = mean_wait_weeks(quick) * 7 / (365.25 / 12)
    return float(np.clip(abs(points_per_month) / 100 * wait_months / 0.6, 0.0, 1.0))


def untreated(piece: Slice, stop: np.ndarray) -> np.ndarray:
    """Which pathways an RTT trend injection leaves untreated: of those due to stop on or after
    its start, a share (untreated_share) chosen at random; their clocks run on (no stop)."""
    late = np.zeros(len(stop), bool)
    for inj in piece.injections:
        if inj.kind != "trend" or inj.metric_id != "rtt_18wk":
            continue
        first = Period.parse_month(inj.start).start
        due = stop >= (first - dt.date(1970, 1, 1)).days
        rng = generator(piece.seed, f"{piece.dataset}:{inj.id}", piece.month.key, piece.icb.code)
        late |= due & (rng.random(len(stop)) < untreated_share(inj.size, quick_share(piece)))
    return late


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
    function = categorical(rng, n, np.array(list(cal.RTT_TREATMENT_FUNCTIONS.values())))
    labels = pa.DictionaryArray.from_arrays(pa.array(function.astype(np.int8)), pa.array(FUNCTIONS))
    stop = np.where(untreated(piece, stop), piece.horizon_day, stop)  # never stops: open
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
