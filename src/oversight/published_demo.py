"""`oversight demo --data published`: a home built from NHS England's published statistics.

The folder of published files (default: the shared real data, /work/shared/data/real) is
stored as returns through the submission path, every metric is computed (from the returns:
there are no records), judged, and the portal serves it. `lake/_published/manifest.json`
records which sources were stored, from which publication, and which metrics they feed, so the
portal can say which figures are real, where they come from, and which metrics have none.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oversight.home import Home

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

SCHEMA = "oversight.published/1"


class NotAPublishedHome(ValueError):
    """The home holds data that is not a published-data demo; it will not be cleared."""


def manifest_path(home: Home) -> Path:
    return home.lake_dir / "_published" / "manifest.json"


def read_manifest(home: Home) -> dict[str, Any] | None:
    """The home's published-data manifest, or None for a home without one."""
    path = manifest_path(home)
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def published_national_total(home: Home, metric_id: str, month: dt.date) -> bool:
    """Whether England's figure of a metric and month is NHS England's published national
    total (see published_total)."""
    return published_total(home, "ENG", metric_id, month)


def published_total(home: Home, org_code: str, metric_id: str, month: dt.date) -> bool:
    """Whether England's or a region's figure of a metric and month is a published total over
    every provider: it is added up from a provider-level source's returns, which cover every
    provider (providers without an ICB included, under the region NHS England publishes them
    in), so a missing ICB-level row does not make it partial. An ICB-level source (cancer) is
    added up from ICBs, and an ICB's own figure is never such a total."""
    manifest = read_manifest(home)
    if manifest is None:
        return False
    from oversight.catalogue import load

    catalogue = load()
    if org_code != "ENG" and org_code not in catalogue.regions:
        return False
    wanted = f"{month:%Y-%m}"
    for source in manifest.get("sources", ()):
        dataset = catalogue.datasets.get(str(source.get("dataset")))
        if dataset is None or dataset.grain != "provider_month":
            continue
        if metric_id in source.get("metrics", ()) and any(
            str(m).startswith(wanted) for m in source.get("months", ())
        ):
            return True
    return False


def _prepare(home: Home) -> None:
    lake = home.lake_dir
    ours = manifest_path(home).exists() or home.synthetic_manifest.exists()
    if lake.exists() and any(lake.iterdir()) and not ours:
        raise NotAPublishedHome(
            f"{home.root} holds a lake that is not demo data; choose another home"
        )
    for sub in (lake, home.results_dir, home.judgements_dir, home.incoming_dir):
        if sub.exists():
            shutil.rmtree(sub)
    if home.database_file is not None:
        home.database_file.unlink(missing_ok=True)
    home.root.mkdir(parents=True, exist_ok=True)


def _reference_deciles(home: Home, source: Path) -> Path | None:
    """Copy the ICB population by deprivation decile from the source folder into the home's
    reference folder, where the judge finds it for peer groups and inequality (unless
    $OVERSIGHT_DEPRIVATION_FILE names another); None when the folder has none."""
    from oversight.judge.deprivation_file import DECILE_FILE

    found = source / DECILE_FILE
    if not found.is_file():
        return None
    home.reference_dir.mkdir(parents=True, exist_ok=True)
    copied = home.reference_dir / DECILE_FILE
    shutil.copyfile(found, copied)
    return copied


def fed_metrics(catalogue: Catalogue, collections: list[str]) -> dict[str, list[str]]:
    """Per stored collection, the metrics every data item of which it can feed."""
    out: dict[str, list[str]] = {}
    for collection in collections:
        dataset = catalogue.collections[collection].dataset
        fed = []
        for metric in catalogue.metrics.values():
            items = [catalogue.data_items[i] for i in metric.data_item_ids]
            if all(any(r.dataset == dataset for r in i.returns) for i in items):
                fed.append(metric.id)
        out[collection] = sorted(fed)
    return out


def build_published(
    home: Home, source: Path, *, catalogue: Catalogue | None = None, progress: bool = True
) -> dict[str, Any]:
    """Store the published files in `source` as returns, compute and judge; the manifest."""
    from oversight import config
    from oversight.collect.importers.published import SOURCES, store_folder
    from oversight.pipeline import compute_and_judge

    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
    if not source.is_dir():
        raise FileNotFoundError(f"{source}: no such folder of published files")
    _prepare(home)
    deciles = _reference_deciles(home, source)
    stored = store_folder(home, catalogue, source, f"demo:{getpass.getuser()}")
    fed = fed_metrics(catalogue, list(stored))
    sources: list[dict[str, Any]] = []
    for collection, parts in stored.items():
        src = SOURCES[collection]
        sources.append(
            {
                "collection": collection,
                "dataset": catalogue.collections[collection].dataset,
                "title": src.title,
                "publisher": src.publisher,
                "publication": src.publication,
                "level": src.level,
                "months": sorted({p.period for p in parts}),
                "revisions": len(parts),
                "metrics": fed[collection],
            }
        )
    real = sorted({m for metrics in fed.values() for m in metrics})
    manifest = {
        "schema": SCHEMA,
        "source": str(source),
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "licence": "Contains public sector information licensed under the Open Government "
        "Licence v3.0 (NHS England).",
        "sources": sources,
        "metrics_with_published_data": real,
        "metrics_without_published_data": sorted(set(catalogue.metrics) - set(real)),
        "deprivation": None if deciles is None else deciles.name,
    }
    path = manifest_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    if progress:
        from oversight.metrics.command import compute_with_bar

        compute_with_bar(home, full=True, engine="duckdb")
    else:
        compute_and_judge(home, full=True, engine="duckdb", deciles=config.deprivation_file())
    return manifest
