"""Peer groups: each ICB's nearest neighbours among the ICBs that exist on a date.

Method (oversight.md §2): standardise each feature to mean 0 and standard deviation 1 across the
ICBs of the date (the population standard deviation: the ICBs are all there are; a feature that
is the same everywhere contributes 0); Euclidean distance between ICBs; the k nearest (k = 7 by
default) form an ICB's peer group, nearest first, ties broken by ICB code so the groups are
reproducible. Mergers change the set of ICBs and so the groups: groups are computed per date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from oversight.judge.peer_features import icb_features

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

DEFAULT_K = 7


def standardise(features: pd.DataFrame) -> pd.DataFrame:
    """Each column to mean 0, sd 1 (population sd); a constant column becomes 0."""
    centred = features - features.mean(axis=0)
    sd = features.std(axis=0, ddof=0)
    return centred.div(sd.where(sd > 0, np.inf), axis=1)


def distances(standardised: pd.DataFrame) -> pd.DataFrame:
    """Euclidean distance between every pair of rows (a square frame labelled by code)."""
    x = standardised.to_numpy(float)
    d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
    return pd.DataFrame(d, index=standardised.index, columns=standardised.index)


@dataclass(frozen=True)
class PeerGroups:
    """The features, distances and k nearest peers of every ICB of one date."""

    features: pd.DataFrame
    standardised: pd.DataFrame
    distances: pd.DataFrame
    groups: Mapping[str, tuple[str, ...]]
    k: int

    def peers(self, code: str) -> list[tuple[str, float]]:
        """An ICB's peers, nearest first, with their distances."""
        if code not in self.groups:
            raise KeyError(f"no ICB {code} among {', '.join(sorted(self.groups))}")
        return [(p, float(self.distances.at[code, p])) for p in self.groups[code]]

    def to_records(self) -> list[dict[str, Any]]:
        """One record per ICB: its features and its peers with distances (to publish)."""
        return [
            {
                "org": code,
                "features": {k: float(v) for k, v in self.features.loc[code].items()},
                "peers": [{"org": p, "distance": d} for p, d in self.peers(code)],
            }
            for code in self.features.index
        ]


def nearest(dist: pd.DataFrame, k: int) -> dict[str, tuple[str, ...]]:
    """Each row's k nearest other rows, nearest first; ties by code."""
    out = {}
    for code in dist.index:
        others = dist.loc[code].drop(code)
        order = sorted(others.items(), key=lambda item: (item[1], item[0]))
        out[str(code)] = tuple(str(c) for c, _ in order[:k])
    return out


def peer_groups(features: pd.DataFrame, k: int = DEFAULT_K) -> PeerGroups:
    """Peer groups from a table of features (index: ICB code)."""
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if len(features) <= k:
        raise ValueError(
            f"{len(features)} ICBs cannot each have {k} peers; choose k below {len(features)}"
        )
    std = standardise(features)
    dist = distances(std)
    return PeerGroups(features, std, dist, nearest(dist, k), k)


def groups_on(
    catalogue: Catalogue, periods: Iterable[dt.date], quintiles: pd.DataFrame, k: int = DEFAULT_K
) -> dict[dt.date, PeerGroups]:
    """Peer groups for each month, among the ICBs existing on it (computed once per set)."""
    every = {**catalogue.icbs, **catalogue.merged_icbs}
    by_set: dict[tuple[str, ...], PeerGroups] = {}
    out = {}
    for period in periods:
        icbs = sorted(catalogue.icbs_on(period), key=lambda i: i.code)
        key = tuple(i.code for i in icbs)
        if key not in by_set:
            by_set[key] = peer_groups(icb_features(icbs, quintiles, every), k)
        out[period] = by_set[key]
    return out


def pairs_frame(groups: Mapping[dt.date, PeerGroups]) -> pd.DataFrame:
    """`period`, `org_code`, `peer_code`: one row per ICB and peer per month (for ranking)."""
    rows = [
        (period, code, peer)
        for period, g in groups.items()
        for code, peers in g.groups.items()
        for peer in peers
    ]
    return pd.DataFrame(rows, columns=["period", "org_code", "peer_code"])
