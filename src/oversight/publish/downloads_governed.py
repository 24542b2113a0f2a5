"""Annotations and rebases as bulk files beside each results version's figures.

    /api/v1/downloads/<version>/annotations.csv   every active annotation
    /api/v1/downloads/<version>/rebases.csv       every approved and reversed rebase, with
                                                  `in_results`: that version's limits use it

Both are the public view of the governed store (oversight.annotations.export: no proposal, no
withdrawn note) as it stands now, and the embargo applies as to the figures: a row about a
metric's month still under embargo for the caller (its date, or the month a rebase starts) is
left out until its release time. The mirror writes the public's files beside the results.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from oversight.home import Home
from oversight.publish import access
from oversight.publish.access import Viewer

FILES = {
    "annotations": "annotations.csv",
    "rebases": "rebases.csv",
}
"""The governed files of a version: name → file name."""
MEDIA_TYPE = "text/csv; charset=utf-8"

COLUMNS = {
    "annotations": {
        "id": "the annotation's id",
        "metric": "metric id the note is about",
        "org": "organisation code the note is about",
        "breakdown": "breakdown the note is about (empty: the total)",
        "group": "group within the breakdown",
        "date": "the day the note marks, YYYY-MM-DD",
        "text": "the note",
        "author": "who wrote it",
        "created_at": "when it was added (UTC)",
    },
    "rebases": {
        "id": "the rebase's id",
        "metric": "metric id whose SPC limits are recalculated",
        "org": "organisation code of the series",
        "starts": "first month of the new limits, YYYY-MM-DD",
        "state": "approved or reversed",
        "reason": "why the process changed",
        "proposed_by": "who proposed it",
        "proposed_at": "when (UTC)",
        "decided_by": "who approved (or reversed) it",
        "decided_at": "when (UTC)",
        "updated_at": "last change (UTC)",
        "in_results": "true when this results version's SPC limits use it",
    },
}
"""Each governed file's columns, for the data dictionary."""

_DAY = {"annotations": "date", "rebases": "starts"}


def frame(home: Home, version: str, name: str, viewer: Viewer, now: dt.datetime) -> pd.DataFrame:
    """One governed file's rows that `viewer` may see at `now` (KeyError for an unknown name)."""
    from oversight.annotations.export import annotations_frame, rebases_frame
    from oversight.metrics.rebase_input import recorded
    from oversight.metrics.results import published

    if name not in FILES:
        raise KeyError(name)
    engine = home.database()
    if name == "annotations":
        rows = annotations_frame(engine)
    else:
        rows = rebases_frame(engine, recorded(published(home, version)))
    return _released(rows, _DAY[name], viewer, now)


def _released(rows: pd.DataFrame, day: str, viewer: Viewer, now: dt.datetime) -> pd.DataFrame:
    """The rows whose metric × month the viewer may see (a row without a metric is kept)."""
    if rows.empty:
        return rows
    about = rows["metric"].notna()
    months = pd.to_datetime(rows[day].astype(str).str[:10]).dt.to_period("M").dt.start_time
    probe = pd.DataFrame({"metric_id": rows["metric"].astype(str), "org_code": rows["org"],
                          "period": months.dt.date}, index=rows.index)
    seen = access.rules().released(probe, viewer, now)
    keep = rows.index.isin(seen.index) | ~about.to_numpy()
    return rows[keep].reset_index(drop=True)


def csv_bytes(home: Home, version: str, name: str, viewer: Viewer, now: dt.datetime) -> bytes:
    """One governed file as CSV (a header alone when it holds no row)."""
    rows = frame(home, version, name, viewer, now)
    return rows.to_csv(index=False, columns=list(COLUMNS[name])).encode()


def mirror_files(home: Home, folder: Path, version: str, now: dt.datetime) -> list[str]:
    """Write the public's governed files of `version` into the mirror `folder` (each complete
    before it is renamed into place); their names, for the mirror's manifest."""
    from oversight.publish.downloads import _atomic

    for name, file in FILES.items():
        _atomic(folder / file, iter([csv_bytes(home, version, name, access.PUBLIC, now)]))
    return list(FILES.values())
