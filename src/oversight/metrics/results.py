"""The versioned results store and its typed read API.

    <home>/results/CURRENT                   the published version's name (swapped atomically)
    <home>/results/<version>/manifest.json   what the version holds: its periods, how it was
                                             made, and `parts`, the pieces that hold its rows
    <home>/results/parts/<table>/<key>/<version that wrote it>.parquet
                                             immutable pieces, shared between versions
                                             (oversight.metrics.partitions)

Tables: metrics (tidy metric rows), statistics (SPC and intervals), funnels (by month),
lineage (lineage key -> revision ids), and what incremental recomputes start from: items,
partials, presence. A full computation writes every piece; an incremental one
(`publish_delta`) writes only the pieces of the organisations, months and partials it
changed, so publishing one ICB-month rewrites three organisations' rows, not a million.

A version's pieces are complete (fsynced) before its manifest exists, and CURRENT is replaced
with os.replace, so readers see the old results or the new ones, never a mixture; an old
version stays readable until `prune` removes it (never the current one, never a young one).
A published version is read through `ResultsVersion`: its id, its pieces, and typed accessors
for its frames.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from oversight.home import Home
from oversight.metrics import partitions as parts
from oversight.metrics.computation import Computation
from oversight.period import MonthLike, Period

Change = tuple[str, str, dt.date]
"""(dataset, ICB code, month) of one changed ICB-month."""

POINTER = "CURRENT"
STAT_KEYS = ["metric_id", "org_type", "org_code", "period", "breakdown", "group"]


@dataclass(frozen=True)
class ResultsVersion:
    """One published (immutable) version of the results: where its files are, what it holds.

    Format 2 (what `publish` writes): the version folder holds only manifest.json, whose
    `parts` name the shared pieces (oversight.metrics.partitions) holding its rows. Format 1
    (a version folder with metrics.parquet etc. in it) is still read.
    """

    id: str
    path: Path

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    @cached_property
    def manifest(self) -> dict[str, Any]:
        return dict(json.loads(self.manifest_path.read_text()))

    @property
    def root(self) -> Path:
        """The results folder (pieces are named relative to it)."""
        return self.path.parent

    @property
    def parts(self) -> parts.Parts:
        """table -> key -> piece (empty for a format-1 version)."""
        return dict(self.manifest.get("parts", {}))

    @property
    def partitioned(self) -> bool:
        return "parts" in self.manifest

    @property
    def metrics_path(self) -> Path:
        """A path `pd.read_parquet` reads as this version's metric rows: the file of a format-1
        version, else a folder of hard links to its pieces (made on first use)."""
        return self._linked("metrics")

    @property
    def statistics_path(self) -> Path:
        """As `metrics_path`, for the statistics; a format-2 version's pieces hold no funnel
        columns (`statistics()` adds them)."""
        return self._linked("statistics")

    def _linked(self, table: str) -> Path:
        single = self.path / f"{table}.parquet"
        if not self.partitioned:
            return single
        folder = self.path / table
        if not folder.exists() and self.pieces(table):
            link_folder(folder, {k: self.root / v for k, v in self.parts[table].items()})
        return folder

    def pieces(self, table: str, keys: Iterable[str] | None = None) -> list[Path]:
        """The files holding a table's rows (all of them, or those of some partition keys):
        what a bulk download or a mirror copies."""
        if not self.partitioned:
            single = self.path / f"{table}.parquet"
            return [single] if single.exists() else []
        found = self.parts.get(table, {})
        wanted = sorted(found) if keys is None else [k for k in keys if k in found]
        return [self.root / found[k] for k in wanted]

    @property
    def parent(self) -> str | None:
        """The version that was current when this one was published."""
        return self.manifest.get("parent")

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.manifest["created"])

    @property
    def periods(self) -> list[dt.date]:
        """Every month the lake held when this version was computed."""
        return [dt.date.fromisoformat(p) for p in self.manifest["periods"]]

    @property
    def engine(self) -> str | None:
        return self.manifest.get("engine")

    @property
    def how(self) -> str | None:
        """'full' or 'incremental (n ICB-months)'."""
        return self.manifest.get("how")

    @property
    def changes(self) -> list[Change]:
        """The (dataset, ICB, month) changes this version was published for (empty for a full
        computation): the manifest's `changes.icb_months`."""
        recorded = self.manifest.get("changes")
        if not isinstance(recorded, dict):
            return []
        return [(str(d), str(o), Period.parse_month(str(p)).start)
                for d, o, p in recorded.get("icb_months", [])]

    @property
    def row_count(self) -> int:
        """Metric rows in this version (read from the Parquet footers, not the rows)."""
        return sum(pq.ParquetFile(p).metadata.num_rows for p in self.pieces("metrics"))

    def _read(
        self,
        table: str,
        org: str | None = None,
        filters: list[tuple[str, str, Any]] | None = None,
        columns: list[str] | None = None,
    ) -> pd.DataFrame:
        files = self.pieces(table, None if org is None else [org])
        if not self.partitioned:
            return pd.read_parquet(files[0], filters=filters, columns=columns)
        if not files:  # an organisation with no rows: the table's columns, no rows
            any_piece = self.pieces(table)[:1]
            return parts.read(self.root, any_piece, columns, filters).iloc[0:0]
        return parts.read(self.root, files, columns, filters)

    def metrics(
        self,
        metric: str | None = None,
        org: str | None = None,
        breakdown: str | None = "total",
        period: MonthLike | None = None,
        columns: list[str] | None = None,
        extra: list[tuple[str, str, Any]] | None = None,
    ) -> pd.DataFrame:
        """Metric rows (value, numerator, denominator, lineage key...), filtered (`extra`:
        more filters in pyarrow's form, such as ("period", "in", [dates])."""
        filters = (_filters(metric, org, breakdown, period) or []) + (extra or [])
        return self._read("metrics", org, filters or None, columns)

    def statistics(
        self,
        metric: str | None = None,
        org: str | None = None,
        breakdown: str | None = "total",
        period: MonthLike | None = None,
        columns: list[str] | None = None,
    ) -> pd.DataFrame | None:
        """The statistics (SPC, intervals, funnel) of the rows, filtered; None if not computed."""
        if not self.pieces("statistics"):
            return None
        filters = _filters(metric, org, breakdown, period)
        if not self.partitioned:
            return self._read("statistics", org, filters, columns)
        own = None if columns is None else [c for c in columns if c not in FUNNEL]
        stats = self._read("statistics", org, filters, own)
        if columns is not None and not set(FUNNEL) & set(columns):
            return stats
        stats = _with_funnels(stats, self._funnels(metric, org, period))
        return stats if columns is None else stats[[c for c in columns if c in stats.columns]]

    def add_funnels(self, stats: pd.DataFrame) -> pd.DataFrame:
        """Statistics rows read from the pieces (`statistics_path`) with the funnel columns
        filled in from the funnels kept by month."""
        return _with_funnels(stats, self._funnels(None, None, None))

    def _funnels(
        self, metric: str | None, org: str | None, period: MonthLike | None
    ) -> pd.DataFrame:
        keys = None if period is None else [Period.month_of(period).start.isoformat()]
        files = self.pieces("funnels", keys)
        filters = _filters(metric, org, None, period)
        return parts.read(self.root, files, None, filters)

    def lineage(self) -> pd.DataFrame:
        """Every lineage key of this version with the revision ids behind it."""
        frame = self._read("lineage")
        if self.partitioned:
            frame = frame.drop_duplicates("lineage_key")
            frame = frame.sort_values("lineage_key").reset_index(drop=True)
        return frame

    def rows(
        self,
        metric: str | None = None,
        org: str | None = None,
        breakdown: str | None = "total",
        period: MonthLike | None = None,
    ) -> pd.DataFrame:
        """Metric rows with their statistics, filtered (breakdown=None for every breakdown),
        in canonical order."""
        frame = self.metrics(metric, org, breakdown, period)
        stats = self.statistics(metric, org, breakdown, period)
        if stats is not None:
            frame = frame.merge(stats, on=STAT_KEYS, how="left")
        frame = _dates(frame, "period")
        return frame.sort_values(STAT_KEYS, kind="stable").reset_index(drop=True)

    def series(
        self, metric: str, org: str, breakdown: str = "total", group: str = "total"
    ) -> pd.DataFrame:
        """One series (metric x organisation x breakdown group) in period order."""
        frame = self.rows(metric=metric, org=org, breakdown=breakdown)
        frame = frame[frame["group"] == group]
        return frame.sort_values("period").reset_index(drop=True)

    def revisions_behind(self, key: str) -> list[str]:
        """The revision ids behind one lineage key (KeyError for an unknown key)."""
        table = self._read("lineage", filters=[("lineage_key", "==", key)])
        if table.empty:
            raise KeyError(f"unknown lineage key {key}")
        return list(table["revision_ids"].iloc[0])

    def computation(self) -> Computation:
        """This version read back whole (the starting point of an incremental recompute)."""
        if self.partitioned:
            return self.scope(None, None)
        metrics = _dates(pd.read_parquet(self.path / "metrics.parquet"), "period")
        metrics["missing_reason"] = _nullable(metrics["missing_reason"])
        partials = {
            p.stem: _dates(pd.read_parquet(p), "period")
            for p in sorted(self.path.glob("partials/*"))
        }
        stats = self.path / "statistics.parquet"
        return Computation(
            metrics=metrics,
            lineage=self.lineage(),
            items=_dates(pd.read_parquet(self.path / "items.parquet"), "period"),
            partials=partials,
            presence=_dates(pd.read_parquet(self.path / "presence.parquet"), "period"),
            periods=self.periods,
            statistics=_dates(pd.read_parquet(stats), "period") if stats.exists() else None,
        )

    def scope(
        self, orgs: Iterable[str] | None, partial_keys: Iterable[tuple[str, dt.date]] | None
    ) -> Computation:
        """The part of a partitioned version an incremental recompute needs: the rows of some
        organisations and the partials of some (dataset, month)s (None: all of them), in
        canonical order. Its statistics carry no funnel columns' values (funnels are kept
        by month, `funnel_rows`)."""
        got = self.parts
        org_keys = None if orgs is None else sorted(set(orgs))
        pkeys = (
            None if partial_keys is None
            else sorted(f"{d}/{p.isoformat()}" for d, p in set(partial_keys))
        )

        def table(name: str, keys: list[str] | None) -> pd.DataFrame:
            files = self.pieces(name, keys)
            return _dates(parts.read(self.root, files), "period")

        partials: dict[str, list[pd.DataFrame]] = {}
        for key in sorted(got.get("partials", {})) if pkeys is None else pkeys:
            if key in got.get("partials", {}):
                dataset = key.split("/", 1)[0]
                partials.setdefault(dataset, []).append(table("partials", [key]))
        stats = table("statistics", org_keys) if "statistics" in got else None
        if stats is not None:
            for col in FUNNEL:
                stats[col] = None if col == "funnel_position" else float("nan")
        metrics = table("metrics", org_keys)
        metrics["missing_reason"] = _nullable(metrics["missing_reason"])
        comp = Computation(
            metrics=metrics,
            lineage=table("lineage", org_keys).drop_duplicates("lineage_key"),
            items=table("items", org_keys),
            partials={d: pd.concat(f, ignore_index=True) for d, f in partials.items()},
            presence=table("presence", None),
            periods=self.periods,
            statistics=stats,
        )
        if org_keys is None and comp.statistics is not None:
            comp.statistics = _with_funnels(comp.statistics.drop(columns=FUNNEL),
                                            self._funnels(None, None, None))
        from oversight.metrics.pipeline import canonical

        return canonical(comp)

    def changed_since(self, other: ResultsVersion) -> dict[str, set[str]]:
        """Per table, the partition keys whose piece differs from `other`'s (added, replaced
        or dropped): what a reader holding `other`'s rows must read again."""
        mine, theirs = self.parts, other.parts
        out = {}
        for table in set(mine) | set(theirs):
            a, b = mine.get(table, {}), theirs.get(table, {})
            out[table] = {k for k in set(a) | set(b) if a.get(k) != b.get(k)}
        return out

    def presence(self) -> pd.DataFrame:
        """Which revision of every dataset x ICB-month these results were computed from."""
        if not self.partitioned:
            return _dates(pd.read_parquet(self.path / "presence.parquet"), "period")
        return _dates(parts.read(self.root, self.pieces("presence")), "period")

    def totals(self, months: Iterable[dt.date]) -> pd.DataFrame:
        """Every ICB's total-breakdown figures (TOTALS columns) of some months: what the
        funnels of those months are drawn from."""
        wanted = sorted(months)
        if "totals" in self.parts:
            files = self.pieces("totals", [m.isoformat() for m in wanted])
            frame = parts.read(self.root, files)
        else:  # a version written before the totals pieces: read the ICBs' rows
            frame = self.metrics(columns=TOTALS, extra=[("org_type", "==", "icb"),
                                                        ("period", "in", wanted)])
        return _dates(frame, "period")

    def funnel_rows(self, months: Iterable[dt.date]) -> pd.DataFrame:
        """The funnel positions of some months (every ICB, every funnel metric)."""
        keys = [m.isoformat() for m in months]
        files = self.pieces("funnels", keys)
        return _dates(parts.read(self.root, files), "period")


FUNNEL = ["funnel_z", "funnel_lower", "funnel_upper", "funnel_position"]
"""Statistics columns kept by month (oversight.metrics.partitions), not by organisation."""
TOTALS = ["metric_id", "org_type", "org_code", "period", "breakdown", "group", "value",
          "numerator", "denominator"]
"""The columns of the ICBs' total figures kept by month (funnels are drawn from them)."""
FUNNEL_KEYS = ["metric_id", "org_code", "period"]
"""A funnel row's key: funnels are of ICBs' total figures."""


def _with_funnels(stats: pd.DataFrame, funnels: pd.DataFrame) -> pd.DataFrame:
    """Statistics rows with the funnel columns of the ICBs' total rows filled in."""
    out = stats.copy(deep=False)
    for col in FUNNEL:
        out[col] = np.full(len(out), None if col == "funnel_position" else np.nan,
                           dtype=object if col == "funnel_position" else "float64")
    if funnels.empty or out.empty:
        return out
    funnels = _dates(funnels.copy(), "period")
    mask = ((out["org_type"] == "icb") & (out["breakdown"] == "total")
            & (out["group"] == "total")).to_numpy()
    at = _dates(out.loc[mask, FUNNEL_KEYS].copy(), "period")
    placed = at.merge(funnels[[*FUNNEL_KEYS, *FUNNEL]], on=FUNNEL_KEYS, how="left")
    where = np.flatnonzero(mask)
    for col in FUNNEL:
        values = placed[col].to_numpy(dtype=object if col == "funnel_position" else "float64")
        column = out[col].to_numpy(copy=True)
        column[where] = values
        if col == "funnel_position":
            column = np.where(pd.isna(column), None, column)
        out[col] = column
    return out


def _nullable(column: pd.Series) -> pd.Series:
    return column.astype(object).where(column.notna(), None)


def _filters(
    metric: str | None, org: str | None, breakdown: str | None, period: MonthLike | None
) -> list[tuple[str, str, Any]] | None:
    filters: list[tuple[str, str, Any]] = []
    if metric is not None:
        filters.append(("metric_id", "==", metric))
    if org is not None:
        filters.append(("org_code", "==", org))
    if breakdown is not None:
        filters.append(("breakdown", "==", breakdown))
    if period is not None:
        filters.append(("period", "==", Period.month_of(period).start))
    return filters or None


def current_version(home: Home) -> str | None:
    """The name of the published version, None before the first compute."""
    pointer = home.results_dir / POINTER
    return pointer.read_text().strip() if pointer.exists() else None


def current(home: Home) -> ResultsVersion | None:
    """The published version, None before the first compute."""
    name = current_version(home)
    return None if name is None else ResultsVersion(name, home.results_dir / name)


def published(home: Home, name: str | None = None) -> ResultsVersion:
    """The published version, or the one called `name` (FileNotFoundError before compute)."""
    name = name or current_version(home)
    if name is None:
        raise FileNotFoundError(
            f"no computed results under {home.results_dir}: run `oversight compute` first"
        )
    return ResultsVersion(name, home.results_dir / name)


def _new_version(root: Path) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    version, n = f"v{stamp}", 0
    while (root / version).exists():
        n += 1
        version = f"v{stamp}-{n}"
    return version


def _org_lineage(metrics: pd.DataFrame, lineage: pd.DataFrame) -> pd.DataFrame:
    """The lineage rows each organisation's metric rows refer to, with its code."""
    used = metrics[["org_code", "revisions"]].dropna().drop_duplicates()
    out = used.merge(lineage, left_on="revisions", right_on="lineage_key", how="inner")
    return out[["org_code", *lineage.columns]].sort_values(["org_code", "lineage_key"])


def _funnel_table(stats: pd.DataFrame) -> pd.DataFrame:
    """The ICBs' funnel positions out of a statistics table (the rows that have one)."""
    has = stats["funnel_position"].notna().to_numpy()
    return stats.loc[has, [*FUNNEL_KEYS, *FUNNEL]].reset_index(drop=True)


def write_parts(
    root: Path,
    name: str,
    comp: Computation,
    orgs: Iterable[str] | None = None,
    partial_keys: Iterable[tuple[str, dt.date]] | None = None,
    funnels: pd.DataFrame | None = None,
    totals: pd.DataFrame | None = None,
) -> parts.Parts:
    """Write the pieces of `comp` (all of it, or only the organisations and (dataset, month)
    partials named; `funnels`: the funnel rows of the months to replace)."""
    metrics = comp.metrics
    if orgs is not None:
        keep = set(orgs)
        metrics = metrics[metrics["org_code"].isin(keep)]
    written: parts.Parts = {
        "metrics": parts.write_split(root, "metrics", name, _strings(metrics), "org_code",
                                     row_groups=judged_first),
        "items": parts.write_split(
            root, "items", name,
            comp.items if orgs is None else comp.items[comp.items["org_code"].isin(keep)],
            "org_code",
        ),
    }
    lineage = _org_lineage(metrics, comp.lineage)
    written["lineage"] = {
        code: parts.write_piece(root, "lineage", code, name,
                                part.drop(columns="org_code").reset_index(drop=True))
        for code, part in lineage.groupby("org_code", sort=True)
    }
    for code in set(written["metrics"]) - set(written["lineage"]):  # rows without lineage
        written["lineage"][code] = parts.write_piece(
            root, "lineage", code, name, comp.lineage.iloc[0:0])
    if comp.statistics is not None:
        stats = comp.statistics
        if orgs is not None:
            stats = stats[stats["org_code"].isin(keep)]
        else:
            funnels = _funnel_table(stats)
        written["statistics"] = parts.write_split(
            root, "statistics", name, stats.drop(columns=FUNNEL), "org_code",
            row_groups=judged_first)
    if funnels is not None:
        written["funnels"] = parts.write_split(root, "funnels", name, funnels, "period")
    if totals is None and orgs is None:
        icb = (comp.metrics["org_type"] == "icb") & (comp.metrics["breakdown"] == "total")
        totals = comp.metrics.loc[icb, TOTALS]
    if totals is not None:
        written["totals"] = parts.write_split(root, "totals", name, totals, "period")
    wanted = None if partial_keys is None else {(d, p) for d, p in partial_keys}
    written["partials"] = {}
    for dataset, frame in comp.partials.items():
        if not len(frame):
            continue
        if wanted is not None:
            frame = frame[frame["period"].isin({p for d, p in wanted if d == dataset})]
        written["partials"].update(parts.write_split(
            root, "partials", name, frame, "period",
            key=lambda p, d=dataset: f"{d}/{p.isoformat()}"))
    written["presence"] = {"all": parts.write_piece(root, "presence", "all", name, comp.presence)}
    return written


def judged_first(piece: pd.DataFrame) -> np.ndarray:
    """The row groups of an organisation's metrics or statistics piece: 0 its total
    breakdown's rows, 1 its breakdown groups' rows of every month but its latest, 2 those of
    its latest month. The judge reads every total row and the groups of the latest month
    (oversight.judge.stage.judged_rows): it decodes only the row groups whose statistics say
    they may hold them, a tenth of the rows. Each group keeps the rows' order, so a reader
    of the total breakdown, or of any month's groups, sees them in the order they had."""
    total = piece["breakdown"].to_numpy() == "total"
    period = piece["period"].to_numpy()
    latest = period == period.max()
    return np.where(total, 0, np.where(latest, 2, 1))


def _strings(metrics: pd.DataFrame) -> pd.DataFrame:
    if "missing_reason" in metrics.columns and metrics["missing_reason"].dtype == object:
        metrics = metrics.assign(missing_reason=metrics["missing_reason"].astype("string"))
    return metrics


def link_folder(folder: Path, pieces: dict[str, Path]) -> None:
    """`folder` holding `<key>.parquet` hard links to pieces (copies where links fail), made
    whole in a staging folder and renamed into place (a concurrent maker's folder wins)."""
    staging = folder.with_name(f".{folder.name}.{os.getpid()}.{time.monotonic_ns()}")
    staging.mkdir(parents=True)
    for key, piece in pieces.items():
        target = staging / f"{key.replace('/', '_')}.parquet"
        try:
            os.link(piece, target)
        except OSError:
            shutil.copyfile(piece, target)
    try:
        os.rename(staging, folder)
    except OSError:  # made meanwhile by another reader
        shutil.rmtree(staging, ignore_errors=True)


def _swap_pointer(root: Path, name: str) -> None:
    tmp = root / f".{POINTER}.{name}"
    tmp.write_text(name + "\n")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, root / POINTER)


def _publish_manifest(
    home: Home, name: str, manifest: dict[str, Any], expect_parent: str | None
) -> ResultsVersion:
    """Write the version folder (its manifest), then point CURRENT at it. `expect_parent`:
    refuse if another version was published meanwhile (its changes would be lost)."""
    root = home.results_dir
    if current_version(home) != expect_parent:
        raise RuntimeError(
            f"results version {current_version(home)} was published while {name} was being "
            f"computed from {expect_parent}; compute again"
        )
    staging = root / f".staging-{name}"
    staging.mkdir(parents=True)
    for table in ("metrics", "statistics"):  # for readers of metrics_path / statistics_path
        pieces = manifest["parts"].get(table, {})
        if pieces:
            link_folder(staging / table, {k: root / v for k, v in pieces.items()})
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2))
    os.replace(staging, root / name)
    _swap_pointer(root, name)
    return ResultsVersion(name, root / name)


def publish(comp: Computation, home: Home, info: dict[str, Any] | None = None) -> ResultsVersion:
    """Write a complete new version (every piece), then point CURRENT at it."""
    root = home.results_dir
    root.mkdir(parents=True, exist_ok=True)
    name = _new_version(root)
    parent = current_version(home)
    written = write_parts(root, name, comp)
    manifest = {
        "version": name,
        "format": 2,
        "parent": parent,
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "periods": [p.isoformat() for p in comp.periods],
        **(info or {}),
        "parts": written,
    }
    return _publish_manifest(home, name, manifest, parent)


def publish_delta(
    home: Home,
    base: ResultsVersion,
    comp: Computation,
    orgs: Iterable[str],
    partial_keys: Iterable[tuple[str, dt.date]],
    funnels: pd.DataFrame,
    months: Iterable[dt.date],
    info: dict[str, Any] | None = None,
    totals: pd.DataFrame | None = None,
) -> ResultsVersion:
    """A new version that is `base` with the pieces of some organisations, partials and
    funnel months replaced by `comp`'s (a Computation of those organisations only): the
    other pieces are shared with `base`, not copied."""
    root = home.results_dir
    name = _new_version(root)
    orgs, partial_keys, months = set(orgs), set(partial_keys), set(months)
    if "totals" not in base.parts:  # a version from before totals pieces: keep reading rows
        totals = None
    written = write_parts(root, name, comp, orgs, partial_keys, funnels, totals)
    merged = {table: dict(pieces) for table, pieces in base.parts.items()}
    for table, pieces in written.items():
        merged.setdefault(table, {})
        if table == "partials":  # (dataset, month)s whose partials are now empty are dropped
            for d, p in partial_keys:
                merged[table].pop(f"{d}/{p.isoformat()}", None)
        if table in ("funnels", "totals"):  # the months redone (a month left empty: dropped)
            for month in months:
                merged[table].pop(month.isoformat(), None)
        if table in parts.BY_ORG:
            for code in orgs:
                merged[table].pop(code, None)
        merged[table].update(pieces)
    manifest = {
        "version": name,
        "format": 2,
        "parent": base.id,
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "periods": [p.isoformat() for p in comp.periods],
        **(info or {}),
        "parts": merged,
    }
    return _publish_manifest(home, name, manifest, base.id)


def _dates(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    for col in cols:
        if col in frame.columns and len(frame):
            first = frame[col].iloc[0]
            if frame[col].dtype == object and type(first) is dt.date:
                continue  # already dates (what Parquet's date columns read back as)
            frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame


def load(home: Home, name: str | None = None) -> Computation:
    """A version (default: the published one) read back whole."""
    return published(home, name).computation()


def results(
    home: Home,
    metric: str | None = None,
    org: str | None = None,
    breakdown: str | None = "total",
    period: MonthLike | None = None,
    version: str | None = None,
) -> pd.DataFrame:
    """Published metric rows (with their statistics), filtered; breakdown=None for every one."""
    return published(home, version).rows(metric, org, breakdown, period)


def series(
    home: Home, metric: str, org: str, breakdown: str = "total", group: str = "total"
) -> pd.DataFrame:
    """One series of the published results (metric x organisation x breakdown group)."""
    return published(home).series(metric, org, breakdown, group)


def lineage(home: Home, key: str) -> list[str]:
    """The revision ids behind a lineage key of the published results."""
    return published(home).revisions_behind(key)


def prune(home: Home, keep: int = 5, min_age: float = 0.0) -> list[str]:
    """Delete all but the newest `keep` versions (never the current one, nor one published
    less than `min_age` seconds ago: a reader that has just resolved it may still be reading),
    then every piece no remaining version names."""
    root = home.results_dir
    in_use = current_version(home)
    versions = sorted(p.name for p in root.glob("v*") if p.is_dir())
    now = dt.datetime.now(dt.UTC)

    def old(v: str) -> bool:
        try:
            created = ResultsVersion(v, root / v).created
        except (OSError, KeyError, ValueError):
            return True
        return (now - created).total_seconds() >= min_age

    doomed = [v for v in versions[:-keep] if v != in_use and old(v)] if keep else []
    for v in doomed:
        shutil.rmtree(root / v)
    if not doomed:  # pieces lose their last reader only when a version goes
        return doomed
    kept = []
    for v in sorted(p.name for p in root.glob("v*") if p.is_dir()):
        try:
            kept.append(ResultsVersion(v, root / v).manifest)
        except (OSError, ValueError):
            continue
    named = parts.named(kept)
    if (root / parts.PARTS).is_dir():
        for piece in (root / parts.PARTS).rglob("*.parquet"):
            if piece.relative_to(root).as_posix() not in named:
                piece.unlink()
    return doomed
