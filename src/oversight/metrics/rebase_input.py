"""Approved SPC rebases as an input of the compute stage, recorded with each results version.

The compute stage reads the approved rebases from the operational store (oversight.annotations)
and writes them into the version's manifest (`rebases`), so a version says which rebases its
limits used and computing again with `recorded(version)` reproduces it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from oversight.metrics.statistics import REBASE_COLUMNS

if TYPE_CHECKING:
    from oversight.home import Home
    from oversight.metrics.results import ResultsVersion

Rebases = list[tuple[str, str, dt.date]]
"""(metric id, organisation code, first month of the new limits), sorted."""

MANIFEST_KEY = "rebases"


def stored(home: Home) -> Rebases:
    """The approved rebases in the home's operational store (none before it exists)."""
    own = home.database_file
    if own is not None and not own.exists():
        return []
    from oversight.annotations.rebase_store import approved_rebases

    return approved_rebases(home.database())


def recorded(version: ResultsVersion) -> Rebases:
    """The rebases a results version was computed with (none for versions before rebases)."""
    return normal(version.manifest.get(MANIFEST_KEY) or [])


def normal(rebases: Iterable[Sequence[Any]]) -> Rebases:
    """Rebases as sorted, distinct (metric, organisation, month start) tuples."""
    out = set()
    for metric, org, starts in rebases:
        day = starts if isinstance(starts, dt.date) else dt.date.fromisoformat(str(starts)[:10])
        out.add((str(metric), str(org), day.replace(day=1)))
    return sorted(out)


def to_manifest(rebases: Rebases) -> list[list[str]]:
    return [[m, o, d.isoformat()] for m, o, d in rebases]


def frame(rebases: Rebases) -> pd.DataFrame | None:
    """The statistics' input table (None when there are no rebases)."""
    if not rebases:
        return None
    return pd.DataFrame(rebases, columns=REBASE_COLUMNS)


def changed_series(before: Rebases, after: Rebases) -> set[tuple[str, str]]:
    """(metric, organisation) pairs whose rebases differ between two sets."""
    return {(m, o) for m, o, _ in set(before) ^ set(after)}
