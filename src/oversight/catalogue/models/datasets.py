"""Datasets of the lake and their columns (the contract in docs/data-model.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator, model_validator

from oversight.catalogue.models.base import Entry, SnakeId

ColumnType = Literal["string", "int8", "int32", "int64", "float64", "bool", "date", "timestamp"]
Grain = Literal["record", "icb_month", "provider_month"]
"""record: one row per event; icb_month: one row per ICB-month; provider_month: one row per
provider (and, where published so, per commissioning ICB) per month, as NHS England's
provider-level returns are published."""


class Column(Entry):
    """One column of a dataset with the rule a submitted value must obey."""

    name: SnakeId
    type: ColumnType
    nullable: bool = False
    allowed_values: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    description: str
    set_by_platform: bool = False

    @model_validator(mode="after")
    def _bounds_in_order(self) -> Column:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min is greater than max")
        return self


class Dataset(Entry):
    """A lake dataset: record-level (one row per event), icb_month (one row per ICB-month) or
    provider_month (one row per provider-month, or provider x ICB-month)."""

    id: SnakeId
    grain: Grain
    period_column: SnakeId
    description: str
    columns: tuple[Column, ...]
    key_columns: tuple[SnakeId, ...] = ()
    """Columns that, with icb_code and the period, identify an aggregate row (a provider, a
    treatment function): an ICB has several rows a month in such a dataset."""

    @field_validator("columns", mode="before")
    @classmethod
    def _flatten(cls, value: Any) -> Any:
        """Allow shared column lists (YAML anchors) nested one level inside `columns`."""
        if isinstance(value, list):
            flat: list[Any] = []
            for item in value:
                flat.extend(item if isinstance(item, list) else [item])
            return flat
        return value

    @model_validator(mode="after")
    def _period_column_exists(self) -> Dataset:
        names = [c.name for c in self.columns]
        if len(set(names)) != len(names):
            raise ValueError("duplicate column names")
        if self.period_column not in names:
            raise ValueError(f"period_column {self.period_column!r} is not a column")
        unknown = [k for k in self.key_columns if k not in names]
        if unknown:
            raise ValueError(f"key_columns {', '.join(unknown)} are not columns")
        if self.grain == "provider_month" and "provider_code" in names:
            raise ValueError("a provider_month dataset names its provider in ods_code")
        return self

    def column(self, name: str) -> Column | None:
        """The column called `name`, or None."""
        return next((c for c in self.columns if c.name == name), None)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)
