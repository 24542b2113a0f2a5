"""Lineage: which submission revisions each result was computed from.

Each result row carries a compact key (`lin-` + a hash of its sorted revision ids); the lineage
table maps each key to the ids. A region or England row names the revisions of every member ICB;
an open-at-period-end item names every revision up to and including the period (the snapshot
depends on all earlier months).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import pandas as pd


def lineage_key(revision_ids: Iterable[str]) -> str:
    ids = sorted(set(revision_ids))
    digest = hashlib.sha1("\n".join(ids).encode()).hexdigest()[:16]
    return f"lin-{digest}"


def org_revisions(
    orgs: pd.DataFrame, presence: pd.DataFrame, sources: Iterable[tuple[str, bool]]
) -> pd.DataFrame:
    """For each (org_type, org_code, period): the revisions of the given (dataset, cumulative)s.

    `orgs` has org_type, org_code, period, icb_code (one row per member ICB); `presence` has
    dataset, icb_code, period, revision_id. Returns org_type, org_code, period, revision_ids.
    """
    frames = []
    for dataset, cumulative in sources:
        pres = presence[presence["dataset"] == dataset]
        if pres.empty:
            continue
        if cumulative:
            m = orgs.merge(pres, on="icb_code", suffixes=("", "_rev"))
            m = m[m["period_rev"] <= m["period"]]
        else:
            m = orgs.merge(pres, on=["icb_code", "period"])
        frames.append(m[["org_type", "org_code", "period", "revision_id"]])
    keys = ["org_type", "org_code", "period"]
    if not frames:
        return pd.DataFrame(columns=[*keys, "revision_ids"])
    allrev = pd.concat(frames, ignore_index=True).drop_duplicates()
    allrev = allrev.sort_values("revision_id").reset_index(drop=True)
    return _tuples(allrev, keys)


def _tuples(allrev: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """groupby(keys, sort=False)["revision_id"].agg(tuple), without a Python call per group."""
    ids = allrev.groupby(keys, sort=False).ngroup().to_numpy()
    order = np.argsort(ids, kind="stable")
    revs = allrev["revision_id"].to_numpy(dtype=object)[order]
    bounds = np.flatnonzero(np.diff(ids[order])) + 1
    out = allrev.iloc[order[np.r_[0, bounds]]][keys].reset_index(drop=True)
    out["revision_ids"] = [tuple(r) for r in np.split(revs, bounds)]
    return out


def keyed(revisions: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Lineage keys for rows of org_revisions, and the key -> revision ids table."""
    keys = revisions["revision_ids"].map(lineage_key)
    table = pd.DataFrame({"lineage_key": keys, "revision_ids": revisions["revision_ids"]})
    table = table.drop_duplicates("lineage_key").reset_index(drop=True)
    table["revision_ids"] = table["revision_ids"].map(list)
    return keys, table
