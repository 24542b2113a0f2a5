"""What segmentation reads: quarter values, financial status and recorded judgements.

Recorded judgements (capability reviews, nof-2022 segment decisions) are made by people: each
carries who decided and a mandatory reason, so a result can show them as judgements, not as
computed outcomes. Storing and auditing them is the caller's business.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from oversight.period import Period

Key = tuple[str, str]
"""(organisation code, metric id)."""


@dataclass(frozen=True)
class FinancialStatus:
    """An organisation's finances as the financial override reads them."""

    in_deficit: bool = False
    deficit_support: bool = False
    decided_by: str | None = None
    """Who recorded it (None: not a recorded judgement, e.g. a what-if input)."""
    reason: str | None = None
    recorded_on: dt.date | None = None

    @property
    def triggers_override(self) -> bool:
        return self.in_deficit or self.deficit_support

    @property
    def description(self) -> str:
        parts = [
            p
            for p, on in (
                ("in deficit", self.in_deficit),
                ("receiving deficit support", self.deficit_support),
            )
            if on
        ]
        return " and ".join(parts) or "not in deficit"

    @property
    def recorded(self) -> str:
        """", recorded by X on D, reason: R" for a recorded status; empty otherwise."""
        return recorded_words(self.decided_by, self.recorded_on, self.reason)


def recorded_words(who: str | None, on: dt.date | None, reason: str | None) -> str:
    """How a recorded judgement is shown: "recorded by X on 2026-12-06, reason: R"."""
    if not who:
        return ""
    when = f" on {on.isoformat()}" if on is not None else ""
    why = f", reason: {reason}" if reason else ""
    return f"recorded by {who}{when}{why}"


@dataclass(frozen=True)
class Recorded:
    """A judgement a person recorded for an organisation and quarter, with their reason."""

    org: str
    period: Period
    decided_by: str
    reason: str
    recorded_on: dt.date | None = field(default=None, kw_only=True)

    @property
    def recorded(self) -> str:
        return recorded_words(self.decided_by, self.recorded_on, self.reason)

    def __post_init__(self) -> None:
        if not self.decided_by.strip():
            raise ValueError(f"a recorded judgement for {self.org} needs who decided it")
        if not self.reason.strip():
            raise ValueError(f"a recorded judgement for {self.org} needs a reason")


@dataclass(frozen=True)
class CapabilityReview(Recorded):
    """A capability review; `intensive_support` moves a segment 4 organisation to segment 5."""

    intensive_support: bool = False


@dataclass(frozen=True)
class SegmentDecision(Recorded):
    """A nof-2022 segment decided by NHS England (it may differ from the proposal)."""

    segment: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 1 <= self.segment <= 5:
            raise ValueError(f"segment decision for {self.org} must be 1 to 5, got {self.segment}")


def _clean(values: Mapping[Key, float | None]) -> Mapping[Key, float | None]:
    """Missing and suppressed values (None, NaN) are simply absent."""
    kept = {k: float(v) for k, v in values.items() if v is not None and not math.isnan(float(v))}
    return MappingProxyType(dict(sorted(kept.items())))


@dataclass(frozen=True)
class Inputs:
    """One quarter's inputs for the organisations of one type.

    `values`: quarter values by (org, metric); absent, None or NaN means not available.
    `outcomes`: for nof-2022, the judge stage's outcomes by (org, metric), e.g.
    {"vs_england": "worse", "variation": "concern", "national_status": "missed"}.
    """

    period: Period
    orgs: tuple[str, ...]
    values: Mapping[Key, float | None] = field(default_factory=dict)
    """Stored without the missing ones: every value kept is a float."""
    finance: Mapping[str, FinancialStatus] = field(default_factory=dict)
    reviews: tuple[CapabilityReview, ...] = ()
    decisions: tuple[SegmentDecision, ...] = ()
    outcomes: Mapping[Key, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "orgs", tuple(sorted(set(self.orgs))))
        object.__setattr__(self, "values", _clean(self.values))
        unknown = sorted({o for o, _ in self.values} - set(self.orgs))
        if unknown:
            raise ValueError(f"values given for organisations not listed: {', '.join(unknown)}")
        for recorded in (*self.reviews, *self.decisions):
            if recorded.period != self.period:
                raise ValueError(
                    f"a judgement recorded for {recorded.org} in {recorded.period} was given "
                    f"for {self.period}"
                )

    def value(self, org: str, metric: str) -> float | None:
        return self.values.get((org, metric))

    def metric_values(self, metric: str) -> dict[str, float]:
        """Every organisation's value on a metric (only those that have one)."""
        by_metric = self.__dict__.get("_by_metric")
        if by_metric is None:  # split once: the move search asks for every metric often
            by_metric = {}
            for (o, m), v in self.values.items():
                if v is not None:
                    by_metric.setdefault(m, {})[o] = v
            object.__setattr__(self, "_by_metric", by_metric)
        return dict(by_metric.get(metric, {}))

    def with_value(self, org: str, metric: str, value: float | None) -> Inputs:
        """The same inputs with one value changed (what "what would move you" tries)."""
        values: dict[Key, float | None] = dict(self.values)
        values[(org, metric)] = value
        return replace_inputs(self, values=values)

    def review_for(self, org: str) -> CapabilityReview | None:
        return _last(r for r in self.reviews if r.org == org)

    def decision_for(self, org: str) -> SegmentDecision | None:
        return _last(d for d in self.decisions if d.org == org)

    def status(self, org: str) -> FinancialStatus:
        return self.finance.get(org, FinancialStatus())


def _last(items: Iterable[Any]) -> Any:
    """The last recorded judgement wins (a later record replaces an earlier one)."""
    found = None
    for item in items:
        found = item
    return found


def replace_inputs(inputs: Inputs, **changes: Any) -> Inputs:
    """The same inputs with some fields replaced (validated again)."""
    fields = {
        "period": inputs.period,
        "orgs": inputs.orgs,
        "values": inputs.values,
        "finance": inputs.finance,
        "reviews": inputs.reviews,
        "decisions": inputs.decisions,
        "outcomes": inputs.outcomes,
    }
    return Inputs(**{**fields, **changes})


def inputs_from_frame(
    frame: Any, period: Period, orgs: Iterable[str] | None = None, **rest: Any
) -> Inputs:
    """Inputs from a tidy frame with columns `org`, `metric`, `value` (one quarter)."""
    values = {
        (str(o), str(m)): None if v is None else float(v)
        for o, m, v in zip(
            frame["org"].tolist(), frame["metric"].tolist(), frame["value"].tolist(), strict=True
        )
    }
    listed = tuple(orgs) if orgs is not None else tuple({o for o, _ in values})
    return Inputs(period=period, orgs=listed, values=values, **rest)
