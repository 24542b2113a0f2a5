"""The compute stage: a home's lake (and store) in, a published `ResultsVersion` out.

`oversight compute`, the demo and any other face call `compute(home, ...)`; it reads the
catalogue, the lake under `home.lake_dir`, for `since=<revision>` the operational store, and
the published results it starts from; it writes one new version under `home.results_dir`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from oversight.home import Home
from oversight.metrics import rebase_input
from oversight.metrics.computation import used_items
from oversight.metrics.engines import Engine, connect
from oversight.metrics.incremental import apply_changes, detect_changes
from oversight.metrics.lakefiles import lake_periods, list_files
from oversight.metrics.organisations import OrgTree
from oversight.metrics.pipeline import run
from oversight.metrics.results import (
    ResultsVersion,
    current,
    current_version,
    publish,
    publish_delta,
    published,
)
from oversight.metrics.returns import return_items
from oversight.metrics.since import Change, UnknownRevision, changes_since
from oversight.metrics.statistics import respc

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
    rebases: rebase_input.Rebases | None = None,
    changes: list[Change] | None = None,
) -> ResultsVersion:
    """Compute every metric for every ICB, region and England, with their statistics, and
    publish the result as the home's current version, which is returned.

    Without `full`, and when results are published, only the ICB-months that changed since
    them are recomputed (`since`: a results version, 'current', or a revision id, whose ICB-
    months and every later revision's are recomputed). When nothing changed, nothing is
    published and the current version is returned as it is.

    SPC limits start again at every approved rebase (`rebases`; default: the operational
    store's, oversight.annotations); a rebase approved or reversed since the version it
    starts from is itself a change (its series' SPC is computed again). The rebases used are
    recorded in the version's manifest (rebase_input.recorded), so passing them back
    reproduces a version.
    """
    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
    metrics = list(catalogue.metrics.values())
    returns = [
        d for d in return_items(metrics, catalogue.data_items) if list_files(home.lake_dir, d)
    ]
    datasets = [*used_items(metrics, catalogue.data_items), *returns]
    base_name, found = None, None
    # A home holding aggregate returns (published statistics: small) is always computed whole.
    incremental = not full and not returns and bool(since or current_version(home))
    if incremental:
        base_name, found = _since(home, since, datasets)
    if changes is not None:
        found = [c for c in changes if c[0] in datasets]
    rebases = rebase_input.normal(rebase_input.stored(home) if rebases is None else rebases)
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

            comp = run(home.lake_dir, metrics, catalogue.data_items, tree, eng, progress=step,
                       rebases=rebase_input.frame(rebases), datasets=catalogue.datasets)
            if progress:
                progress("computing", total, total)
            how = "full"
        else:
            base = published(home, base_name)
            moved = rebase_input.changed_series(rebase_input.recorded(base), rebases)
            if base.partitioned and not moved:
                return _delta(home, base, found, datasets, catalogue, eng, progress, rebases)
            comp = base.computation()
            tree = OrgTree.from_catalogue(catalogue, comp.periods)
            if found is None:
                found = detect_changes(comp.presence, comp.periods, home.lake_dir, datasets)
            changes = found
            if not changes and not moved:
                return current(home) or base
            for n, change in enumerate(changes):
                if progress:
                    progress("recomputing changed ICB-months", n, len(changes))
                comp = apply_changes(comp, [change], home.lake_dir, metrics,
                                     catalogue.data_items, tree, eng)
            if progress:
                progress("recomputing changed ICB-months", len(changes), len(changes))
            how = f"incremental ({len(changes)} ICB-months)"
            if moved:
                how = how[:-1] + f", rebases changed on {len(moved)} metric x organisation)"
            if comp.statistics is not None:
                again = moved | {(m, o) for m, o, _ in rebases}
                comp.statistics = respc(comp.statistics, comp.metrics,
                                        {m.id: m for m in metrics},
                                        rebase_input.frame(rebases), again)
        info: dict[str, object] = {
            "engine": eng.name, "how": how,
            rebase_input.MANIFEST_KEY: rebase_input.to_manifest(rebases),
        }
        if incremental:
            info["changes"] = _changes(base.id, changes or [], moved)
        return publish(comp, home, info)
    finally:
        if isinstance(engine, str):
            eng.close()


def _changes(
    base: str, changes: list[Change], moved: set[tuple[str, str]]
) -> dict[str, object]:
    """What an incremental version recomputed, for the stages after it (the judge re-judges
    only the metrics these feed): the version it started from, the ICB-months and the metric x
    organisation series whose rebases changed."""
    return {
        "from": base,
        "icb_months": [[d, icb, f"{p:%Y-%m}"] for d, icb, p in sorted(changes)],
        "series": [[m, o] for m, o in sorted(moved)],
    }


def _delta(
    home: Home,
    base: ResultsVersion,
    changes: list[Change] | None,
    datasets: list[str],
    catalogue: Catalogue,
    engine: Engine,
    progress: Progress | None,
    rebases: rebase_input.Rebases,
) -> ResultsVersion:
    """Recompute the changed ICB-months on a partitioned version and publish only the pieces
    they touched (oversight.metrics.delta); the rebases are the base's (unchanged)."""
    from oversight.metrics.delta import recompute

    if changes is None:
        changes = detect_changes(base.presence(), base.periods, home.lake_dir, datasets)
    tree = OrgTree.from_catalogue(catalogue, base.periods)
    if progress:
        progress("recomputing changed ICB-months", 0, len(changes))
    delta = recompute(base, changes, home.lake_dir, list(catalogue.metrics.values()),
                      catalogue.data_items, tree, engine, rebase_input.frame(rebases))
    if delta is None:
        return current(home) or base
    if progress:
        progress("recomputing changed ICB-months", len(changes), len(changes))
    info = {
        "engine": engine.name,
        "how": f"incremental ({len(delta.changes)} ICB-months)",
        rebase_input.MANIFEST_KEY: rebase_input.to_manifest(rebases),
        "changes": _changes(base.id, delta.changes, set()),
        "metric_ids": sorted(delta.metric_ids),
        "orgs": sorted(delta.orgs),
    }
    return publish_delta(home, base, delta.comp, delta.orgs, delta.partial_keys,
                         delta.funnels, delta.months, info, delta.totals)


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
