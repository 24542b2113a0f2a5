"""Reading the triggers' inputs at the edge: segment and CQC files, SPC runs from the results."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from oversight.home import Home
from oversight.judge.escalation.triggers import concern_runs


class InputError(ValueError):
    """A trigger input file that cannot be read; the message says which and why."""


def read_segments(path: Path) -> dict[str, int]:
    """org -> segment from a JSON list of objects with `org` and `segment` (1-5)."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        found = {str(r["org"]): int(r["segment"]) for r in rows}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(
            f"{path}: expected a JSON list of objects with org and segment ({error})"
        ) from None
    if bad := sorted(o for o, s in found.items() if not 1 <= s <= 5):
        raise InputError(f"{path}: segments must be 1 to 5 (see {', '.join(bad)})")
    return found


def read_cqc(path: Path) -> dict[str, str]:
    """org -> rating from a CSV with columns org and rating."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return {r["org"].strip(): r["rating"].strip() for r in csv.DictReader(handle)}
    except (OSError, KeyError, AttributeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: expected a CSV with columns org and rating ({error})") from None


def national_target_metrics() -> set[str]:
    """Metrics with a national target in the catalogue (any planning year)."""
    from oversight.catalogue import load

    return {t.metric_id for t in load().targets.values() if t.scope == "national"}


def national_concerns(home: Home, months: int) -> dict[tuple[str, str], int]:
    """(ICB, metric) -> months of special-cause concern ending at the latest month, for
    national-target metrics in the published results; empty before the first compute."""
    from oversight.metrics.results import current

    version = current(home)
    if version is None:
        return {}
    rows = version.rows()
    if "spc_point_type" not in rows.columns:
        return {}
    # cases are on the organisations under oversight: ICBs, not regions or England
    rows = rows[(rows["group"] == "total") & (rows["org_type"] == "icb")]
    return concern_runs(rows, national_target_metrics(), months)
