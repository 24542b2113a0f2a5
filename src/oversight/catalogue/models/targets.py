"""Targets: national per planning year and local per ICS, versioned, with trajectories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any, Literal, NamedTuple, Protocol, TypeVar

from pydantic import AfterValidator, Field, field_validator, model_validator

from oversight.catalogue.models.base import Entry, Verification
from oversight.catalogue.models.organisations import ICBCode
from oversight.period import Kind, Period

Comparison = Literal[">=", "<=", ">", "<", "=="]


def _planning_year(value: str) -> str:
    """Planning-year text like 2023/24 (oversight.period), kept as text in the catalogue."""
    return str(Period.parse_planning_year(value))


PlanningYear = Annotated[str, AfterValidator(_planning_year)]


def planning_year_of(period: dt.date) -> str:
    """The NHS planning (financial) year a date falls in: April to March, e.g. '2023/24'."""
    return str(Period.of(period, Kind.PLANNING_YEAR))


class TrajectoryPoint(NamedTuple):
    """The planned value for one month (period = first day of the month)."""

    period: dt.date
    value: float


class Target(Entry):
    """A goal on a metric: national (every ICB) or local (one ICS), with its provenance."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.\-/]+$")
    scope: Literal["national", "local"]
    metric_id: str
    planning_year: PlanningYear
    value: float
    comparison: Comparison
    deadline: dt.date
    owner: str
    rationale: str
    trajectory: tuple[TrajectoryPoint, ...] = ()
    date_set: dt.date
    status: Literal["draft", "published"]
    version: int = Field(default=1, ge=1)
    supersedes: str | None = None
    icb_code: ICBCode | None = None
    objective_id: str | None = None
    headline: bool = False
    source: str
    verification: Verification

    @field_validator("trajectory", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        """Accept [[date, value], …] and [{period, value}, …]."""
        if isinstance(value, list):
            return [(p["period"], p["value"]) if isinstance(p, dict) else tuple(p) for p in value]
        return value

    @model_validator(mode="after")
    def _scope_fits(self) -> Target:
        if self.scope == "local" and self.icb_code is None:
            raise ValueError("a local target needs icb_code")
        if self.scope == "national" and self.icb_code is not None:
            raise ValueError("a national target has no icb_code")
        if self.supersedes is not None and self.version == 1:
            raise ValueError("a target that supersedes another must have version > 1")
        return self

    def met_by(self, value: float) -> bool:
        """True when `value` meets the target."""
        ops = {
            ">=": value >= self.value,
            "<=": value <= self.value,
            ">": value > self.value,
            "<": value < self.value,
            "==": value == self.value,
        }
        return ops[self.comparison]


class TargetLike(Protocol):
    """What the judge reads of a target: the catalogue's Target has it, and so does a target
    register's stored version."""

    @property
    def id(self) -> str: ...
    @property
    def scope(self) -> str: ...
    @property
    def metric_id(self) -> str: ...
    @property
    def icb_code(self) -> str | None: ...
    @property
    def planning_year(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def comparison(self) -> str: ...
    @property
    def trajectory(self) -> tuple[TrajectoryPoint, ...]: ...
    @property
    def date_set(self) -> dt.date: ...
    @property
    def deadline(self) -> dt.date: ...
    @property
    def status(self) -> str: ...
    @property
    def version(self) -> int: ...


TargetT = TypeVar("TargetT", bound=TargetLike)


def standing_national_target(
    targets: Iterable[TargetT], metric_id: str, on: dt.date
) -> TargetT | None:
    """The national target on a metric that stands on a date: the one set for that planning
    year, else the latest earlier one (a target stands until the guidance replaces it); the
    highest version wins within a year. None when no planning year up to then set one."""
    wanted = planning_year_of(on)
    candidates = [
        t
        for t in targets
        if t.scope == "national" and t.metric_id == metric_id and t.planning_year <= wanted
    ]
    return max(candidates, key=lambda t: (t.planning_year, t.version), default=None)
