"""Every route of the portal, in one table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oversight.publish.web.views import api, pages

ROUTES: list[tuple[str, str, Callable[..., Any], str]] = [
    # (method, path, endpoint, name)
    ("GET", "/", pages.national, "national"),
    ("GET", "/icb/{code}", pages.icb, "icb"),
    ("GET", "/healthz", pages.healthz, "healthz"),
    ("GET", "/api/v1/metrics/{metric_id}/latest", api.latest, "api_latest"),
    ("GET", "/api/v1/organisations/{code}/metrics/{metric_id}", api.series, "api_series"),
]
