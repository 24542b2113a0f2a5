"""The shapes the open-data API answers with: they are its OpenAPI schema, so a response
outside them is a bug schemathesis finds (tests/publish/test_api_schema.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

Level = Literal["england", "region", "icb", "provider"]
BreakdownName = Literal[
    "total", "imd_decile", "imd_quintile", "ethnicity_group", "age_band", "sex"
]


class Problem(BaseModel):
    """A refusal (400, 401, 404, 422): what was wrong, in words; a parameter of the wrong
    type or out of range gets FastAPI's list of what was wrong with which parameter."""

    detail: str | list[dict[str, Any]]


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "malformed period or cursor, stale cursor"},
    401: {"model": Problem, "description": "a bearer token was sent and is not valid"},
    404: {"model": Problem, "description": "no such organisation, metric or version"},
    422: {"model": Problem, "description": "unknown filter value, value out of range"},
}
"""The refusals every open-data route documents (its OpenAPI `responses`)."""


class Membership(BaseModel):
    region: str
    valid_from: dt.date
    valid_to: dt.date | None


class Organisation(BaseModel):
    """A region, ICB (with its region memberships and merger dates), provider or England."""

    code: str
    name: str
    level: Level
    ons_code: str | None = None
    region: str | None = Field(None, description="an ICB's region now; a provider's ICB's")
    icb: str | None = Field(None, description="the ICB a provider is attached to")
    kind: str | None = Field(None, description="a provider's kind (acute, ambulance, ...)")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = Field(None, description="the last day (inclusive); none: open")
    successor: str | None = Field(None, description="the ICB a merged ICB became")
    predecessors: list[str] = Field(default_factory=list, description="ICBs merged into it")
    memberships: list[Membership] = Field(default_factory=list)


class Organisations(BaseModel):
    organisations: list[Organisation]


class ReleaseRule(BaseModel):
    collection: str
    days_after_period_end: int
    time: str


class MetricEntry(BaseModel):
    """The data dictionary entry of a metric."""

    id: str
    title: str
    definition: str
    kind: str
    numerator: str
    denominator: str | None
    multiplier: float
    unit: str
    polarity: str = Field(description="increase, decrease or neutral: which way is better")
    statistic: str
    breakdowns: list[str]
    domain: str | None
    source: str
    method_notes: str
    collections: list[str] = Field(description="the stored collections it is computed from")
    release: list[ReleaseRule] = Field(description="embargo: none means public once validated")


class Metrics(BaseModel):
    metrics: list[MetricEntry]


class ResultRow(BaseModel):
    """One published figure: an organisation's metric value for a month and breakdown group,
    with its interval, SPC and funnel fields."""

    org: str
    level: str
    metric: str
    period: str = Field(description="the month, YYYY-MM")
    breakdown: str
    group: str
    value: float | None
    numerator: float | None
    denominator: float | None
    missing_reason: str | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    ci_method: str | None = None
    spc_mean: float | None = None
    spc_lpl: float | None = None
    spc_upl: float | None = None
    spc_special_cause: str | None = None
    spc_point_type: str | None = None
    variation_icon: str | None = None
    funnel_z: float | None = None
    funnel_lower: float | None = None
    funnel_upper: float | None = None
    funnel_position: str | None = None
    lineage: str | None = Field(None, description="lineage key: the revisions behind it")


class Page(BaseModel):
    version: str | None = Field(description="the results (or judgements) version read")
    total: int = Field(description="rows matching the filters, every page together")
    next: str | None = Field(description="cursor of the next page; none on the last")


class ResultsPage(Page):
    results: list[ResultRow]


class JudgementRow(BaseModel):
    """The judge's outcome for one organisation's figure in a month (total breakdown)."""

    org: str
    level: str
    metric: str
    period: str
    value: float | None
    variation: str | None = None
    target_id: str | None = None
    target_value: float | None = None
    national_status: str | None = None
    assurance: str | None = None
    local_target_id: str | None = None
    local_target_value: float | None = None
    local_status: str | None = None
    local_assurance: str | None = None
    england: float | None = None
    vs_england: str | None = None
    funnel: str | None = None
    peer_rank: float | None = None
    peer_count: float | None = None


class JudgementsPage(Page):
    judgements: list[JudgementRow]


class Download(BaseModel):
    version: str
    format: str
    file: str = Field("results", description="results, annotations or rebases")
    url: str
    media_type: str
    created: str | None = None
    current: bool


class Downloads(BaseModel):
    dictionary: str = Field(description="the data dictionary file's URL")
    downloads: list[Download]


FILE_TYPES = {
    ".csv": "text/csv",
    ".jsonl": "application/x-ndjson",
    ".parquet": "application/vnd.apache.parquet",
}


def responses_of(method: str, path: str) -> dict[int | str, dict[str, Any]] | None:
    """The documented answers of an API route: the refusals for a GET, and for a route whose
    path names a file (`.csv`, or `.{fmt}` for any of the bulk formats) that file's media
    type as its 200, so the description says what it really sends."""
    if method != "GET":
        return None
    out: dict[int | str, dict[str, Any]] = dict(ERRORS)
    suffix = path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ""
    types = list(FILE_TYPES.values()) if suffix == ".{fmt}" else (
        [FILE_TYPES[suffix]] if suffix in FILE_TYPES else []
    )
    if types:
        out[200] = {"description": "the file", "content": {
            t: {"schema": {"type": "string", "format": "binary"}} for t in types
        }}
    return out


RESPONSE_MODEL = "__response_model__"
F = TypeVar("F", bound=Callable[..., Any])


def answers(model: type[BaseModel]) -> Callable[[F], F]:
    """Mark a route that sends ready-made bytes (a cached answer) as answering with `model`,
    so its OpenAPI schema names the shape those bytes have (routes.mount reads the mark)."""

    def mark(endpoint: F) -> F:
        setattr(endpoint, RESPONSE_MODEL, model)
        return endpoint

    return mark


def response_model_of(endpoint: Callable[..., Any]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = getattr(endpoint, RESPONSE_MODEL, None)
    return model
