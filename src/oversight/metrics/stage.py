"""The compute stage: a home's lake (and store) in, a published `ResultsVersion` out.

`oversight compute`, the demo and any other face call `compute(home, ...)`; it reads the
catalogue, the lake under `home.lake_dir`, for `since=<revision>` the operational store, and
the published results it starts from; it writes one new version under `home.results_dir`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from oversight.home import Home
from oversight.metrics.computation import used_items
from oversight.metrics.engines import Engine, connect
from oversight.metrics.incremental import apply_changes, detect_changes
from oversight.metrics.lakefiles import lake_periods
from oversight.metrics.organisations import OrgTree
from oversight.metrics.pipeline import run
from oversight.metrics.results import (
    ResultsVersion,
    current,
    current_version,
    publish,
    published,
)
from oversight.metrics.results import load as load_results
from oversight.metrics.since import Change, UnknownRevision, changes_since

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

Progress = Callable[[str, int, int], None]
"""(what is being done, steps done, steps in all)."""


class SinceError(ValueError):
    """`since` names neither a results version nor a revision, or there is nothing to update."""


def compute(
    home: Home,
    *,
    full: bool = False,
    since: str | None = None,
    engine: str | Engine = "duckdb",
    catalogue: Catalogue | None = None,
    progress: Progress | None = None,
) -> ResultsVersion:
    """Compute every metric for every ICB, region and England, with their statistics, and
    publish the result as the home's current version, which is returned.

    Without `full`, and when results are published, only the ICB-months that changed since
    them are recomputed (`since`: a results version, 'current', or a revision id, whose ICB-
    months and every later revision's are recomputed). When nothing changed, nothing is
    published and the current version is returned as it is.
    """
    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
    metrics = list(catalogue.metrics.values())
    datasets = list(used_items(metrics, catalogue.data_items))
    base_name, changes = None, None
    incremental = not full and bool(since or current_version(home))
    if incremental:
        base_name, changes = _since(home, since, datasets)
    eng = connect(engine) if isinstance(engine, str) else engine
    try:
        if not incremental:
            periods = lake_periods(home.lake_dir, datasets)
            tree = OrgTree.from_catalogue(catalogue, periods)
            total = len(datasets) + 1
            done = 0

            def step(name: str) -> None:
                nonlocal done
                done += 1
                if progress:
                    progress(f"computing {name}", done, total)

            comp = run(home.lake_dir, metrics, catalogue.data_items, tree, eng, progress=step)
            if progress:
                progress("computing", total, total)
            how = "full"
        else:
            comp = load_results(home, base_name)
            tree = OrgTree.from_catalogue(catalogue, comp.periods)
            if changes is None:
                changes = detect_changes(comp, home.lake_dir, datasets)
            if not changes:
                return current(home) or published(home, base_name)
            for n, change in enumerate(changes):
                if progress:
                    progress("recomputing changed ICB-months", n, len(changes))
                comp = apply_changes(comp, [change], home.lake_dir, metrics,
                                     catalogue.data_items, tree, eng)
            if progress:
                progress("recomputing changed ICB-months", len(changes), len(changes))
            how = f"incremental ({len(changes)} ICB-months)"
        return publish(comp, home, {"engine": eng.name, "how": how})
    finally:
        if isinstance(engine, str):
            eng.close()


def _since(
    home: Home, since: str | None, datasets: list[str]
) -> tuple[str | None, list[Change] | None]:
    """The results version to start from and, for a revision id, the changes to apply (None:
    detect them by comparing the lake with that version)."""
    if since in (None, "current"):
        return None, None
    if (home.results_dir / since).is_dir():
        return since, None
    try:
        changes = changes_since(since, home.database())
    except UnknownRevision:
        raise SinceError(
            f"{since!r} is neither a results version under {home.results_dir} nor a "
            "revision id in the store"
        ) from None
    if current_version(home) is None:
        raise SinceError("no published results to update: run `oversight compute --full` first")
    return None, [c for c in changes if c[0] in datasets]
