"""Annotations and rebases as tables, for downloads beside the results (public view).

`applied`: the (metric, organisation, month) rebases a results version was computed with
(oversight.metrics.rebase_input.recorded), so each rebase row says whether the published
limits use it yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Engine

from oversight.annotations.annotation_store import annotations_for
from oversight.annotations.rebase_store import rebases_for

ANNOTATION_COLUMNS = ["id", "metric", "org", "breakdown", "group", "date", "text", "author",
                      "created_at"]
REBASE_COLUMNS = ["id", "metric", "org", "starts", "state", "reason", "proposed_by",
                  "proposed_at", "decided_by", "decided_at", "updated_at", "in_results"]


def annotations_frame(engine: Engine) -> pd.DataFrame:
    """Every active annotation, in date order."""
    rows = [{k: v.to_json()[k] for k in ANNOTATION_COLUMNS} for v in annotations_for(engine)]
    return pd.DataFrame(rows, columns=ANNOTATION_COLUMNS)


def rebases_frame(engine: Engine, applied: Iterable[tuple[str, str, dt.date]]) -> pd.DataFrame:
    """Every approved and reversed rebase; `in_results`: the published limits use it."""
    used = set(applied)
    rows = []
    for v in rebases_for(engine, None):
        row = {k: v.to_json()[k] for k in REBASE_COLUMNS[:-1]}
        row["in_results"] = (v.metric, v.org, v.starts) in used
        rows.append(row)
    return pd.DataFrame(rows, columns=REBASE_COLUMNS)
