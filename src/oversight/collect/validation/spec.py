"""What the validator needs from the catalogue, resolved once per submission.

Reads the catalogue by attribute (collections, datasets, data_items, metrics, icbs,
merged_icbs, providers, regions) so small test catalogues work as well as the real one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from oversight.period import MonthLike, Period

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue, Collection, Column, DataItem

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "int8": pa.int8(),
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
}
"""Catalogue column type → Arrow type of the batches check_batch returns."""


@dataclass(frozen=True)
class RatioPair:
    """Two columns of one row where the first cannot exceed the second (from a ratio metric)."""

    numerator: str
    denominator: str
    metric: str


@dataclass(frozen=True)
class Spec:
    """The dataset's submitted columns, grain and the catalogue facts the rules need."""

    collection_id: str
    dataset_id: str
    grain: str
    columns: tuple[Column, ...]
    schema: pa.Schema
    period_column: str
    period_start: dt.date
    period_end: dt.date
    ratio_pairs: tuple[RatioPair, ...]
    data_items: tuple[DataItem, ...]
    key_columns: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def grain_key(self) -> tuple[str, ...]:
        """Columns identifying a row: record_id for records, icb_code + period (+ the dataset's
        key columns, e.g. a provider's ods_code) for aggregates."""
        if self.grain == "record":
            return ("record_id",)
        return ("icb_code", self.period_column, *self.key_columns)


def _ratio_pairs(
    catalogue: Catalogue, collection: Collection, dataset_id: str
) -> tuple[RatioPair, ...]:
    """Ratio metrics whose numerator and denominator are both summed columns of this return."""
    items = getattr(catalogue, "data_items", {})
    wanted = set(collection.data_items)
    pairs: list[RatioPair] = []
    for metric in getattr(catalogue, "metrics", {}).values():
        if metric.kind != "ratio" or getattr(metric, "statistic", "proportion") != "proportion":
            continue
        num, den = items.get(metric.numerator), items.get(metric.denominator)
        if num is None or den is None or not {num.id, den.id} <= wanted:
            continue
        if num.dataset != dataset_id or den.dataset != dataset_id:
            continue
        summed = num.aggregation == "sum" == den.aggregation and not num.filter and not den.filter
        if summed and num.column and den.column and num.column != den.column:
            pairs.append(RatioPair(num.column, den.column, metric.id))
    return tuple(dict.fromkeys(pairs))


def build_spec(catalogue: Catalogue, collection_id: str, period: MonthLike) -> Spec:
    """Resolve a collection to its dataset's submitted columns; ValueError if there is none."""
    collection = catalogue.collections.get(collection_id)
    if collection is None:
        raise ValueError(f"unknown collection {collection_id!r}")
    dataset_id = getattr(collection, "dataset", None)
    if dataset_id is None or dataset_id not in catalogue.datasets:
        raise ValueError(f"collection {collection_id!r} stores no dataset to validate against")
    dataset = catalogue.datasets[dataset_id]
    columns = tuple(c for c in dataset.columns if not getattr(c, "set_by_platform", False))
    schema = pa.schema([pa.field(c.name, ARROW_TYPES[c.type], c.nullable) for c in columns])
    month = Period.month_of(period)
    items = getattr(catalogue, "data_items", {})
    return Spec(
        collection_id=collection_id,
        dataset_id=dataset_id,
        grain=getattr(dataset, "grain", getattr(collection, "grain", "record")),
        columns=columns,
        schema=schema,
        period_column=getattr(dataset, "period_column", "period"),
        period_start=month.start,
        period_end=month.end,
        ratio_pairs=_ratio_pairs(catalogue, collection, dataset_id),
        data_items=tuple(items[i] for i in collection.data_items if i in items),
        key_columns=tuple(getattr(dataset, "key_columns", ())),
    )
