"""Datasets of the lake and their columns (the contract in docs/data-model.md)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator, model_validator

from oversight.catalogue.models.base import Entry, SnakeId

ColumnType = Literal["string", "int8", "int32", "int64", "float64", "bool", "date", "timestamp"]
Grain = Literal["record", "icb_month"]


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
    """A lake dataset: record-level (one row per event) or icb_month (one row per ICB-month)."""

    id: SnakeId
    grain: Grain
    period_column: SnakeId
    description: str
    columns: tuple[Column, ...]

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
        return self

    def column(self, name: str) -> Column | None:
        """The column called `name`, or None."""
        return next((c for c in self.columns if c.name == name), None)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)
