"""The judge stage: a published `ResultsVersion` in, a persisted `Judgements` artefact out.

    <home>/judgements/<results version id>/judgements.parquet   one row of outcomes per
                                                                organisation × metric × month
                                          /inputs.parquet       the results columns judged
                                                                (what the next version is
                                                                compared with)
                                          /manifest.json        what it was judged from
    <home>/judgements/CURRENT                                   the results version judged last

Judgements are versioned by the results version they were made from, so the judgements of any
published results can be read (or made again) at any time. A new directory is complete before it
is renamed into place and CURRENT is replaced with os.replace, as results are published
(oversight.metrics.results), so a reader sees whole judgements or none.

Incremental: when the results version has a parent whose judgements were made with the same
targets and peer inputs, only the metric × month cells whose judged inputs changed (value, SPC
limits and point type, interval, funnel position, of any organisation) are judged again, for
every organisation in that cell: England's figure, the funnel, peer ranks and coverage are
shared by all organisations of a metric × month, so that is the unit that must be redone. The
other cells are copied from the parent. The result equals judging the version in full.

Only the total breakdown is judged (the ICB × metric × month of oversight.md §1).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from oversight.home import Home
from oversight.judge import assess as core
from oversight.judge import target_source
from oversight.judge.segmentation import artefact as segments
from oversight.period import MonthLike, Period

if TYPE_CHECKING:
    from oversight.judge.judgement import Judgement
    from oversight.metrics.results import ResultsVersion

FILE = "judgements.parquet"
INPUTS_FILE = "inputs.parquet"
POINTER = "CURRENT"
METHOD = 1
"""Bumped when the judging method changes, so a parent's judgements are not reused across it."""
INPUTS = [
    "value",
    "missing_reason",
    "spc_lpl",
    "spc_upl",
    "spc_point_type",
    "ci_lower",
    "ci_upper",
    "funnel_position",
]
"""The columns of a results row that the judge reads: a change to any of them re-judges its cell."""
CELL = ["metric_id", "period"]
"""What every organisation's judgement in a month shares (England, funnel, peers, coverage)."""
ORDER = ["metric_id", "org_type", "org_code", "period", "breakdown", "group"]
ENGLAND_NAME = "England"


@dataclass(frozen=True)
class Judgements:
    """The judgements made from one results version: their id (the version's) and files."""

    id: str
    path: Path

    @property
    def file(self) -> Path:
        return self.path / FILE

    @cached_property
    def manifest(self) -> dict[str, Any]:
        return dict(json.loads((self.path / "manifest.json").read_text()))

    @property
    def how(self) -> str:
        """'full' or 'incremental (n metric-months)'."""
        return str(self.manifest.get("how"))

    def frame(
        self,
        org: str | None = None,
        metric: str | None = None,
        period: MonthLike | None = None,
    ) -> pd.DataFrame:
        """The outcome rows (oversight.judge.assess.assess's columns), filtered."""
        filters: list[tuple[str, str, Any]] = []
        if org is not None:
            filters.append(("org_code", "==", org))
        if metric is not None:
            filters.append(("metric_id", "==", metric))
        if period is not None:
            filters.append(("period", "==", Period.month_of(period).start))
        frame = pd.read_parquet(self.file, filters=filters or None)
        return _restore(frame)

    def periods(self) -> list[dt.date]:
        """Every month judged, oldest first."""
        table = pd.read_parquet(self.file, columns=["period"])
        return sorted({pd.Timestamp(p).date() for p in table["period"].unique()})

    def judgements(
        self,
        org: str | None = None,
        metric: str | None = None,
        period: MonthLike | None = None,
        catalogue: Any = None,
    ) -> list[Judgement]:
        """The rows as Judgement objects, with organisation names in their sentences."""
        catalogue = catalogue or _catalogue()
        return core.judgements(self.frame(org, metric, period), catalogue.metrics, names(catalogue))


def _catalogue() -> Any:
    from oversight.catalogue import load

    return load()


def names(catalogue: Any) -> dict[str, str]:
    """Organisation names by code, as sentences use them."""
    out = {code: r.name for code, r in catalogue.regions.items()}
    out.update({code: i.name for code, i in catalogue.merged_icbs.items()})
    out.update({code: i.name for code, i in catalogue.icbs.items()})
    out["ENG"] = ENGLAND_NAME
    return out


def _restore(frame: pd.DataFrame) -> pd.DataFrame:
    """Parquet's read-back as the judge core wrote it: months as dates, text with None."""
    if len(frame):
        frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return _text_as_objects(frame).reset_index(drop=True)


def _canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """One row order and one dtype per column, however the frame was built (full or not)."""
    frame = frame.sort_values(ORDER, kind="stable").reset_index(drop=True)
    return _text_as_objects(frame)


def _text_as_objects(frame: pd.DataFrame) -> pd.DataFrame:
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
    return frame


# ---- inputs: targets, peers, members ----


def deciles_file(home: Home, override: str | Path | None = None) -> Path | None:
    """The population-by-deprivation file peer groups are built from: `override` (the edge's
    option or environment), else the home's reference folder, else None (no peer ranks)."""
    from oversight.judge.deprivation_file import DECILE_FILE

    if override is not None:
        path = Path(override)
        return path / DECILE_FILE if path.is_dir() else path
    own = home.reference_dir / DECILE_FILE
    return own if own.exists() else None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def fingerprint(targets: list[Any], deciles: Path | None) -> dict[str, Any]:
    """What, besides the results, the judgements depend on (stored in the manifest)."""
    dumped = json.dumps([target_source.describe(t) for t in targets], sort_keys=True,
                        default=str)
    return {
        "method": METHOD,
        "targets": _digest(dumped.encode()),
        "deciles": None if deciles is None else _digest(deciles.read_bytes()),
    }


def peer_pairs(catalogue: Any, periods: list[dt.date], deciles: Path | None) -> pd.DataFrame:
    """Each ICB's computed peers per month (empty without the deprivation file)."""
    if deciles is None or not periods:
        return pd.DataFrame(columns=["period", "org_code", "peer_code"])
    from oversight.judge.deprivation_file import read_deciles
    from oversight.judge.peer_features import quintile_populations
    from oversight.judge.peers import groups_on, pairs_frame

    quintiles = quintile_populations(read_deciles(deciles))
    return pairs_frame(groups_on(catalogue, periods, quintiles))


def judge_rows(
    rows: pd.DataFrame, catalogue: Any, targets: list[Any], deciles: Path | None
) -> pd.DataFrame:
    """The outcome frame for results rows (total breakdown), in canonical order."""
    from oversight.judge.coverage import members_frame

    periods = sorted({pd.Timestamp(p).date() for p in rows["period"].unique()})
    frame = core.assess(
        rows,
        catalogue.metrics,
        targets,
        peers=peer_pairs(catalogue, periods, deciles),
        members=members_frame(catalogue, periods),
    )
    return _canonical(frame)


# ---- what changed between two results versions ----


def _judged_rows(version: ResultsVersion) -> pd.DataFrame:
    """The total-breakdown rows of a version, only the columns the judge reads (what
    `ResultsVersion.rows` returns, narrowed: reading every column is most of the time)."""
    total = [("breakdown", "==", "total")]
    metrics = pd.read_parquet(
        version.metrics_path, columns=[*ORDER, "value", "missing_reason"], filters=total
    )
    if version.statistics_path.exists():
        wanted = [c for c in INPUTS if c not in metrics.columns]
        stats = pd.read_parquet(version.statistics_path, columns=[*ORDER, *wanted], filters=total)
        metrics = metrics.merge(stats, on=ORDER, how="left")
    if len(metrics):
        metrics["period"] = pd.to_datetime(metrics["period"]).dt.date
    return metrics.sort_values(ORDER, kind="stable").reset_index(drop=True)


def changed_cells(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """The metric × month cells where any organisation's judged inputs differ (a row added or
    removed counts as a difference)."""
    cols = [c for c in INPUTS if c in new.columns]
    keys = ORDER
    a = old[[*keys, *[c for c in cols if c in old.columns]]]
    b = new[[*keys, *cols]]
    both = a.merge(b, on=keys, how="outer", suffixes=("_old", "_new"), indicator=True)
    differs = both["_merge"].to_numpy() != "both"
    for col in cols:
        if f"{col}_old" not in both.columns:
            differs |= True
            continue
        x, y = both[f"{col}_old"], both[f"{col}_new"]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            xv, yv = x.to_numpy(float), y.to_numpy(float)
            same = (xv == yv) | (np.isnan(xv) & np.isnan(yv))
        else:
            same = (x.isna() & y.isna()) | (x.astype(object) == y.astype(object))
            same = same.to_numpy(bool)
        differs |= ~same
    return both.loc[differs, CELL].drop_duplicates().reset_index(drop=True)


# ---- publishing and reading ----


def _write(
    home: Home,
    version_id: str,
    frame: pd.DataFrame,
    inputs: pd.DataFrame,
    manifest: dict[str, Any],
) -> None:
    root = home.judgements_dir
    root.mkdir(parents=True, exist_ok=True)
    final = root / version_id
    staging = root / f".staging-{version_id}-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    frame.to_parquet(staging / FILE, index=False)
    inputs.to_parquet(staging / INPUTS_FILE, index=False)
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2))
    if final.exists():  # judged again: swap each file atomically (same content when reproducible)
        for name in (INPUTS_FILE, FILE, "manifest.json"):
            os.replace(staging / name, final / name)
        shutil.rmtree(staging)
    else:
        os.replace(staging, final)
    tmp = root / f".{POINTER}.{version_id}"
    tmp.write_text(version_id + "\n")
    os.replace(tmp, root / POINTER)


def judged(home: Home, version_id: str) -> Judgements | None:
    """The judgements made from one results version, None if it has not been judged."""
    path = home.judgements_dir / version_id
    return Judgements(version_id, path) if (path / FILE).exists() else None


def latest(home: Home, version: str | None = None) -> Judgements | None:
    """The judgements of `version` (default: the published results' if judged, else the last
    results version judged), None when there are none."""
    from oversight.metrics.results import current_version

    if version is not None:
        return judged(home, version)
    now = current_version(home)
    if now is not None and (found := judged(home, now)) is not None:
        return found
    pointer = home.judgements_dir / POINTER
    return judged(home, pointer.read_text().strip()) if pointer.exists() else None


def assess(
    home: Home,
    results_version: ResultsVersion,
    *,
    catalogue: Any = None,
    deciles: str | Path | None = None,
    incremental: bool = True,
) -> Judgements:
    """Judge every organisation × metric × month of a results version and persist it.

    `deciles`: the population-by-deprivation file for peer groups (default: the home's
    reference folder; none means no peer ranks). With `incremental`, a parent version's
    judgements made from the same inputs are reused for the cells that did not change.
    """
    catalogue = catalogue or _catalogue()
    targets = target_source.targets(home, catalogue)
    file = deciles_file(home, deciles)
    prints = fingerprint(targets, file)
    new_rows = _judged_rows(results_version)
    base = _reusable(home, results_version, prints) if incremental else None
    cells = parent = None
    if base is None:
        frame = judge_rows(new_rows, catalogue, targets, file)
        how = "full"
    else:
        parent, old_inputs, old_judgements = base
        cells = changed_cells(old_inputs, new_rows)
        frame = _patch(old_judgements, new_rows, cells, catalogue, targets, file)
        how = f"incremental ({len(cells)} metric-months from {parent})"
    manifest = {
        "results_version": results_version.id,
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "how": how,
        "rows": len(frame),
        **prints,
    }
    _write(home, results_version.id, frame, new_rows, manifest)
    done = Judgements(results_version.id, home.judgements_dir / results_version.id)
    segments.build(
        home,
        done.path,
        results_version.metrics_path,
        frame,
        catalogue=catalogue,
        parent_path=None if parent is None else home.judgements_dir / parent,
        changed=cells,
    )
    return done


def _reusable(
    home: Home, version: ResultsVersion, prints: Mapping[str, Any]
) -> tuple[str, pd.DataFrame, pd.DataFrame] | None:
    """The parent version's id, the results columns it was judged from and its judgements, if
    it was judged from the same targets, peers and method."""
    parent_id = version.parent
    if parent_id is None or parent_id == version.id:
        return None
    before = judged(home, parent_id)
    if before is None or not (before.path / INPUTS_FILE).exists():
        return None
    if any(before.manifest.get(k) != v for k, v in prints.items()):
        return None
    inputs = _restore(pd.read_parquet(before.path / INPUTS_FILE))
    return parent_id, inputs, before.frame()


def _patch(
    old: pd.DataFrame,
    rows: pd.DataFrame,
    cells: pd.DataFrame,
    catalogue: Any,
    targets: list[Any],
    deciles: Path | None,
) -> pd.DataFrame:
    """The parent's judgements with the changed cells judged again."""
    if cells.empty:
        return _canonical(old)
    mark = cells.assign(_redo=True)
    period = pd.to_datetime(rows["period"]).dt.date
    redo_rows = rows.assign(period=period).merge(mark, on=CELL, how="left")["_redo"].notna()
    fresh = judge_rows(rows.loc[redo_rows.to_numpy()], catalogue, targets, deciles)
    kept = old.merge(mark, on=CELL, how="left")
    kept = old.loc[kept["_redo"].isna().to_numpy()]
    both = pd.concat([kept, fresh], ignore_index=True) if len(kept) else fresh
    return _canonical(both[old.columns] if len(kept) else both)


def judgements(
    home: Home,
    org: str | None = None,
    metric: str | None = None,
    period: MonthLike | None = None,
    version: str | None = None,
) -> list[Judgement]:
    """Read back judgements (default: of the published results), filtered, as Judgements."""
    found = latest(home, version)
    if found is None:
        where = f"results version {version}" if version else "the published results"
        raise FileNotFoundError(
            f"{where} under {home.root} have not been judged: run `oversight judge`"
        )
    return found.judgements(org=org, metric=metric, period=period)
