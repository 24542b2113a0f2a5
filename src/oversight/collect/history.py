"""The submitter's own history, for the outlier rule: each data item's monthly value in the
revisions in effect for the same collection and organisation over the previous 12 months.

Values come from the validation report saved with the submission that created each revision
(`totals`); a revision stored before reports carried totals is summed from its Parquet file
with the validator's own item definitions, so both ways agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow.parquet as pq
from sqlalchemy import Engine, select

from oversight.collect.revisions import latest_by_period
from oversight.period import Period
from oversight.store import database
from oversight.store.lake import Lake
from oversight.store.models import Revision, Submission

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

HISTORY_MONTHS = 12


def previous_months(period: str, count: int = HISTORY_MONTHS) -> list[str]:
    """The `count` months before `period` ('YYYY-MM'), oldest first."""
    month = Period.parse_month(period)
    return [str(m) for m in (month - count).through(month - 1)]


def submitter_history(
    catalogue: Catalogue, collection: str, org: str, period: str, engine: Engine, lake: Lake
) -> dict[str, list[float]]:
    """data item id → values of the previous months that have a revision, oldest first."""
    revisions = latest_by_period(collection, org, previous_months(period), engine)
    if not revisions:
        return {}
    totals = _saved_totals([r.id for r in revisions], engine)
    history: dict[str, list[float]] = {}
    for rev in revisions:
        values = totals.get(rev.id)
        if values is None:
            values = _totals_from_file(catalogue, collection, rev, lake)
        for item, value in values.items():
            history.setdefault(item, []).append(float(value))
    return history


def _saved_totals(ids: list[str], engine: Engine) -> dict[str, dict[str, float]]:
    query = select(Submission.revision_id, Submission.report).where(
        Submission.revision_id.in_(ids), Submission.created_revision.is_(True)
    )
    with database.session(engine) as s:
        rows = s.execute(query).all()
    return {rid: report["totals"] for rid, report in rows if isinstance(report.get("totals"), dict)}


def _totals_from_file(
    catalogue: Catalogue, collection: str, rev: Revision, lake: Lake
) -> dict[str, float]:
    from oversight.collect.validation.outliers import ItemTotals
    from oversight.collect.validation.spec import build_spec

    totals = ItemTotals(build_spec(catalogue, collection, rev.period))
    path = lake.root / rev.lake_path
    if not path.exists():
        return {}
    for batch in pq.ParquetFile(path).iter_batches(batch_size=262_144):
        totals.add({name: batch.column(name) for name in batch.schema.names})
    return totals.values()
