"""Inequality measures stored with the judgements of a results version, and read back.

    <home>/judgements/<results version id>/inequality.parquet   one row per metric ×
                                                                organisation × month × window
                                          /inequality.json      how they were made
                                          /inequality_inputs.parquet  a digest of the inputs
                                                                per metric × month (what the
                                                                next version is compared with)

Kept beside the judgements (not in the results version, whose format the compute stage owns)
so the measures are versioned with the results they came from. Each file is written to a
temporary name and renamed into place, so a reader sees the old file or the new one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from oversight.judge.assessment.inequality import WINDOWS, Settings, measure
from oversight.period import MonthLike, Period

if TYPE_CHECKING:
    from oversight.home import Home
    from oversight.metrics.results import ResultsVersion

FILE = "inequality.parquet"
META = "inequality.json"
INPUTS = "inequality_inputs.parquet"
BREAKDOWNS = ["imd_decile", "imd_quintile", "ethnicity_group"]
KEYS = ["metric_id", "org_type", "org_code", "period", "breakdown", "group"]
METHOD = 1
"""Bumped when how the measures are made changes."""


def breakdown_rows(version: ResultsVersion, metrics: list[str]) -> pd.DataFrame:
    """The deprivation and ethnicity breakdown rows of a version with their intervals."""
    wanted = [("breakdown", "in", BREAKDOWNS), ("metric_id", "in", metrics)]
    cols = [*KEYS, "numerator", "denominator", "value", "sd"]
    rows = pd.read_parquet(version.metrics_path, columns=cols, filters=wanted)
    if version.statistics_path.exists():
        stats = pd.read_parquet(
            version.statistics_path, columns=[*KEYS, "ci_lower", "ci_upper"], filters=wanted
        )
        rows = rows.merge(stats, on=KEYS, how="left")
    else:
        rows["ci_lower"] = rows["ci_upper"] = float("nan")
    rows["period"] = pd.to_datetime(rows["period"]).dt.date
    return rows


def _replace(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    write(tmp)
    os.replace(tmp, path)


def month_digests(rows: pd.DataFrame) -> pd.DataFrame:
    """One digest per metric × month of its breakdown rows (any organisation, any column the
    measures read): equal digests, equal inputs."""
    cols = [*KEYS, "numerator", "denominator", "value", "sd", "ci_lower", "ci_upper"]
    hashed = pd.util.hash_pandas_object(rows[cols], index=False).to_numpy()
    frame = rows[["metric_id", "period"]].assign(digest=hashed)
    out = frame.groupby(["metric_id", "period"], sort=True)["digest"].sum()  # wraps: order-free
    return out.astype("uint64").reset_index()


def _months(period: dt.date) -> int:
    return period.year * 12 + period.month


def affected(changed: pd.DataFrame, periods: list[dt.date]) -> set[tuple[str, dt.date, str]]:
    """The (metric, month, window) cells whose inputs include a changed metric × month."""
    out: set[tuple[str, dt.date, str]] = set()
    start = _months(periods[0]) if periods else 0
    for metric, month in changed[["metric_id", "period"]].itertuples(index=False):
        for window, span in WINDOWS.items():
            for p in periods:
                whole = _months(p) - start >= span - 1  # the window has all its months
                if whole and 0 <= _months(p) - _months(month) < span:
                    out.add((str(metric), p, window))
    return out


def _reusable(home: Home, version: ResultsVersion, settings: Settings
              ) -> tuple[pd.DataFrame, pd.DataFrame] | None:  # fmt: skip
    """The parent version's measures and input digests, when made the same way."""
    parent = version.parent
    if parent is None or parent == version.id:
        return None
    where = home.judgements_dir / parent
    if not all((where / f).exists() for f in (FILE, META, INPUTS)):
        return None
    meta = json.loads((where / META).read_text())
    if meta.get("method") != METHOD or meta.get("settings") != json.loads(
        json.dumps(asdict(settings))
    ):
        return None
    old = pd.read_parquet(where / FILE)
    old["period"] = pd.to_datetime(old["period"]).dt.date
    digests = pd.read_parquet(where / INPUTS)
    digests["period"] = pd.to_datetime(digests["period"]).dt.date
    return old, digests


def _incremental(
    rows: pd.DataFrame, digests: pd.DataFrame, base: tuple[pd.DataFrame, pd.DataFrame],
    metrics: Any, settings: Settings,
) -> tuple[pd.DataFrame, int]:  # fmt: skip
    """The parent's measures with the cells whose inputs changed measured again."""
    old, old_digests = base
    both = digests.merge(old_digests, on=["metric_id", "period"], how="outer",
                         suffixes=("", "_old"), indicator=True)  # fmt: skip
    changed = both[(both["_merge"] != "both") | (both["digest"] != both["digest_old"])]
    periods = sorted(set(digests["period"]))
    cells = affected(changed, periods)
    keep = [
        (m, p, w) not in cells and p in set(periods)
        for m, p, w in old[["metric_id", "period", "window"]].itertuples(index=False)
    ]
    kept = old[keep]
    if not cells:
        return kept.reset_index(drop=True), 0
    first = min(_months(p) for _, p, _ in cells) - max(WINDOWS.values()) + 1
    period = pd.to_datetime(rows["period"])
    needed = rows[rows["metric_id"].isin({c[0] for c in cells}).to_numpy()
                  & (period.dt.year * 12 + period.dt.month >= first).to_numpy()]  # fmt: skip
    fresh = measure(needed, metrics, settings)
    wanted = [(m, p, w) in cells
              for m, p, w in fresh[["metric_id", "period", "window"]].itertuples(index=False)]
    frame = pd.concat([kept, fresh[wanted]], ignore_index=True)
    order = ["metric_id", "org_type", "org_code", "period", "window"]
    return frame.sort_values(order, kind="stable").reset_index(drop=True), len(cells)


def write(
    home: Home, version: ResultsVersion, catalogue: Any = None, settings: Settings | None = None,
    incremental: bool = True,
) -> Path:  # fmt: skip
    """Measure inequality for a results version and store it with its judgements. With
    `incremental`, the parent version's measures are reused for the metric × month × window
    cells whose inputs did not change (the result equals measuring in full)."""
    from oversight.judge.assessment.inequality import applicable

    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
    metrics = sorted(
        set(applicable(catalogue.metrics, "imd_decile"))
        | set(applicable(catalogue.metrics, "ethnicity_group"))
    )
    settings = settings or Settings()
    rows = breakdown_rows(version, metrics)
    digests = month_digests(rows)
    base = _reusable(home, version, settings) if incremental else None
    if base is None:
        frame, how = measure(rows, catalogue.metrics, settings), "full"
    else:
        frame, redone = _incremental(rows, digests, base, catalogue.metrics, settings)
        how = f"incremental ({redone} metric-month-windows from {version.parent})"
    where = home.judgements_dir / version.id
    where.mkdir(parents=True, exist_ok=True)
    _replace(where / INPUTS, lambda p: digests.to_parquet(p, index=False))
    _replace(where / FILE, lambda p: frame.to_parquet(p, index=False))
    meta = {
        "results_version": version.id,
        "method": METHOD,
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "how": how,
        "rows": len(frame),
        "metrics": metrics,
        "settings": asdict(settings),
        "sii": "oversight.stats.inequality.sii, value_type 0, deciles most deprived first",
    }
    _replace(where / META, lambda p: p.write_text(json.dumps(meta, indent=2)))
    return where / FILE


def stored(home: Home, version_id: str) -> bool:
    return (home.judgements_dir / version_id / FILE).exists()


def inequality(
    home: Home,
    metric: str | None = None,
    org: str | None = None,
    period: MonthLike | None = None,
    window: str | None = None,
    version: str | None = None,
) -> pd.DataFrame:
    """The stored measures (default: of the published results' judgements), filtered."""
    from oversight.judge.stage import latest

    found = latest(home, version)
    if found is None or not (found.path / FILE).exists():
        where = f"results version {version}" if version else "the published results"
        raise FileNotFoundError(
            f"no inequality measures for {where} under {home.root}: run `oversight compute`"
        )
    filters: list[tuple[str, str, Any]] = []
    for col, val in (("metric_id", metric), ("org_code", org), ("window", window)):
        if val is not None:
            filters.append((col, "==", val))
    if period is not None:
        filters.append(("period", "==", Period.month_of(period).start))
    frame = pd.read_parquet(found.path / FILE, filters=filters or None)
    if len(frame):
        frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return frame.reset_index(drop=True)
