"""The whole computation in one call: metrics, statistics, canonical order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from oversight.metrics import statistics
from oversight.metrics.assemble import ROW_KEYS
from oversight.metrics.computation import Computation, Progress, compute
from oversight.metrics.engines import Engine
from oversight.metrics.organisations import OrgTree

if TYPE_CHECKING:
    import pandas as pd

    from oversight.catalogue import DataItem, Dataset, Metric


def canonical(comp: Computation) -> Computation:
    """Sort every table the same way so that equal computations compare equal."""
    by = ["metric_id", *ROW_KEYS]
    comp.metrics = comp.metrics.sort_values(by, kind="stable").reset_index(drop=True)
    comp.items = comp.items.sort_values(["item", *ROW_KEYS], kind="stable").reset_index(drop=True)
    comp.lineage = comp.lineage.sort_values("lineage_key").reset_index(drop=True)
    comp.presence = comp.presence.sort_values(["dataset", "icb_code", "period"]).reset_index(
        drop=True
    )
    if comp.statistics is not None:
        comp.statistics = comp.statistics.sort_values(by, kind="stable").reset_index(drop=True)
    return comp


def run(
    lake: Path,
    metrics: Sequence[Metric],
    data_items: Mapping[str, DataItem],
    tree: OrgTree,
    engine: Engine,
    with_statistics: bool = True,
    progress: Progress | None = None,
    rebases: pd.DataFrame | None = None,
    datasets: Mapping[str, Dataset] | None = None,
) -> Computation:
    """Metrics, then statistics (SPC, intervals, funnels; no targets: the judge reads those);
    `rebases`: approved SPC rebases (statistics.REBASE_COLUMNS); `datasets`: the catalogue's,
    so that aggregate returns feed data items where records are absent (metrics/returns.py)."""
    comp = compute(lake, metrics, data_items, tree, engine, progress=progress, datasets=datasets)
    if with_statistics:
        if progress:
            progress("statistics")
        comp.statistics = statistics.attach(comp.metrics, {m.id: m for m in metrics}, rebases)
    return canonical(comp)
