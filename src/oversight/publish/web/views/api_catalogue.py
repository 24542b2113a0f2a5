"""The open-data API's reference routes: organisations (with merger dates) and metrics (the
data dictionary). Both come from the catalogue, the same for every viewer."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from fastapi import HTTPException, Path

from oversight.catalogue import load as load_catalogue
from oversight.publish import dictionary
from oversight.publish.web.views.api_models import (
    Level,
    MetricEntry,
    Metrics,
    Organisation,
    Organisations,
)


@lru_cache(maxsize=1)
def _organisations() -> tuple[Organisation, ...]:
    return tuple(Organisation(**o) for o in dictionary.organisations(load_catalogue()))


@lru_cache(maxsize=1)
def _metrics() -> tuple[MetricEntry, ...]:
    return tuple(MetricEntry(**m) for m in dictionary.metrics(load_catalogue()))


async def organisations(level: Level | None = None) -> Organisations:
    """England, the regions, the ICBs (with region memberships and merger dates) and the
    providers; `?level=` keeps one level."""
    found = [o for o in _organisations() if level is None or o.level == level]
    return Organisations(organisations=found)


OrgCode = Annotated[str, Path(max_length=16, examples=["QMJ"])]
MetricId = Annotated[str, Path(max_length=64, examples=["ae_4hr"])]


async def organisation(code: OrgCode) -> Organisation:
    """One organisation by code (case-insensitive); 404 when the catalogue has none."""
    for o in _organisations():
        if o.code == code.upper():
            return o
    raise HTTPException(404, f"no organisation {code[:40]!r}: see /api/v1/organisations")


async def metrics() -> Metrics:
    """The data dictionary of every metric."""
    return Metrics(metrics=list(_metrics()))


async def metric(metric_id: MetricId) -> MetricEntry:
    """One metric's data dictionary entry; 404 for an unknown id."""
    for m in _metrics():
        if m.id == metric_id:
            return m
    raise HTTPException(404, f"no metric {metric_id[:40]!r}: see /api/v1/metrics")


def known_org(code: str) -> bool:
    return any(o.code == code for o in _organisations())


def known_metric(metric_id: str) -> bool:
    return any(m.id == metric_id for m in _metrics())
