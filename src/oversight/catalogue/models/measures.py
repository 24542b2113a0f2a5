"""Data items (what is collected or derived per ICB-month) and metrics (what is judged)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from oversight.catalogue.models.base import Entry, SnakeId
from oversight.catalogue.models.datasets import Grain

Op = Literal["==", "!=", "<", "<=", ">", ">=", "in", "is_null", "not_null"]
Aggregation = Literal["count", "sum", "mean", "quantile", "open_at_period_end"]
MetricKind = Literal["ratio", "difference", "value"]
Improvement = Literal["increase", "decrease", "neutral"]
Statistic = Literal["proportion", "rate", "mean", "count", "duration_percentile", "exact"]
Breakdown = Literal["imd_decile", "imd_quintile", "ethnicity_group", "age_band", "sex"]
Domain = Literal[
    "urgent_emergency_care",
    "community_services",
    "primary_care",
    "elective_care",
    "cancer",
    "diagnostics",
    "mental_health",
    "learning_disability_autism",
    "prevention",
    "finance",
    "workforce",
]
"""The area of care a metric belongs to (checks protect some areas, e.g. mental health)."""
Scalar = bool | int | float | str


class Condition(Entry):
    """One filter condition on a dataset column; a data item's conditions are ANDed."""

    column: SnakeId
    op: Op
    value: Scalar | tuple[Scalar, ...] | None = None

    @model_validator(mode="after")
    def _value_matches_op(self) -> Condition:
        if self.op in ("is_null", "not_null"):
            if self.value is not None:
                raise ValueError(f"op {self.op} takes no value")
        elif self.op == "in":
            if not isinstance(self.value, tuple):
                raise ValueError("op 'in' needs a list of values")
        elif self.value is None or isinstance(self.value, tuple):
            raise ValueError(f"op {self.op} needs a single value")
        return self


class ReturnSource(Entry):
    """An aggregate return that can feed a data item where its own dataset has no submission:
    the item is then the sum of `column` of `dataset` (an icb_month or provider_month dataset)."""

    dataset: SnakeId
    column: SnakeId
    per: SnakeId | None = None
    """A mean: the item is sum(`column`) / sum(`per`) (published total seconds over published
    incidents), so it adds up correctly from providers to regions and England."""
    provider_only: bool = False
    """A figure that cannot be added up (a published 90th centile): it feeds each provider's
    own figure only, never an ICB's, a region's or England's."""


class DataItem(Entry):
    """One definition of a collected item: how to get its ICB-month value from a dataset."""

    id: SnakeId
    description: str
    unit: str
    grain: Grain
    dataset: SnakeId
    aggregation: Aggregation
    column: SnakeId | None = None
    quantile: float | None = Field(default=None, gt=0, lt=1)
    start_column: SnakeId | None = None
    stop_column: SnakeId | None = None
    min_days: int | None = Field(default=None, ge=0)
    max_days: int | None = Field(default=None, ge=0)
    filter: tuple[Condition, ...] = ()
    collections: tuple[SnakeId, ...] = ()
    returns: tuple[ReturnSource, ...] = ()
    """Aggregate returns that feed the item where `dataset` has no submission for an ICB-month
    (e.g. NHS England's published A&E sitrep where there are no ECDS records)."""

    @model_validator(mode="after")
    def _fields_fit_aggregation(self) -> DataItem:
        agg = self.aggregation
        if agg in ("sum", "mean", "quantile") and self.column is None:
            raise ValueError(f"aggregation {agg} needs a column")
        if agg == "quantile" and self.quantile is None:
            raise ValueError("aggregation quantile needs quantile (e.g. 0.9)")
        if agg != "quantile" and self.quantile is not None:
            raise ValueError("quantile is only for aggregation quantile")
        if agg == "open_at_period_end" and (self.start_column is None or self.stop_column is None):
            raise ValueError("aggregation open_at_period_end needs start_column and stop_column")
        if (self.min_days is not None or self.max_days is not None) and (
            self.start_column is None or self.stop_column is None
        ):
            raise ValueError("min_days/max_days need start_column and stop_column")
        if (
            self.min_days is not None
            and self.max_days is not None
            and self.min_days >= self.max_days
        ):
            raise ValueError("min_days must be less than max_days")
        if self.grain != "record" and agg not in ("sum", "mean"):
            raise ValueError(f"aggregate-grain items are summed or averaged, not {agg}")
        return self

    def columns_used(self) -> tuple[str, ...]:
        """Every dataset column the item reads (for reference checks)."""
        named = (self.column, self.start_column, self.stop_column)
        return tuple(c for c in named if c) + tuple(c.column for c in self.filter)


class Metric(Entry):
    """A published measure computed from data items by a stated method."""

    id: SnakeId
    title: str
    description: str
    kind: MetricKind
    numerator: SnakeId
    denominator: SnakeId | None = None
    multiplier: float = 1.0
    unit: str = Field(min_length=1)
    improvement: Improvement
    statistic: Statistic
    breakdowns: tuple[Breakdown, ...] = ()
    source: str
    method_notes: str
    objective_ids: tuple[str, ...] = ()
    domain: Domain | None = None

    @field_validator("multiplier", mode="before")
    @classmethod
    def _fraction(cls, value: Any) -> Any:
        """Accept '1/60' so seconds-to-minutes reads as written."""
        if isinstance(value, str):
            return float(Fraction(value.replace(" ", "")))
        return value

    @model_validator(mode="after")
    def _denominator_fits_kind(self) -> Metric:
        if self.kind in ("ratio", "difference") and self.denominator is None:
            raise ValueError(f"a {self.kind} metric needs a denominator")
        if self.kind == "value" and self.denominator is not None:
            raise ValueError("a value metric has no denominator")
        return self

    @property
    def data_item_ids(self) -> tuple[str, ...]:
        return (self.numerator,) + ((self.denominator,) if self.denominator else ())
