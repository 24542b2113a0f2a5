"""Position: the figure against England, among all ICBs (funnel) and among its peers (rank).

- England: significantly different when England's value lies outside the figure's 95%
  confidence interval (a value exactly on a bound is inside). "Better" and "worse" follow the
  metric's polarity; a neutral metric is "higher" or "lower". No figure, no interval or no
  England figure → "no data"; England itself → "not applicable".
- Funnel: the metrics stage's funnel position among the ICBs (99.8% limits, overdispersion-
  adjusted where the funnel is) → outlier high / low / none.
- Peers: rank 1 is best (highest for a neutral metric) among the ICB and those of its peers with
  a figure; ties share the better rank ("1, 2, 2, 4").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from oversight.judge.outcomes import Funnel, VsEngland


@dataclass(frozen=True)
class Position:
    """Is the figure different from England's and from its peers'?"""

    vs_england: VsEngland
    england: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    funnel: Funnel = Funnel.NOT_APPLICABLE
    peer_rank: int | None = None
    peer_count: int | None = None
    """The ICB and its peers that have a figure."""
    peer_size: int | None = None
    """The ICB and all its peers, with a figure or not."""


SIZE_BOUND = frozenset({"count", "exact"})
"""Metric statistics whose values grow with the population (counts, accounting totals in £k):
comparing them with England's total or ranking them by size says nothing about performance."""

FUNNEL_POSITIONS = {"above": Funnel.HIGH, "below": Funnel.LOW, "within": Funnel.NONE}
"""The metrics stage's `funnel_position` → the funnel outcome."""


def vs_england(
    value: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    england: np.ndarray,
    sign: np.ndarray,
    not_compared: np.ndarray,
) -> np.ndarray:
    """Each row's comparison with England by its 95% interval; `not_compared` marks England
    itself and size-bound figures ("not applicable")."""
    value, lower, upper = (np.asarray(a, float) for a in (value, lower, upper))
    england, sign = np.asarray(england, float), np.asarray(sign)
    known = ~np.isnan(value) & ~np.isnan(lower) & ~np.isnan(upper) & ~np.isnan(england)
    with np.errstate(invalid="ignore"):
        higher = known & (england < lower)
        lower_ = known & (england > upper)
    out = np.full(len(value), VsEngland.NO_DATA, dtype=object)
    out[known] = VsEngland.SIMILAR
    out[higher] = np.where(sign[higher] > 0, VsEngland.BETTER, VsEngland.WORSE)
    out[higher & (sign == 0)] = VsEngland.HIGHER
    out[lower_] = np.where(sign[lower_] > 0, VsEngland.WORSE, VsEngland.BETTER)
    out[lower_ & (sign == 0)] = VsEngland.LOWER
    out[np.asarray(not_compared, bool)] = VsEngland.NOT_APPLICABLE
    return out


def funnel(position: pd.Series, has_value: np.ndarray, drawn: np.ndarray) -> np.ndarray:
    """Each row's funnel outcome; `drawn` marks the rows a funnel applies to (ICB rows of a
    proportion or rate metric)."""
    codes, found = pd.factorize(np.asarray(position, dtype=object))
    out = np.array([FUNNEL_POSITIONS.get(p) for p in found] + [None], dtype=object)[codes]
    out = np.where(pd.notna(out), out, Funnel.NO_DATA).astype(object)
    out[~np.asarray(has_value, bool)] = Funnel.NO_DATA
    out[~np.asarray(drawn, bool)] = Funnel.NOT_APPLICABLE
    return out


PEER_KEYS = ["metric_id", "period", "breakdown", "group"]


def peer_ranks(rows: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Rank of each ICB row among its peers.

    `rows`: ICB rows with PEER_KEYS, `org_code`, `value` and `sign` (+1/−1/0: which way is
    better; neutral ranks highest first). `pairs`: `period`, `org_code`, `peer_code`, one row per
    peer of an ICB in that period. Returns `rows`' index with `peer_rank`, `peer_count` (the
    ICB and its peers with a figure) and `peer_size` (the ICB and all its peers); the rank is
    missing when the ICB has no figure or no peer has one.
    """
    out = pd.DataFrame(
        {"peer_rank": np.nan, "peer_count": np.nan, "peer_size": np.nan}, index=rows.index
    )
    if rows.empty or pairs.empty:
        return out
    own = rows[[*PEER_KEYS, "org_code", "value", "sign"]].reset_index(names="row")
    linked = own.merge(pairs[["period", "org_code", "peer_code"]], on=["period", "org_code"])
    theirs = rows[[*PEER_KEYS, "org_code", "value"]].rename(
        columns={"org_code": "peer_code", "value": "peer_value"}
    )
    linked = linked.merge(theirs, on=[*PEER_KEYS, "peer_code"], how="left")
    direction = np.where(linked["sign"].to_numpy() < 0, -1.0, 1.0)
    peer = linked["peer_value"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        ahead = direction * (peer - linked["value"].to_numpy(float)) > 0
    linked = linked.assign(ahead=ahead, reported=~np.isnan(peer), member=1)
    tally = linked.groupby("row")[["ahead", "reported", "member"]].sum()
    has = ~np.isnan(own.set_index("row")["value"].reindex(tally.index).to_numpy(float))
    ranked = has & (tally["reported"].to_numpy() > 0)
    at = tally.index[ranked]
    out.loc[at, "peer_rank"] = tally.loc[at, "ahead"].to_numpy() + 1
    out.loc[at, "peer_count"] = tally.loc[at, "reported"].to_numpy() + 1
    out.loc[tally.index, "peer_size"] = tally["member"].to_numpy() + 1
    return out
