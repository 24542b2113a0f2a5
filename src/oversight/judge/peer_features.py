"""The features ICBs are matched on to find their peers (oversight.md §2), built per date.

- `log_population`: natural log of the catalogue's ICB population (GP-registered, aged 16+).
- `imd_q1_share` … `imd_q5_share`: share of the ICB's population (ONS mid-2019) living in each
  IMD 2019 quintile of English small areas, quintile 1 the most deprived (deciles 1-2 → 1, …).

Shares aged 65+ and 0-17 are named in the method but no age breakdown by ICB is in the shared
data, so they are left out rather than invented (docs/methodology.md says so).

An ICB formed by a merger has no row of its own in the 2019 file: its shares are those of its
predecessors' populations added together (a population-weighted combination), and a chain of
mergers is followed back to 2022 ICBs. A predecessor split between two successors is counted
whole in each (the file has no finer split); its population is the catalogue's, which is the sum
of its predecessors' for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

import numpy as np
import pandas as pd

QUINTILES = [f"imd_q{q}_share" for q in range(1, 6)]
FEATURES = ["log_population", *QUINTILES]


class ICBFacts(Protocol):
    """What the features read of an ICB (the catalogue's ICB has them)."""

    @property
    def code(self) -> str: ...

    @property
    def population(self) -> float: ...

    @property
    def predecessor_codes(self) -> tuple[str, ...]: ...


def quintile_populations(deciles: pd.DataFrame) -> pd.DataFrame:
    """Population per ICB (index) in each IMD quintile (columns 1-5); a decile the file lacks
    has no population."""
    quintile = (deciles["decile"].astype(int) + 1) // 2
    table = deciles.assign(quintile=quintile).pivot_table(
        index="icb_code", columns="quintile", values="population", aggfunc="sum", fill_value=0.0
    )
    return table.reindex(columns=range(1, 6), fill_value=0.0).astype(float)


def _origins(code: str, icbs: Mapping[str, ICBFacts], known: pd.Index) -> list[str]:
    """The 2019-file ICBs an ICB's area comes from: itself, or its predecessors' origins."""
    if code in known:
        return [code]
    icb = icbs.get(code)
    if icb is None or not icb.predecessor_codes:
        raise ValueError(
            f"ICB {code} has no deprivation figures and no predecessors to combine; "
            "check the catalogue's merged_icbs.yaml"
        )
    return [o for p in icb.predecessor_codes for o in _origins(p, icbs, known)]


def icb_features(
    icbs: Iterable[ICBFacts],
    quintiles: pd.DataFrame,
    every_icb: Mapping[str, ICBFacts] | None = None,
) -> pd.DataFrame:
    """The features (columns FEATURES) of each ICB (index: code, in the order given).

    `icbs`: the ICBs to describe (code, population, predecessor_codes); `every_icb`: all ICBs
    by code, to follow predecessors of merged ICBs (default: `icbs` themselves)."""
    icbs = list(icbs)
    lookup = dict(every_icb) if every_icb is not None else {i.code: i for i in icbs}
    lookup.update({i.code: i for i in icbs})
    rows = {}
    for icb in icbs:
        pops = quintiles.loc[_origins(icb.code, lookup, quintiles.index)].sum(axis=0)
        total = float(pops.sum())
        if total <= 0 or not icb.population or icb.population <= 0:
            raise ValueError(f"ICB {icb.code} has no population to compute its features from")
        rows[icb.code] = [float(np.log(icb.population)), *(pops.to_numpy() / total)]
    return pd.DataFrame.from_dict(rows, orient="index", columns=FEATURES)
