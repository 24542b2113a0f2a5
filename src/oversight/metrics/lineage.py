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


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each i, the positions lo[i] .. hi[i]-1: (i per position, position)."""
    counts = hi - lo
    owner = np.repeat(np.arange(len(lo)), counts)
    start = np.repeat(lo - (np.cumsum(counts) - counts), counts)
    return owner, np.arange(int(counts.sum())) + start


class Lineage:
    """The lineage key of every org-period for any set of (dataset, cumulative) sources.

    `orgs` has icb_code and period, one row per member ICB of the org-period `op_of` numbers;
    `presence` has dataset, icb_code, period, revision_id. Revisions are coded in id order and
    matched to member rows by sorted (ICB, period) keys, so a source's (org-period, revision)
    pairs are two searchsorted calls, not a merge; each distinct id set is hashed once.
    """

    def __init__(
        self, orgs: pd.DataFrame, op_of: np.ndarray, n_ops: int, presence: pd.DataFrame
    ) -> None:
        presence = presence[presence["revision_id"].notna()]
        self.op_of, self.n_ops = op_of, n_ops
        icb, per = (
            np.concatenate([orgs[c].to_numpy(object), presence[c].to_numpy(object)])
            for c in ("icb_code", "period")
        )
        icb_code, _ = pd.factorize(icb)
        per_code, per_values = pd.factorize(per, sort=True)
        key = icb_code * max(len(per_values), 1) + per_code
        self.org_key, self.org_first = key[: len(orgs)], (key - per_code)[: len(orgs)]
        pres_key = key[len(orgs) :]
        rev_code, rev_ids = pd.factorize(presence["revision_id"], sort=True)
        self.rev_ids = [str(r) for r in rev_ids]
        datasets = presence["dataset"].to_numpy(object)
        self.by_dataset: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for dataset in pd.unique(datasets):
            rows = np.flatnonzero(datasets == dataset)
            order = np.argsort(pres_key[rows], kind="stable")
            self.by_dataset[str(dataset)] = (pres_key[rows][order], rev_code[rows][order])
        self._pairs: dict[tuple[str, bool], tuple[np.ndarray, np.ndarray]] = {}
        self._codes: dict[tuple, np.ndarray] = {}
        self._key_of: dict[tuple[int, ...], int] = {}
        self._number: dict[str, int] = {}
        self.table: dict[str, list[str]] = {}

    def pairs(self, dataset: str, cumulative: bool) -> tuple[np.ndarray, np.ndarray]:
        """(org-period, revision code) of every revision the source contributes."""
        if (dataset, cumulative) not in self._pairs:
            keys, revs = self.by_dataset.get(dataset, (np.zeros(0, np.int64),) * 2)
            first = self.org_first if cumulative else self.org_key
            lo = np.searchsorted(keys, first, side="left")
            hi = np.searchsorted(keys, self.org_key, side="right")
            owner, at = _ranges(lo, hi)
            self._pairs[(dataset, cumulative)] = (self.op_of[owner], revs[at])
        return self._pairs[(dataset, cumulative)]

    def codes(self, sources: tuple) -> np.ndarray:
        """Each org-period's lineage key as a code into `names` (-1: no revisions)."""
        if sources not in self._codes:
            parts = [self.pairs(d, c) for d, c in sources]
            size = max(len(self.rev_ids), 1)
            pair = np.unique(
                np.concatenate([np.zeros(0, np.int64)] + [op * size + r for op, r in parts])
            )
            op, rev = pair // size, pair % size
            out = np.full(self.n_ops, -1, dtype=np.int64)
            if len(op):
                # one slice of a Python list per org-period, not one numpy array each
                bounds = np.flatnonzero(np.diff(op)) + 1
                starts, ends = np.r_[0, bounds].tolist(), np.r_[bounds, len(op)].tolist()
                revs, key = rev.tolist(), self._key
                out[op[starts]] = [key(tuple(revs[a:b])) for a, b in zip(starts, ends, strict=True)]
            self._codes[sources] = out
        return self._codes[sources]

    def _key(self, codes: tuple[int, ...]) -> int:
        """The code of the key of a set of revisions (coded in id order), hashed once."""
        if codes not in self._key_of:
            ids = [self.rev_ids[c] for c in codes]
            key = lineage_key(ids)
            self.table.setdefault(key, ids)
            self._key_of[codes] = self._number.setdefault(key, len(self._number))
        return self._key_of[codes]

    @property
    def names(self) -> list[str]:
        """Every key handed out, in code order."""
        return list(self._number)

    def frame(self) -> pd.DataFrame:
        """The key -> revision ids table of every key handed out, sorted by key."""
        keys = sorted(self.table)
        return pd.DataFrame(
            {
                "lineage_key": pd.array(keys, dtype="str") if keys else pd.Series(dtype=object),
                "revision_ids": [self.table[k] for k in keys],
            }
        )
