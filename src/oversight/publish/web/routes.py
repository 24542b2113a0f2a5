"""Every route of the portal, in one table: pages, the read API and the submission API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import FastAPI

from oversight.collect import api as submissions
from oversight.publish import feed_api
from oversight.publish.web.views import (
    annotations_api,
    api,
    api_catalogue,
    api_docs,
    api_downloads,
    api_results,
    assessments_api,
    pages,
    published,
)
from oversight.publish.web.views import targets as target_register
from oversight.publish.web.views.api_models import response_model_of, responses_of
from oversight.publish.web.views.cases import org_cases
from oversight.publish.web.views.equity import ROUTES as EQUITY_ROUTES

Route = tuple[str, str, Callable[..., Any], str]

ROUTES: list[Route] = [
    # the change feed (oversight.publish.feed_api)
    ("GET", "/api/v1/changes", feed_api.changes, "api_changes"),
    ("GET", "/api/v1/changes/stream", feed_api.stream, "api_changes_stream"),
    # (method, path, endpoint, name)
    # portal pages (publish.web.views.pages)
    ("GET", "/", pages.national, "national"),
    ("GET", "/metrics", pages.metrics, "metrics"),
    ("GET", "/metric/{metric_id}", pages.metric, "metric"),
    ("GET", "/icb/{code}", pages.icb, "icb"),
    ("GET", "/icb/{code}/{metric_id}", pages.icb_metric, "icb_metric"),
    ("GET", "/region/{code}", pages.region, "region"),
    ("GET", "/england", pages.england, "england"),
    ("GET", "/methodology", pages.methodology, "methodology"),
    ("GET", "/downloads", pages.downloads, "downloads"),
    ("GET", "/accessibility", pages.accessibility, "accessibility"),
    ("GET", "/about", pages.about, "about"),
    ("GET", "/healthz", pages.healthz, "healthz"),
    # published statistics (issue 15): sources, provider pages, RTT waiting times
    ("GET", "/sources", published.sources, "published_sources"),
    ("GET", "/provider/{code}", published.provider, "provider"),
    ("GET", "/area/{code}", published.area, "area"),
    ("GET", "/waiting-times", published.waiting, "waiting_times"),
    ("GET", "/api/v1/metrics/{metric_id}/latest", api.latest, "api_latest"),
    ("GET", "/api/v1/organisations/{code}/metrics/{metric_id}", api.series, "api_series"),
    (
        "GET",
        "/api/v1/organisations/{code}/metrics/{metric_id}/judgement",
        api.judgement,
        "api_judgement",
    ),
    # escalation cases, public summary (judge.escalation.public)
    ("GET", "/api/v1/organisations/{code}/cases", org_cases, "api_cases"),
    # the open-data API (docs/open-data.md)
    ("GET", "/api/v1/organisations", api_catalogue.organisations, "api_organisations"),
    ("GET", "/api/v1/organisations/{code}", api_catalogue.organisation, "api_organisation"),
    ("GET", "/api/v1/metrics", api_catalogue.metrics, "api_metrics"),
    ("GET", "/api/v1/metrics/{metric_id}", api_catalogue.metric, "api_metric"),
    ("GET", "/api/v1/results", api_results.results, "api_results"),
    ("GET", "/api/v1/judgements", api_results.judgements, "api_judgements"),
    ("GET", "/api/v1/downloads", api_downloads.listing, "api_downloads"),
    ("GET", "/api/v1/downloads/dictionary.json", api_downloads.dictionary_file, "api_dictionary"),
    ("GET", "/api/v1/downloads/{version}/results.{fmt}", api_downloads.download, "api_download"),
    ("GET", "/api/v1/downloads/{version}/annotations.csv", api_downloads.annotations_file,
     "api_download_annotations"),
    ("GET", "/api/v1/downloads/{version}/rebases.csv", api_downloads.rebases_file,
     "api_download_rebases"),
    ("GET", "/api/docs", api_docs.swagger, "api_docs"),
    ("POST", "/api/v1/submissions", submissions.submit, "api_submit"),
    ("GET", "/api/v1/submissions/{submission_id}", submissions.get_submission, "api_submission"),
    (
        "POST",
        "/api/v1/submissions/{submission_id}/confirm",
        submissions.confirm,
        "api_submission_confirm",
    ),
    # annotations, rebases and the rebase approver register (views/annotations_api.py)
    *annotations_api.ROUTES,
    # CQC assessments and the national equity view (views/assessments_api.py)
    *assessments_api.ROUTES,
    *EQUITY_ROUTES,  # the Equity in access page and its CSV (views/equity.py)
    *target_register.ROUTES,  # the target register: read by anyone, changed by role
]


def mount(app: FastAPI, routes: Sequence[Route]) -> None:
    """Add `routes` to `app`; API routes appear in its OpenAPI schema, pages do not."""
    for method, path, endpoint, name in routes:
        in_api = path.startswith("/api/") and path != "/api/docs"
        model = response_model_of(endpoint)  # a route sending cached bytes names its shape
        extra: dict[str, Any] = {} if model is None else {"response_model": model}
        app.add_api_route(path, endpoint, methods=[method], name=name, include_in_schema=in_api,
                          responses=responses_of(method, path) if in_api else None, **extra)
