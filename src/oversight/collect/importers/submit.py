"""Store published statistics as returns: one submission per region (provider-level returns)
or ICB (ICB-level returns) per month, through the ordinary ingest path (validation, an
immutable revision, lineage, the audit log), so they reach the change feed like any other.

All parts are validated first (a dry run); only when every part passes is any stored, so a
file that fails anywhere leaves the home unchanged.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from oversight.collect.validation.spec import ARROW_TYPES

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue
    from oversight.collect.outcome import IngestResult
    from oversight.home import Home


class ReturnRefused(ValueError):
    """A part of a published file failed validation: nothing was stored."""


@dataclass(frozen=True)
class Stored:
    """One stored part: the organisation and month it is for, and its revision."""

    org: str
    period: str
    revision_id: str
    rows: int
    unchanged: bool


def parts(rows: pd.DataFrame, grain: str) -> list[tuple[str, str, pd.DataFrame]]:
    """(org, YYYY-MM, rows) per submission: by region for provider-level returns (a provider
    with no ICB still has a region), by ICB for ICB-level ones."""
    by = "region_code" if grain == "provider_month" else "icb_code"
    months = pd.to_datetime(rows["period"]).dt.strftime("%Y-%m")
    out = []
    for (org, month), part in rows.groupby([rows[by], months], sort=True):
        out.append((str(org), str(month), part.reset_index(drop=True)))
    return out


def _write(part: pd.DataFrame, catalogue: Catalogue, dataset_id: str, folder: Path) -> Path:
    dataset = catalogue.datasets[dataset_id]
    columns = [c for c in dataset.columns if not c.set_by_platform]
    arrays = []
    for c in columns:
        values = part[c.name] if c.name in part.columns else pd.Series([None] * len(part))
        values = values.astype(object).where(values.notna(), None)
        arrays.append(pa.array(values.tolist(), ARROW_TYPES[c.type]))
    table = pa.Table.from_arrays(arrays, names=[c.name for c in columns])
    path = folder / f"{dataset_id}.parquet"
    pq.write_table(table, path)
    return path


def submit_rows(
    home: Home,
    catalogue: Catalogue,
    collection: str,
    rows: pd.DataFrame,
    *,
    submitter: str,
    source: str,
) -> list[Stored]:
    """Validate every part of `rows` for `collection`, then store them all; ReturnRefused
    (naming the part, row, column and rule) when any part fails, with nothing stored."""
    from oversight.collect.ingest import ingest

    coll = catalogue.collections[collection]
    if coll.dataset is None:
        raise ReturnRefused(f"collection {collection} stores no dataset")
    grain = catalogue.datasets[coll.dataset].grain
    lake, engine = home.lake(), home.database()
    split = parts(rows, grain)
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n, (_, _, part) in enumerate(split):
            folder = Path(tmp) / str(n)
            folder.mkdir()
            files.append(_write(part, catalogue, coll.dataset, folder))

        def run(org: str, month: str, path: Path, dry: bool) -> IngestResult:
            return ingest(
                path,
                collection=collection,
                org=org,
                period=month,
                submitter=submitter,
                file_name=f"{source} [{org} {month}]",
                dry_run=dry,
                confirm=True,
                catalogue=catalogue,
                lake=lake,
                engine=engine,
            )

        for (org, month, _), path in zip(split, files, strict=True):
            result = run(org, month, path, True)
            if not result.accepted:
                raise ReturnRefused(f"{source} [{org} {month}]: {_first_issue(result)}")
        stored = []
        for (org, month, part), path in zip(split, files, strict=True):
            result = run(org, month, path, False)
            if not result.accepted or result.revision is None:
                raise ReturnRefused(f"{source} [{org} {month}]: {_first_issue(result)}")
            stored.append(
                Stored(org, month, result.revision.id, len(part), not result.created_revision)
            )
    return stored


def _first_issue(result: IngestResult) -> str:
    issues = result.report.get("issues") or result.report.get("errors") or []
    if not issues:
        return f"rejected ({result.status})"
    first = issues[0]
    where = ", ".join(
        f"{k} {first[k]}" for k in ("row", "column", "rule") if first.get(k) is not None
    )
    return f"{where}: {first.get('message', '')} ({len(issues)} issue(s) in all)"
