"""`/api/v1/downloads`: the bulk files of every results version (CSV, JSON Lines, Parquet),
streamed, its annotations and rebases (CSV), and the data dictionary; embargoed for the caller
(oversight.publish.downloads, oversight.publish.downloads_governed)."""

from __future__ import annotations

from typing import Literal

from fastapi import HTTPException, Request
from fastapi.responses import Response, StreamingResponse

from oversight.home import Home
from oversight.metrics.results import current_version
from oversight.publish import access, downloads, downloads_governed
from oversight.publish.web.caching import matches
from oversight.publish.web.views.api_models import Download, Downloads
from oversight.publish.web.views.api_viewer import ViewerDep

Format = Literal["csv", "jsonl", "parquet"]


async def listing(request: Request) -> Downloads:
    """Every results version the server keeps, in each format, newest first; the dictionary."""
    home = request.app.state.home
    now = current_version(home)
    found = [
        Download(
            version=v.id, format=fmt, url=f"/api/v1/downloads/{v.id}/results.{fmt}",
            media_type=media, created=None if v.created is None else v.created.isoformat(),
            current=v.id == now,
        )
        for v in reversed(downloads.versions(home))
        for fmt, media in downloads.FORMATS.items()
    ]
    found += _governed_listing(home, now)
    return Downloads(dictionary="/api/v1/downloads/dictionary.json", downloads=found)


def _governed_listing(home: Home, now: str | None) -> list[Download]:
    """Each version's annotations and rebases files (downloads_governed)."""
    return [
        Download(
            version=v.id, format="csv", file=name, url=f"/api/v1/downloads/{v.id}/{file}",
            media_type=downloads_governed.MEDIA_TYPE,
            created=None if v.created is None else v.created.isoformat(), current=v.id == now,
        )
        for v in reversed(downloads.versions(home))
        for name, file in downloads_governed.FILES.items()
    ]


def _governed_file(request: Request, who: ViewerDep, version: str, name: str) -> Response:
    home = request.app.state.home
    if not downloads.exists(home, version):
        raise HTTPException(404, f"no results version {version[:40]!r}: see /api/v1/downloads")
    body = downloads_governed.csv_bytes(home, version, name, who, access.clock())
    file = downloads_governed.FILES[name]
    return Response(body, media_type=downloads_governed.MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{version}-{file}"'})


async def annotations_file(request: Request, who: ViewerDep, version: str) -> Response:
    """Every active annotation (public view) as CSV; 404 for a version the server does not
    keep. Notes on a month still under embargo for the caller are not in it."""
    return _governed_file(request, who, version, "annotations")


async def rebases_file(request: Request, who: ViewerDep, version: str) -> Response:
    """Every approved and reversed rebase as CSV, `in_results` saying whether this version's
    limits use it; 404 for a version the server does not keep. Rebases starting in a month
    still under embargo for the caller are not in it."""
    return _governed_file(request, who, version, "rebases")


async def dictionary_file() -> Response:
    """The data dictionary: result columns, metrics (definition, polarity, statistic, source,
    method notes, release time) and organisations."""
    return Response(downloads.dictionary_bytes(), media_type="application/json")


async def download(request: Request, who: ViewerDep, version: str, fmt: Format) -> Response:
    """One results version as a file, streamed; 404 for a version the server does not keep.
    Figures still under embargo for the caller are not in it."""
    home = request.app.state.home
    if not downloads.exists(home, version):
        raise HTTPException(404, f"no results version {version[:40]!r}: see /api/v1/downloads")
    now = access.clock()
    tag = downloads.etag(home, version, fmt, who, now)
    headers = {"ETag": tag, "Content-Disposition": f'attachment; filename="{version}.{fmt}"'}
    if matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers={"ETag": tag})
    return StreamingResponse(
        downloads.stream(home, version, fmt, who, now), media_type=downloads.FORMATS[fmt],
        headers=headers,
    )
