"""What every page shares: the service name, the navigation that reaches every page type, and
the synthetic-data banner (with the generator's scale) whenever the home holds demo data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request

from oversight.home import Home

SERVICE_NAME = "ICS oversight"


@dataclass(frozen=True)
class NavLink:
    route: str
    """The route name (publish.web.routes) the link points at."""
    text: str


HEADER_LINKS = (
    NavLink("national", "All ICSs"),
    NavLink("metrics", "Metrics"),
    NavLink("england", "England and regions"),
    NavLink("equity", "Equity in access"),
    NavLink("methodology", "Methodology"),
    NavLink("downloads", "Downloads"),
)
FOOTER_LINKS = (
    NavLink("about", "About the data"),
    NavLink("accessibility", "Accessibility statement"),
    NavLink("methodology", "Methodology"),
    NavLink("downloads", "Downloads"),
)


@dataclass(frozen=True)
class Synthetic:
    """The home holds synthetic demo data generated at `scale` of England's population."""

    scale: float

    @property
    def percent(self) -> str:
        """The scale as a percentage people read: 0.002 → "0.2%", 1.0 → "100%"."""
        pct = self.scale * 100
        return f"{pct:.3g}%"


@lru_cache(maxsize=8)
def _read_manifest(path: Path, mtime_ns: int) -> Synthetic | None:
    try:
        scale = json.loads(path.read_text())["scale"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Synthetic(float(scale))


def synthetic(home: Home) -> Synthetic | None:
    """The synthetic generator's scale when the home holds demo data, else None; re-read only
    when the manifest changes."""
    path = home.synthetic_manifest
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    return _read_manifest(path, mtime)


def site_context(request: Request) -> dict[str, Any]:
    """The template globals every page gets (a Jinja2Templates context processor)."""
    home: Home | None = getattr(request.app.state, "home", None)
    return {
        "service_name": SERVICE_NAME,
        "header_links": HEADER_LINKS,
        "footer_links": FOOTER_LINKS,
        "synthetic": synthetic(home) if home is not None else None,
    }
