"""The portal's reference pages: methodology (rendered from docs/methodology.md), downloads
(what the open data API offers, as it stands), the accessibility statement and about the data
(sources, coverage, scale, release times)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI
from markupsafe import Markup

import oversight
from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.judge.coverage import Coverage
from oversight.publish.web.site import Synthetic, synthetic
from oversight.publish.web.snapshot import snapshot

DOCS_DIR = Path(oversight.__file__).resolve().parents[2] / "docs"
"""The project's docs folder (present in a source checkout, which is how the portal runs)."""
METHODOLOGY = DOCS_DIR / "methodology.md"
DOWNLOADS_API = "/api/v1/downloads"


@dataclass(frozen=True)
class Document:
    title: str
    html: Markup | None
    """None when the document is not installed with this copy."""
    source: str


def _rewrite_links(html: str) -> str:
    """Links between docs pages point into the repository; inside the portal, links to
    other .md files cannot be followed, so they become plain text; anchors stay."""
    return re.sub(r'<a href="(?!#)[^"]*\.md(#[^"]*)?">(.*?)</a>', r"\2", html)


TABLE_OPEN = ('<div class="nhsuk-table-container" tabindex="0" role="region" '
              'aria-label="Table, scrolls sideways on small screens"><table class="nhsuk-table">')


@lru_cache(maxsize=2)
def _render(path: Path, mtime_ns: int) -> Markup:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    html = md.render(path.read_text(encoding="utf-8"))
    html = re.sub(r"<h1>(.*?)</h1>", r'<h1 class="nhsuk-heading-xl">\1</h1>', html, count=1)
    html = html.replace("<table>", TABLE_OPEN)
    html = html.replace("</table>", "</table></div>")
    html = re.sub(r"<h([234])>(.*?)</h\1>", _anchored, html)
    return Markup(_rewrite_links(html))


def _anchored(found: re.Match[str]) -> str:
    level, text = found.group(1), found.group(2)
    return f'<h{level} id="{_slug(text)}">{text}</h{level}>'


def _slug(heading: str) -> str:
    text = re.sub(r"<[^>]+>", "", heading).lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"\s", "-", text.strip())


def methodology() -> Document:
    if not METHODOLOGY.exists():
        return Document("Methodology", None, "docs/methodology.md")
    return Document("Methodology", _render(METHODOLOGY, METHODOLOGY.stat().st_mtime_ns),
                    "docs/methodology.md")


@dataclass(frozen=True)
class Endpoint:
    path: str
    summary: str


@dataclass(frozen=True)
class DownloadsPage:
    bulk: bool
    """Whether the bulk downloads API (/api/v1/downloads) is served by this portal."""
    endpoints: tuple[Endpoint, ...]


def downloads(app: FastAPI) -> DownloadsPage:
    """What the portal offers for download now, read from its own routes."""
    from fastapi.routing import APIRoute

    endpoints = []
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path.startswith("/api/v1/") \
                and "GET" in (route.methods or set()) and "submission" not in route.path:
            doc = (route.endpoint.__doc__ or "").strip().split("\n\n")[0]
            endpoints.append(Endpoint(route.path, " ".join(doc.split())))
    bulk = any(e.path == DOWNLOADS_API for e in endpoints)
    return DownloadsPage(bulk, tuple(sorted(endpoints, key=lambda e: e.path)))


@dataclass(frozen=True)
class Source:
    title: str
    metrics: tuple[str, ...]


@dataclass(frozen=True)
class Release:
    collection: str
    due: str


@dataclass(frozen=True)
class AboutPage:
    synthetic: Synthetic | None
    published: dt.datetime | None
    first: dt.date | None
    last: dt.date | None
    sources: tuple[Source, ...]
    coverage: tuple[tuple[str, Coverage], ...]
    releases: tuple[Release, ...]


def about(home: Home) -> AboutPage:
    from oversight.metrics import published

    snap = snapshot(home)
    catalogue = load_catalogue()
    sources: dict[str, list[str]] = {}
    for m in catalogue.metrics.values():
        sources.setdefault(m.source, []).append(m.title)
    created = None
    if snap.results_id is not None:
        created = published(home, snap.results_id).created
    periods = sorted(snap.latest_periods.values())
    coverage = []
    icbs = snap.results[snap.results["org_type"] == "icb"] if len(snap.results) else None
    for metric_id, at in snap.latest_periods.items():
        expected = len(catalogue.icbs_on(at)) if hasattr(catalogue, "icbs_on") else 42
        if icbs is None:
            continue
        rows = icbs[(icbs["metric_id"] == metric_id) & (icbs["period"] == at)]
        coverage.append((catalogue.metrics[metric_id].title,
                         Coverage(min(int(rows["value"].notna().sum()), expected), expected)))
    releases = tuple(
        Release(c.title, f"{c.deadline} working days after the end of the month"
                + (" (quarterly for ICSs with earned autonomy)" if c.relaxable else ""))
        for c in catalogue.collections.values() if c.deadline is not None
    )
    first = min((p for p in snap.results["period"]), default=None) if len(snap.results) else None
    return AboutPage(
        synthetic=synthetic(home), published=created, first=first,
        last=periods[-1] if periods else None,
        sources=tuple(Source(s, tuple(ms)) for s, ms in sources.items()),
        coverage=tuple(coverage), releases=releases,
    )
