"""The judge stage: a published `ResultsVersion` in, a persisted `Judgements` artefact out.

    <home>/judgements/<results version id>/metrics/<metric id>.parquet   one row of outcomes
                                                        per organisation × month of the metric
                                          /inputs/<metric id>.parquet    the results columns
                                                        judged (what a later version may be
                                                        compared with)
                                          /manifest.json     what it was judged from
    <home>/judgements/CURRENT                                the results version judged last

Judgements are versioned by the results version they were made from, so the judgements of any
published results can be read (or made again) at any time. A new directory is complete before it
is renamed into place and CURRENT is replaced with os.replace, as results are published
(oversight.metrics.results), so a reader sees whole judgements or none.

One file per metric, because a metric is the unit a change is judged again in: one ICB-month
moves that ICB's SPC limits (every month of its series), England's and its region's figures and
the funnel, so every organisation × month of the metrics it feeds can change, and no other
metric's. Incremental: when the results version says which ICB-months it recomputed
(its manifest's `changes`, from the version it started from) and that version was judged with
the same targets, peers and method, only the metrics those ICB-months feed are read from the
results and judged again; the other metrics' files are the parent's, hard-linked. Without that
record the judged inputs of every metric are compared with the parent's. Either way the result
equals judging the version in full.

Every month of the total breakdown is judged (the ICB × metric × month of oversight.md §1, and
the regions' and England's figures), and the breakdown groups (IMD decile, ethnicity, age,
sex...) of the version's latest month, in `breakdowns/<metric id>.parquet`: judging every group
of every month is 17 times the rows, and the groups' history is what the SPC limits already
summarise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

import numpy as np
import pandas as pd

from oversight.catalogue.models.rule_sets import FlagOutcome
from oversight.home import Home
from oversight.judge import assess as core
from oversight.judge import target_source
from oversight.judge.segmentation import artefact as segments
from oversight.period import MonthLike, Period

if TYPE_CHECKING:
    import pyarrow as pa

    from oversight.judge.judgement import Judgement
    from oversight.metrics.results import ResultsVersion

OUTCOMES_DIR = "metrics"
INPUTS_DIR = "inputs"
GROUPS_DIR = "breakdowns"
GROUP_INPUTS_DIR = "breakdown_inputs"
DIRS = (OUTCOMES_DIR, INPUTS_DIR, GROUPS_DIR, GROUP_INPUTS_DIR)
POINTER = "CURRENT"
METHOD = 3
"""Bumped when the judging method or the artefact's layout changes, so a parent's judgements
are not reused across it (2: one file per metric, breakdown groups judged; 3: a bracket score's
reason names the bound before it, so stored segments are made again)."""
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
"""The columns of a results row that the judge reads: a change to any of them re-judges its
metric."""
ORDER = ["metric_id", "org_type", "org_code", "period", "breakdown", "group"]
ENGLAND_NAME = "England"


@dataclass(frozen=True)
class Judgements:
    """The judgements made from one results version: their id (the version's) and files."""

    id: str
    path: Path

    @cached_property
    def manifest(self) -> dict[str, Any]:
        return dict(json.loads((self.path / "manifest.json").read_text()))

    @property
    def how(self) -> str:
        """'full' or 'incremental (n metrics from <version>)'."""
        return str(self.manifest.get("how"))

    @property
    def metric_ids(self) -> list[str]:
        """The metrics judged, in id order."""
        return sorted(self.manifest.get("metrics", {}))

    def file(self, metric: str) -> Path:
        """One metric's outcome rows."""
        return self.path / OUTCOMES_DIR / f"{metric}.parquet"

    def frame(
        self,
        org: str | None = None,
        metric: str | None = None,
        period: MonthLike | None = None,
        breakdown: str | None = "total",
    ) -> pd.DataFrame:
        """The outcome rows (oversight.judge.assess.assess's columns), filtered: of the total
        (default), of one breakdown's groups (e.g. "imd_decile"), or of both (None). Breakdown
        groups are judged in the version's latest month only (manifest `groups_period`)."""
        filters: list[tuple[str, str, Any]] = []
        if org is not None:
            filters.append(("org_code", "==", org))
        if period is not None:
            filters.append(("period", "==", Period.month_of(period).start))
        wanted = self.metric_ids if metric is None else [metric]
        files = [self.file(m) for m in wanted if self.file(m).exists()] if breakdown in (
            "total", None
        ) else []
        if breakdown != "total":
            groups = [self.path / GROUPS_DIR / f"{m}.parquet" for m in wanted]
            files += [f for f in groups if f.exists()]
            if breakdown is not None:
                filters.append(("breakdown", "==", breakdown))
        if not files:
            if not self.metric_ids:
                return pd.DataFrame(columns=ORDER)
            return _restore(_read(self.file(self.metric_ids[0]), None).iloc[:0])
        parts = [_read(f, filters) for f in files]
        frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
        if breakdown is None:
            frame = frame.sort_values(ORDER, kind="stable")
        return _restore(frame)

    def periods(self) -> list[dt.date]:
        """Every month judged, oldest first."""
        months: set[dt.date] = set()
        for m in self.metric_ids:
            table = _read(self.file(m), None, columns=["period"])
            months.update(pd.Timestamp(p).date() for p in table["period"].unique())
        return sorted(months)

    def judgements(
        self,
        org: str | None = None,
        metric: str | None = None,
        period: MonthLike | None = None,
        catalogue: Any = None,
        breakdown: str | None = "total",
    ) -> list[Judgement]:
        """The rows as Judgement objects, with organisation names in their sentences."""
        catalogue = catalogue or _catalogue()
        frame = self.frame(org, metric, period, breakdown)
        return core.judgements(frame, catalogue.metrics, names(catalogue))


FUNNEL = ["funnel_z", "funnel_lower", "funnel_upper", "funnel_position"]
"""Statistics columns a partitioned results version keeps by month (oversight.metrics.results)."""


def _read(path: Path, filters: Any, columns: list[str] | None = None) -> pd.DataFrame:
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=columns, filters=filters or None).to_pandas()


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
        column = frame[col]
        if column.dtype == object:
            values = column.to_numpy()
            missing = pd.isna(values)
            if not missing.any() or all(v is None for v in values[missing]):
                continue  # already text as objects with None (most columns, most calls)
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            frame[col] = column.astype(object).where(column.notna(), None)
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


def fingerprint(
    targets: list[Any], deciles: Path | None, metrics: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What, besides the results, the judgements depend on (stored in the manifest): the
    method, the targets, the peers' input file and how each metric is judged (its polarity,
    statistic and unit)."""
    dumped = json.dumps([target_source.describe(t) for t in targets], sort_keys=True,
                        default=str)
    judged = sorted((m.id, m.improvement, m.statistic, m.unit) for m in (metrics or {}).values())
    return {
        "method": METHOD,
        "targets": _digest(dumped.encode()),
        "deciles": None if deciles is None else _digest(deciles.read_bytes()),
        "metric_definitions": _digest(json.dumps(judged).encode()),
    }


def peer_pairs(catalogue: Any, periods: list[dt.date], deciles: Path | None) -> pd.DataFrame:
    """Each ICB's computed peers per month (empty without the deprivation file)."""
    periods = [p for p in periods if catalogue.icbs_on(p)]  # none before July 2022 (AmbSYS)
    if deciles is None or not periods:
        return pd.DataFrame(columns=["period", "org_code", "peer_code"])
    from oversight.judge.deprivation_file import read_deciles
    from oversight.judge.peer_features import quintile_populations
    from oversight.judge.peers import groups_on, pairs_frame

    quintiles = quintile_populations(read_deciles(deciles))
    return pairs_frame(groups_on(catalogue, periods, quintiles))


def judge_rows(
    rows: pd.DataFrame,
    catalogue: Any,
    targets: list[Any],
    deciles: Path | None,
    breakdowns: Iterable[str] = ("total",),
    canonical: bool = False,
    context: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The outcome frame for results rows (of the `breakdowns` given), in canonical order.

    `canonical`: the rows are as `judged_rows` returns them (in canonical order, text as
    objects with None), so the outcomes already are too (the judge core keeps the rows'
    order and makes its own text objects with None) and are not sorted again.
    `context`: `peers` and `members` made once for every month judged (`judging_context`),
    else made here for the rows' months."""
    periods = sorted({pd.Timestamp(p).date() for p in rows["period"].unique()})
    made = context or judging_context(catalogue, periods, deciles)
    peers, members = (made[k] for k in ("peers", "members"))
    if context is not None:  # only the rows' months
        peers = peers[peers["period"].isin(periods)] if len(peers) else peers
        members = members[members["period"].isin(periods)] if len(members) else members
    frame = core.assess(
        rows,
        catalogue.metrics,
        targets,
        peers=peers,
        members=members,
        breakdowns=tuple(breakdowns),
    )
    return frame if canonical else _canonical(frame)


def judging_context(
    catalogue: Any, periods: list[dt.date], deciles: Path | None
) -> dict[str, pd.DataFrame]:
    """What judging rows reads besides the rows, for some months: each ICB's peers
    (`peer_pairs`) and who each region and England is over (`coverage.members_frame`)."""
    from oversight.judge.coverage import members_frame

    return {"peers": peer_pairs(catalogue, periods, deciles),
            "members": members_frame(catalogue, periods)}


def judge_groups(
    rows: pd.DataFrame, catalogue: Any, targets: list[Any], deciles: Path | None,
    canonical: bool = False, context: Mapping[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """The outcome frame for breakdown-group rows (every breakdown but the total): the same
    three judgements, each group against England's figure for that group, among its peers'
    figures for it and against the metric's targets; no funnel (drawn for totals only)."""
    if rows.empty:
        return rows
    groups = sorted(set(rows["breakdown"]) - {"total"})
    return judge_rows(rows, catalogue, targets, deciles, breakdowns=groups, canonical=canonical,
                      context=context)


# ---- reading the results; what changed between two versions ----


def judged_rows(
    version: ResultsVersion, metrics: Iterable[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of a version the judge reads (of `metrics` only, when given), only the columns
    it reads, in canonical order: every month of the total breakdown, and the breakdown groups
    of the version's latest month (GROUPS_OF). Reading every column of every row is most of the
    time, so the store's files are read narrowed and filtered, in one pass each, where it has
    them (one file of metric rows and one of statistics); otherwise through
    `ResultsVersion.rows`."""
    chosen = None if metrics is None else sorted(set(metrics))
    last = max(version.periods) if version.periods else None
    if chosen == [] or not version.pieces("metrics"):  # nothing asked for, or no rows at all
        empty = pd.DataFrame(columns=[*ORDER, *INPUTS])
        return empty, empty.copy()
    if not version.metrics_path.exists():  # another store layout: its public readers
        parts = [version.rows(metric=m, breakdown=None) for m in chosen] if chosen else [
            version.rows(breakdown=None)
        ]
        rows = pd.concat(parts, ignore_index=True)
        rows = _normalised(rows[[*ORDER, *[c for c in INPUTS if c in rows.columns]]])
    else:
        columns = _columns(_judged_table(version.metrics_path, chosen, last,
                                         [*ORDER, "value", "missing_reason"]))
        if version.statistics_path.exists():
            wanted = [c for c in INPUTS if c not in columns]
            own = [c for c in wanted if not (version.partitioned and c in FUNNEL)]
            stats = _columns(_judged_table(version.statistics_path, chosen, last,
                                           [*ORDER, *own]))
            columns.update(_aligned(columns, stats, own))
            if version.partitioned:  # funnels are kept by month, not in the statistics pieces
                columns.update(_funnel_columns(version, columns, [c for c in wanted
                                                                  if c in FUNNEL]))
        return _frames(columns, last)
    total = (rows["breakdown"] == "total").to_numpy()
    groups = ~total & (rows["period"] == last).to_numpy() if last is not None else ~total
    return rows[total].reset_index(drop=True), rows[groups].reset_index(drop=True)


TEXT_READ = [*ORDER[:3], *ORDER[4:], "missing_reason", "spc_point_type", "funnel_position"]
"""Text columns of the results read dictionary-encoded: a few distinct values each, decoded
once per value instead of once per row."""


def _read_table(path: Path, filters: Any, columns: list[str] | None) -> pa.Table:
    """Some columns (None: all) of a Parquet file or folder, text dictionary-encoded. A single
    file is read directly (and filtered after), not through a dataset: a dataset costs about
    a millisecond a file to set up, more than reading one of the judge's small files."""
    import pyarrow.parquet as pq

    if path.is_dir():
        if columns is None:
            columns = pq.read_schema(path).names
        return pq.read_table(path, columns=columns, filters=filters or None,
                             read_dictionary=[c for c in columns if c in TEXT_READ])
    metadata = pq.read_metadata(path)
    names = metadata.schema.names
    parquet = pq.ParquetFile(path, metadata=metadata,
                             read_dictionary=[c for c in columns or names if c in TEXT_READ])
    table = parquet.read(columns=columns or names, use_threads=False)
    return table.filter(pq.filters_to_expression(filters)) if filters else table


def _judged_table(
    path: Path, metrics: list[str] | None, last: dt.date | None, columns: list[str]
) -> pa.Table:
    """The rows `judged_rows` reads (every total row, the breakdown groups of the month
    `last`; of `metrics` only, when given) of a Parquet file or folder of them, some columns,
    text dictionary-encoded. Only the row groups whose statistics say they may hold such rows
    are decoded (the compute stage writes a piece's total rows, and its latest month's groups,
    as row groups of their own: oversight.metrics.results.judged_first), and rows are filtered
    only where a row group read may hold others. pyarrow's own filtered read does not skip row
    groups when text is read dictionary-encoded, and decodes every row."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    ours: list[tuple[str, str, Any]] = [] if metrics is None else [("metric_id", "in", metrics)]
    where: list[list[tuple[str, str, Any]]] = [[("breakdown", "==", "total"), *ours]]
    if last is not None:
        where.append([("breakdown", "!=", "total"), ("period", "==", last), *ours])
    exact: list[pa.Table] = []
    mixed: list[pa.Table] = []
    files = sorted(f for f in path.glob("*.parquet") if not f.name.startswith((".", "_"))
                   ) if path.is_dir() else [path]  # as pyarrow reads a folder
    for file in files:
        parquet = pq.ParquetFile(file, read_dictionary=[c for c in columns if c in TEXT_READ])
        meta = parquet.metadata
        names = meta.schema.names
        read, whole = [], True
        for i in range(meta.num_row_groups):
            group = meta.row_group(i)
            breakdowns = _bounds(group.column(names.index("breakdown")))
            months = _bounds(group.column(names.index("period")))
            only_total = breakdowns is not None and breakdowns[0] == breakdowns[1] == "total"
            may_total = breakdowns is None or breakdowns[0] <= "total" <= breakdowns[1]
            may_last = last is not None and not only_total and (
                months is None or months[0] <= last <= months[1])
            if may_total or may_last:
                read.append(i)
                whole &= only_total or (not may_total and months is not None
                                        and months[0] == months[1] == last)
        table = parquet.read_row_groups(read, columns=columns, use_threads=False)
        (exact if whole and metrics is None else mixed).append(table)
    if mixed:
        exact.append(pa.concat_tables(mixed, promote_options="permissive").filter(
            pq.filters_to_expression(where)))
    return pa.concat_tables(exact, promote_options="permissive")


def _bounds(column: Any) -> tuple[Any, Any] | None:
    """A row group column's least and greatest values (months as dates), None when its
    statistics do not say."""
    stats = column.statistics
    if stats is None or not stats.has_min_max:
        return None
    low, high = stats.min, stats.max
    if isinstance(low, dt.datetime) and isinstance(high, dt.datetime):
        return low.date(), high.date()
    return low, high


@dataclass(frozen=True)
class _Coded:
    """A text or month column as its distinct values (`distinct`, ending with None for a
    missing value) and each row's position among them (`index`)."""

    distinct: np.ndarray
    index: np.ndarray

    def values(self, at: Any = slice(None)) -> np.ndarray:
        return self.distinct[self.index[at]]

    def ranks(self) -> np.ndarray:
        """Each row's place in the column's sort order (missing last)."""
        present = self.distinct[:-1]
        rank = np.empty(len(self.distinct), dtype=np.int64)
        rank[np.argsort(present, kind="stable")] = np.arange(len(present))
        rank[-1] = len(present)
        return rank[self.index]


def _columns(table: pa.Table) -> dict[str, Any]:
    """A table's columns: text and months coded (_Coded, each distinct value made once),
    numbers as float arrays."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out: dict[str, Any] = {}
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_null(column.type):  # text with no value at all
            out[name] = _Coded(np.array([None], dtype=object),
                               np.zeros(len(column), dtype=np.int64))
            continue
        if pa.types.is_timestamp(column.type):  # months written as timestamps: their dates
            column = pc.cast(column, pa.date32(), safe=False)
        if pa.types.is_date(column.type) or pa.types.is_string(column.type) or (
            pa.types.is_large_string(column.type)
        ):
            column = pc.dictionary_encode(column)
        if pa.types.is_dictionary(column.type):
            column = column.unify_dictionaries()
            values = column.chunk(0).dictionary if column.num_chunks else pa.array([])
            indices = pc.fill_null(pa.chunked_array([c.indices for c in column.chunks],
                                                    type=column.type.index_type), len(values))
            out[name] = _Coded(np.array([*values.to_pylist(), None], dtype=object),
                               indices.to_numpy().astype(np.int64))
        else:
            out[name] = column.to_numpy()
    return out


def _key_codes(left: Mapping[str, Any], right: Mapping[str, Any], keys: list[str]
               ) -> tuple[np.ndarray, np.ndarray]:
    """One integer per row of each of two coded tables, equal exactly where the rows' `keys`
    are equal."""
    a = np.zeros(len(left[keys[0]].index), dtype=np.int64)
    b = np.zeros(len(right[keys[0]].index), dtype=np.int64)
    for k in keys:
        x, y = left[k], right[k]
        seen = {v: i for i, v in enumerate(x.distinct.tolist())}
        extra = [v for v in y.distinct.tolist() if v not in seen]
        seen.update({v: len(seen) + i for i, v in enumerate(extra)})
        into = np.array([seen[v] for v in y.distinct.tolist()], dtype=np.int64)
        a, b = a * len(seen) + x.index, b * len(seen) + into[y.index]
        joint, _ = pd.factorize(np.concatenate([a, b]))
        a, b = joint[: len(a)], joint[len(a):]
    return a, b


def _aligned(
    rows: Mapping[str, Any], more: Mapping[str, Any], columns: list[str]
) -> dict[str, Any]:
    """`more`'s `columns` for `rows` by key (ORDER; None or NaN where it has no row): as they
    are when both were read in the same order (the same pieces, the same filters), else
    matched by key."""
    mine, theirs = _key_codes(rows, more, ORDER)
    if np.array_equal(mine, theirs):
        return {c: more[c] for c in columns}
    return _taken(more, columns, mine, theirs)


def _taken(
    more: Mapping[str, Any], columns: list[str], mine: np.ndarray, theirs: np.ndarray,
    at: np.ndarray | None = None, n: int | None = None,
) -> dict[str, Any]:
    """`more`'s `columns` at the rows whose key (`mine`; of the rows `at` of `n`) is one of
    `more`'s (`theirs`), None or NaN elsewhere."""
    n = len(mine) if n is None else n
    at = np.arange(n) if at is None else at
    position = np.full(max(int(mine.max(initial=-1)), int(theirs.max(initial=-1))) + 1, -1)
    position[theirs] = np.arange(len(theirs))
    found = position[mine]
    hit = found >= 0
    out: dict[str, Any] = {}
    for c in columns:
        source = more[c]
        if isinstance(source, _Coded):
            index = np.full(n, len(source.distinct) - 1)
            index[at[hit]] = source.index[found[hit]]
            out[c] = _Coded(source.distinct, index)
        else:
            column = np.full(n, np.nan)
            column[at[hit]] = source[found[hit]]
            out[c] = column
    return out


def _funnel_columns(
    version: ResultsVersion, rows: Mapping[str, Any], columns: list[str]
) -> dict[str, Any]:
    """The funnel columns (kept by month) of rows read from a partitioned version's pieces:
    the ICBs' total rows' from the funnels, None or NaN elsewhere (ResultsVersion.add_funnels)."""
    from oversight.metrics.results import FUNNEL_KEYS

    n = len(rows[ORDER[0]].index)
    if not columns:
        return {}
    funnels = _columns(_funnel_table(version, [*FUNNEL_KEYS, *columns]))
    at = np.flatnonzero(
        np.logical_and.reduce([rows[k].values() == "icb" if k == "org_type" else
                               rows[k].values() == "total" for k in ("org_type", "breakdown",
                                                                     "group")])
    ) if n else np.zeros(0, dtype=np.int64)
    if not len(funnels[FUNNEL_KEYS[0]].index):
        empty = {c: np.full(0, np.nan) if c != "funnel_position" else
                 _Coded(np.array([None], dtype=object), np.zeros(0, dtype=np.int64))
                 for c in columns}
        return _taken(empty, columns, np.full(len(at), 0), np.zeros(0, dtype=np.int64), at, n)
    sub = {k: _Coded(rows[k].distinct, rows[k].index[at]) for k in FUNNEL_KEYS}
    mine, theirs = _key_codes(sub, funnels, FUNNEL_KEYS)
    return _taken(funnels, columns, mine, theirs, at, n)


def _funnel_table(version: ResultsVersion, columns: list[str]) -> pa.Table:
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = [pq.read_table(p, columns=columns, read_dictionary=[c for c in columns
                                                                  if c in TEXT_READ])
              for p in version.pieces("funnels")]
    if not tables:
        return pa.table({c: pa.array([], pa.string()) for c in columns})
    return pa.concat_tables(tables, promote_options="permissive")


def _frames(columns: Mapping[str, Any], last: dt.date | None) -> tuple[pd.DataFrame,
                                                                        pd.DataFrame]:
    """The total breakdown's rows and the groups' rows of the latest month, each in canonical
    order (ORDER; stable), text as objects with None."""
    n = len(columns[ORDER[0]].index)
    order = np.lexsort([columns[k].ranks() for k in reversed(ORDER)]) if n else np.arange(0)
    total = columns["breakdown"].values(order) == "total"
    groups = ~total & (columns["period"].values(order) == last) if last is not None else ~total

    def frame(at: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({
            k: pd.Series(v.values(at), dtype=object) if isinstance(v, _Coded) else v[at]
            for k, v in columns.items()
        })

    return frame(order[total]), frame(order[groups])


def _normalised(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows as `judged_rows` returns them: months as dates, canonical order, text as objects."""
    if len(rows):
        rows["period"] = pd.to_datetime(rows["period"]).dt.date
    return _text_as_objects(rows.sort_values(ORDER, kind="stable").reset_index(drop=True))


def patched_rows(
    version: ResultsVersion, parent: Judgements, metrics: Iterable[str]
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """`judged_rows(version, metrics)` made from the parent's judged inputs and only the
    results pieces the version rewrote since the parent's results (the organisations it
    recomputed, the months whose funnels moved): an unchanged piece holds the same rows.
    None when that cannot be done (a store or judgements without the pieces or inputs)."""
    from oversight.metrics.results import FUNNEL_KEYS, ResultsVersion

    chosen = sorted(set(metrics))
    last = max(version.periods) if version.periods else None
    before = ResultsVersion(parent.id, version.root / parent.id)
    kept_groups = parent.manifest.get("groups", {})
    inputs = [parent.path / INPUTS_DIR / f"{m}.parquet" for m in chosen]
    grouped = [parent.path / GROUP_INPUTS_DIR / f"{m}.parquet" for m in chosen if m in kept_groups]
    if (
        not chosen
        or last is None
        or parent.manifest.get("groups_period") != f"{last:%Y-%m}"
        or not version.partitioned
        or not before.manifest_path.exists()
        or not before.partitioned
        or not all(f.exists() for f in (*inputs, *grouped))
    ):
        return None
    changed = version.changed_since(before)
    orgs = sorted(changed.get("metrics", set()) | changed.get("statistics", set()))
    moved = sorted(changed.get("funnels", set()))
    base = _stacked([_columns(_read_table(f, None, None)) for f in (*inputs, *grouped)])
    names = [c for c in INPUTS if c in base]
    where = [("metric_id", "in", chosen)]
    own = [c for c in INPUTS if c not in ("value", "missing_reason", *FUNNEL)]
    fresh = _columns(_pieces_table(version.pieces("metrics", orgs), where,
                                   [*ORDER, "value", "missing_reason"]))
    if version.pieces("statistics"):
        stats = _columns(_pieces_table(version.pieces("statistics", orgs), where,
                                       [*ORDER, *own]))
        fresh.update(_aligned(fresh, stats, own))
    n = len(fresh[ORDER[0]].index)
    total = np.flatnonzero(fresh["breakdown"].values() == "total") if n else np.zeros(0, int)
    # the changed organisations' funnel positions are the parent's in the months whose funnel
    # pieces are the same (their breakdown groups have none)
    mine, theirs = _key_codes(fresh, base, ORDER)
    fresh.update(_taken(base, ["funnel_position"], mine[total], theirs, total, n))
    keep = (fresh["breakdown"].values() == "total") | (fresh["period"].values() == last)
    unchanged = ~_within_coded(base["org_code"], orgs)
    out = _stacked([_subset(base, np.flatnonzero(unchanged), [*ORDER, *names]),
                    _subset(fresh, np.flatnonzero(keep), [*ORDER, *names])])
    if moved:  # every ICB's position in a month whose funnel moved is the new one
        values = out["org_type"].values()
        at = np.flatnonzero((values == "icb") & (out["group"].values() == "total")
                            & _within_coded(out["period"], [dt.date.fromisoformat(k)
                                                            for k in moved]))
        funnels = _columns(_pieces_table(version.pieces("funnels", moved), None,
                                         [*FUNNEL_KEYS, "funnel_position"]))
        placed = {k: _Coded(out[k].distinct, out[k].index[at]) for k in FUNNEL_KEYS}
        mine, theirs = _key_codes(placed, funnels, FUNNEL_KEYS)
        position = _taken(funnels, ["funnel_position"], mine, theirs)["funnel_position"]
        index = out["funnel_position"].index.copy()
        joint = _stacked([{"p": out["funnel_position"]}, {"p": position}])["p"]
        index = joint.index[: len(index)].copy()
        index[at] = joint.index[len(index):]
        out["funnel_position"] = _Coded(joint.distinct, index)
    return _frames(out, last)


def _pieces_table(pieces: list[Path], filters: Any, columns: list[str]) -> pa.Table:
    """Some results pieces' rows (filtered), one table, text read dictionary-encoded."""
    import pyarrow as pa

    tables = [_read_table(p, filters, columns) for p in pieces]
    if not tables:
        return pa.table({c: pa.array([], pa.string()) for c in columns})
    return pa.concat_tables(tables, promote_options="permissive")


def _within_coded(column: _Coded, allowed: Iterable[Any]) -> np.ndarray:
    """Whether each row's value is one of `allowed` (decided once per distinct value)."""
    wanted = set(allowed)
    return np.array([v in wanted for v in column.distinct.tolist()], dtype=bool)[column.index]


def _subset(columns: Mapping[str, Any], at: np.ndarray, names: list[str]) -> dict[str, Any]:
    """Some rows (`at`) of some columns of a coded table."""
    return {k: _Coded(columns[k].distinct, columns[k].index[at]) if isinstance(columns[k], _Coded)
            else columns[k][at] for k in names}


def _stacked(parts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Coded tables one after the other (the columns of the first; text and months coded
    over the distinct values of all)."""
    if len(parts) == 1:
        return dict(parts[0])
    out: dict[str, Any] = {}
    for name in parts[0]:
        columns = [p[name] for p in parts]
        if isinstance(columns[0], _Coded):
            seen: dict[Any, int] = {}
            indices = []
            for c in columns:
                into = np.array([seen.setdefault(v, len(seen)) for v in c.distinct.tolist()],
                                dtype=np.int64)
                indices.append(into[c.index])
            seen.setdefault(None, len(seen))
            distinct = np.array(list(seen), dtype=object)
            if distinct[-1] is not None:  # None last, as _Coded keeps it
                where = seen[None]
                order = [*[i for i in range(len(distinct)) if i != where], where]
                rank = np.empty(len(order), dtype=np.int64)
                rank[order] = np.arange(len(order))
                distinct = distinct[order]
                indices = [rank[i] for i in indices]
            out[name] = _Coded(distinct, np.concatenate(indices))
        else:
            out[name] = np.concatenate(columns)
    return out


def changed_metrics(old: pd.DataFrame, new: pd.DataFrame) -> set[str]:
    """The metrics where any organisation's judged inputs differ in any month (a row added or
    removed counts as a difference)."""
    return set(_differing(old, new, INPUTS)["metric_id"])


def changed_months(old: pd.DataFrame, new: pd.DataFrame, columns: Iterable[str]) -> list[dt.date]:
    """The months where any row's `columns` differ between two outcome frames (a row added or
    removed counts as a difference)."""
    return sorted({pd.Timestamp(p).date() for p in _differing(old, new, columns)["period"]})


def _differing(old: pd.DataFrame, new: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """The keys (ORDER) of the rows whose `columns` differ, or that only one frame has."""
    keys, differs = _differences(old, new, columns)
    return keys.loc[np.logical_or.reduce([*differs.values(), keys["_only"].to_numpy()]), ORDER]


def _differences(
    old: pd.DataFrame, new: pd.DataFrame, columns: Iterable[str], keys: list[str] = ORDER
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Every key (`keys`, default ORDER) of either frame (and `_only`: one frame has it), and
    per column of `columns` that `new` has, whether the rows differ there (a row one frame
    lacks, or a column `old` lacks, differs)."""
    cols = [c for c in columns if c in new.columns]
    a = old[[*keys, *[c for c in cols if c in old.columns]]]
    b = new[[*keys, *cols]]
    if len(a) == len(b) and all(np.array_equal(a[k].to_numpy(object), b[k].to_numpy(object))
                                for k in keys):  # the same rows in the same order: no merge
        both = pd.concat([b[keys].reset_index(drop=True),
                          a[[c for c in cols if c in a.columns]].reset_index(drop=True)
                          .add_suffix("_old"),
                          b[cols].reset_index(drop=True).add_suffix("_new")], axis=1)
        only = np.zeros(len(both), dtype=bool)
    else:
        both = a.merge(b, on=keys, how="outer", suffixes=("_old", "_new"), indicator=True)
        only = both["_merge"].to_numpy() != "both"
    differs: dict[str, np.ndarray] = {}
    for col in cols:
        if f"{col}_old" not in both.columns:
            differs[col] = np.ones(len(both), dtype=bool)
            continue
        x, y = both[f"{col}_old"], both[f"{col}_new"]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            xv, yv = x.to_numpy(float), y.to_numpy(float)
            same = (xv == yv) | (np.isnan(xv) & np.isnan(yv))
        else:
            same = (x.isna() & y.isna()) | (x.astype(object) == y.astype(object))
            same = same.to_numpy(bool)
        differs[col] = ~same | only
    return both[keys].assign(_only=only), differs


def fed_by(catalogue: Any, datasets: Iterable[str]) -> set[str]:
    """The metrics any of whose data items come from one of `datasets`."""
    wanted = set(datasets)
    items = catalogue.data_items
    return {
        m.id
        for m in catalogue.metrics.values()
        if any(i in items and items[i].dataset in wanted for i in m.data_item_ids)
    }


# ---- publishing and reading ----


def _link_or_copy(source: Path, target: Path) -> None:
    """The parent's file, shared (a hard link: versions are never changed in place)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _write(
    home: Home,
    version_id: str,
    fresh: tuple[Mapping[str, pa.Table], ...],
    kept: Judgements | None,
    keep: Iterable[str],
    manifest: dict[str, Any],
) -> None:
    """Write `fresh` (one map of tables by metric for each of DIRS) and share the `keep`
    metrics' files of `kept`, in a staging directory renamed into place."""
    import pyarrow.parquet as pq

    root = home.judgements_dir
    root.mkdir(parents=True, exist_ok=True)
    final = root / version_id
    staging = root / f".staging-{version_id}-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    for sub, tables in zip(DIRS, fresh, strict=True):
        (staging / sub).mkdir(parents=True)
        for metric, table in tables.items():
            pq.write_table(table, staging / sub / f"{metric}.parquet")
    if kept is not None:
        for metric in keep:
            for sub in DIRS:
                if (kept.path / sub / f"{metric}.parquet").exists():
                    _link_or_copy(kept.path / sub / f"{metric}.parquet",
                                  staging / sub / f"{metric}.parquet")
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2))
    if final.exists():  # judged again: swap each file atomically (same content when reproducible)
        for sub in DIRS:
            (final / sub).mkdir(exist_ok=True)
            stale = {p.name for p in (final / sub).glob("*.parquet")}
            for new in sorted((staging / sub).glob("*.parquet")):
                os.replace(new, final / sub / new.name)
                stale.discard(new.name)
            for name in stale:
                (final / sub / name).unlink()
        os.replace(staging / "manifest.json", final / "manifest.json")
        shutil.rmtree(staging)
    else:
        os.replace(staging, final)
    tmp = root / f".{POINTER}.{version_id}"
    tmp.write_text(version_id + "\n")
    os.replace(tmp, root / POINTER)


def judged(home: Home, version_id: str) -> Judgements | None:
    """The judgements made from one results version, None if it has not been judged (or was
    judged into an older layout)."""
    path = home.judgements_dir / version_id
    return Judgements(version_id, path) if (path / OUTCOMES_DIR).is_dir() else None


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


def _split(frame: pd.DataFrame) -> dict[str, pa.Table]:
    """A frame sorted by metric as one Arrow table per metric (converted once, then sliced:
    converting each metric's rows on its own costs more than the judging). A text column
    without a value is typed as text all the same, so a metric's file is the same whichever
    other metrics were judged with it (incremental or full)."""
    import pyarrow as pa

    if frame.empty:
        return {}
    frame = frame.reset_index(drop=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    if any(pa.types.is_null(f.type) for f in table.schema):  # text without a value here
        typed = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f
                 for f in table.schema]
        table = pa.Table.from_pandas(frame, schema=pa.schema(typed), preserve_index=False)
    ids = frame["metric_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    ends = np.r_[starts[1:], len(ids)]
    return {str(ids[a]): table.slice(a, b - a) for a, b in zip(starts, ends, strict=True)}


def assess(
    home: Home,
    results_version: ResultsVersion,
    *,
    catalogue: Any = None,
    deciles: str | Path | None = None,
    incremental: bool = True,
) -> Judgements:
    """Judge every organisation × metric × month of a results version (and the breakdown
    groups of its latest month) and persist it.

    `deciles`: the population-by-deprivation file for peer groups (default: the home's
    reference folder; none means no peer ranks). With `incremental`, a parent version's
    judgements made from the same inputs are reused for the metrics that did not change.
    """
    catalogue = catalogue or _catalogue()
    targets = target_source.targets(home, catalogue)
    file = deciles_file(home, deciles)
    prints = fingerprint(targets, file, catalogue.metrics)
    parent = _reusable(home, results_version, prints) if incremental else None
    judged_ids = set(catalogue.metrics)
    read: Callable[[], tuple[pd.DataFrame, pd.DataFrame] | None]
    if parent is None:
        redo = judged_ids
        read = lambda: judged_rows(results_version)  # noqa: E731
        how = "full"
    else:
        recorded = _recorded_changes(results_version, parent.id, catalogue)
        missing = judged_ids - set(parent.metric_ids) - set(parent.manifest.get("absent", []))
        if recorded is not None:
            redo = (recorded | missing) & judged_ids
            read = lambda: (  # noqa: E731
                (None if missing & redo else patched_rows(results_version, parent, redo))
                or judged_rows(results_version, redo)
            )
        else:  # no record of what was recomputed: compare every judged input
            everything = judged_rows(results_version)
            redo = changed_metrics(_inputs(parent), everything[0]) | missing
            # breakdown inputs are not kept: judge them again
            redo |= set(everything[1]["metric_id"])
            read = lambda: everything  # noqa: E731
        how = f"incremental ({len(redo & judged_ids)} metrics from {parent.id})"
    # the rule sets that read no judge outcomes (scored) segmented on forked children while
    # the rows are read and judged: what they read (the ICBs' figures) is known before
    early = sorted(k for k, r in catalogue.rule_sets.items() if r.method != "flags")
    recorded_months = [] if parent is None else _recorded_months(results_version, parent.id)
    monthly = _monthly(results_version, catalogue)
    started = segments.start(
        home,
        home.judgements_dir / results_version.id,
        results_version.metrics_path,
        early,
        catalogue=catalogue,
        parent_path=None if parent is None else parent.path,
        monthly=monthly,
        changed=_changed_figures(results_version, parent, monthly, catalogue, redo,
                                 recorded_months, early),
    )
    try:
        found = read()
        assert found is not None
        rows, groups = found
        chosen = rows[rows["metric_id"].isin(sorted(redo))]
        in_groups = groups[groups["metric_id"].isin(sorted(redo))]
        plan = _Plan(targets, file, prints, parent, redo, how, recorded_months)
        return _judged(home, results_version, catalogue, plan, chosen, in_groups, started)
    except BaseException:
        started.abandon()
        raise


@dataclass(frozen=True)
class _Plan:
    """What `assess` decided before judging: what the version is judged with (the targets,
    the deprivation file and their fingerprint), the parent's judgements reused (None: judged
    in full), the metrics judged again, how (for the manifest) and the months of the ICB-months
    recomputed since the parent."""

    targets: list[Any]
    deciles: Path | None
    prints: Mapping[str, Any]
    parent: Judgements | None
    redo: set[str]
    how: str
    recorded_months: list[dt.date]


def _judged(
    home: Home,
    results_version: ResultsVersion,
    catalogue: Any,
    plan: _Plan,
    chosen: pd.DataFrame,
    in_groups: pd.DataFrame,
    started: segments.Building,
) -> Judgements:
    """`assess` from the rows to judge on: the judging, the files, and the segments (those
    `started` began, and the others)."""
    targets, file, parent, redo = plan.targets, plan.deciles, plan.parent, plan.redo
    judged_ids = set(catalogue.metrics)
    judged_months = {pd.Timestamp(p).date() for f in (chosen, in_groups)
                     for p in f["period"].unique()}
    context = judging_context(catalogue, sorted(judged_months), file)
    outcomes = _split(judge_rows(chosen, catalogue, targets, file, canonical=True,
                                 context=context)) if len(chosen) else {}
    inputs = _split(chosen[[*ORDER, *[c for c in INPUTS if c in chosen.columns]]])
    inputs = {m: t for m, t in inputs.items() if m in outcomes}
    by_group = _split(judge_groups(in_groups, catalogue, targets, file, canonical=True,
                                   context=context))
    group_inputs = _split(in_groups[[*ORDER, *[c for c in INPUTS if c in in_groups.columns]]])
    group_inputs = {m: t for m, t in group_inputs.items() if m in by_group}
    keep = [] if parent is None else sorted(
        m for m in parent.metric_ids if m not in redo and m in judged_ids
    )
    counts = {m: t.num_rows for m, t in outcomes.items()}
    group_counts = {m: t.num_rows for m, t in by_group.items()}
    if parent is not None:
        counts.update({m: int(parent.manifest["metrics"][m]) for m in keep})
        kept = parent.manifest.get("groups", {})
        group_counts.update({m: int(kept[m]) for m in keep if m in kept})
    manifest = {
        "results_version": results_version.id,
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "how": plan.how,
        "rows": sum(counts.values()),
        "metrics": dict(sorted(counts.items())),
        "absent": sorted(judged_ids - set(counts)),
        "groups": dict(sorted(group_counts.items())),
        "groups_period": f"{max(results_version.periods):%Y-%m}" if results_version.periods
        else None,
        **plan.prints,
    }
    _write(home, results_version.id, (outcomes, inputs, by_group, group_inputs), parent, keep,
           manifest)
    done = Judgements(results_version.id, home.judgements_dir / results_version.id)
    late = sorted(k for k, r in catalogue.rule_sets.items() if r.method == "flags")
    segments.build(
        home,
        done.path,
        results_version.metrics_path,
        # made only if a quarter is segmented again
        lambda since: _flag_outcomes(done, catalogue, outcomes, since=since),
        catalogue=catalogue,
        changed=None if parent is None else _segment_months(
            parent, done, outcomes, catalogue, plan.recorded_months, late
        ),
        started=started,
    )
    return done


MONTHLY = ["metric_id", "org_type", "org_code", "period", "group", "numerator", "denominator",
           "value"]
"""The columns of `segments.monthly_rows`."""


def _icb_totals(
    version: ResultsVersion, catalogue: Any, months: Iterable[dt.date] | None = None
) -> pd.DataFrame | None:
    """`segments.monthly_rows` of a version whose rule sets are all of ICBs (of some `months`;
    default: all), read from its totals pieces (the ICBs' total figures, kept by month for the
    funnels) rather than from every organisation's rows (no rows when the version has none);
    None when it has no such pieces."""
    from oversight.metrics.results import TOTALS

    if not version.pieces("metrics"):  # nor a metrics_path to read them from
        return pd.DataFrame(columns=MONTHLY)
    if {r.org_type for r in catalogue.rule_sets.values()} != {"icb"} or (
        "totals" not in version.parts or not version.periods
    ):
        return None
    frame = version.totals(version.periods if months is None else months)
    if not set(TOTALS) <= set(frame.columns):
        return None
    frame = frame[(frame["org_type"] == "icb") & (frame["breakdown"] == "total")
                  & (frame["group"] == "total")]
    return frame.sort_values(["org_code", "metric_id", "period"], kind="stable")[
        MONTHLY
    ].reset_index(drop=True)


def _flag_outcomes(
    done: Judgements,
    catalogue: Any,
    fresh: Mapping[str, pa.Table] | None = None,
    *,
    since: dt.date | None = None,
) -> pd.DataFrame:
    """What segmentation reads of the outcomes: those a flags rule set tests, of its metrics
    (scored rule sets read none), of the months from `since` on (all when None: an
    incremental build redoes only its last quarters, and decoding every month's rows cost more
    than segmenting them). `fresh`: tables just written to `done`, taken as they are rather
    than decoded from their files again (what is read back is the same)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    flagged = {m for r in catalogue.rule_sets.values() if r.method == "flags"
               for m in r.metric_ids}
    columns = list(dict.fromkeys([*ORDER, "variation", *get_args(FlagOutcome)]))
    fresh = fresh or {}
    parts = []
    for metric in sorted(flagged & set(done.metric_ids)):
        if metric in fresh:
            table = fresh[metric].select(columns)
        elif (file := done.file(metric)).exists():
            table = pq.ParquetFile(file).read(columns=columns, use_threads=False)
        else:
            continue
        if since is not None:
            at = pa.scalar(since, table.schema.field("period").type)
            table = table.filter(pc.greater_equal(table["period"], at))
        parts.append(table)
    if not parts:
        return pd.DataFrame(columns=columns)
    return _restore(pa.concat_tables(parts, promote_options="default").to_pandas())


SEGMENTS_READ = ["value", "missing_reason", *get_args(FlagOutcome)]
"""What segmentation may read of a month: its figures (values, through the results) and the
outcomes a nof-2022 flag may test."""


def _segment_months(
    parent: Judgements,
    done: Judgements,
    fresh: Mapping[str, Any],
    catalogue: Any,
    recorded: Iterable[dt.date] = (),
    rules: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per rule set (`rules`; default: all), the months (`period`) whose inputs to it changed
    in the metrics judged again: the figures of its organisation type and metrics (and the
    `recorded` ICB-months' months, whose numerators and denominators quarter values pool),
    and for a flags rule set the outcomes its flags test. A moved SPC limit, or a region's or
    England's figure, changes no segment, so segmentation redoes only the quarters a rule set
    really reads a change in.

    `fresh`: the outcome tables judged again, by metric (a table, or None to read the file
    in `done`). Each metric's old and new outcomes are read and compared once, for every
    rule set."""
    sets = _reading(catalogue, fresh, rules)
    metrics = sorted({m for r in sets for m in r.metric_ids} & set(fresh))
    columns = [*ORDER, *SEGMENTS_READ]

    def new_table(metric: str) -> pa.Table:
        table = fresh[metric]
        return _read_table(done.file(metric), None, columns) if table is None else (
            table.select(columns)
        )

    olds = [_columns(_read_table(parent.file(m), None, columns)) for m in metrics
            if parent.file(m).exists()]
    return _months_read(sets, olds, [_columns(new_table(m)) for m in metrics], columns,
                        recorded)


def _figure_months(
    before: pd.DataFrame,
    after: pd.DataFrame,
    catalogue: Any,
    metrics: Iterable[str],
    recorded: Iterable[dt.date],
    rules: Iterable[str],
) -> pd.DataFrame:
    """`_segment_months` of rule sets that read only figures (scored ones), known before any
    row is judged: per rule set reading any of `metrics` (those judged again), the months
    where its organisations' figures (`_monthly` of the parent's results, `before`, and of
    these, `after`: every figure it segments on) differ, with the `recorded` months."""
    sets = _reading(catalogue, metrics, rules)
    if not sets:
        return pd.DataFrame([], columns=["rules", "period"])
    keys = ["metric_id", "org_type", "org_code", "period", "group"]
    both, differs = _differences(before, after, ["numerator", "denominator", "value"], keys)
    changed = np.logical_or.reduce([np.zeros(len(both), dtype=bool), *differs.values()])
    return _months_of(sets, both, lambda rule_set: changed, recorded)


def _changed_figures(
    version: ResultsVersion,
    parent: Judgements | None,
    monthly: pd.DataFrame,
    catalogue: Any,
    metrics: Iterable[str],
    recorded: Iterable[dt.date],
    rules: Iterable[str],
) -> pd.DataFrame | None:
    """`_figure_months` against the parent's results; None (every month) without a parent or
    when its results are no longer stored."""
    from oversight.metrics.results import ResultsVersion

    if parent is None:
        return None
    before = ResultsVersion(parent.id, version.root / parent.id)
    if not before.manifest_path.exists():
        return None
    if "totals" in version.parts and "totals" in before.parts:
        # a month whose totals piece is the parent's holds the same figures: only the others
        # are read and compared
        keys = version.changed_since(before).get("totals", set())
        months = [dt.date.fromisoformat(k) for k in sorted(keys)]
        old = _icb_totals(before, catalogue, months)
        if old is not None and len(monthly):
            new = monthly[monthly["period"].isin(months)].reset_index(drop=True)
            return _figure_months(old, new, catalogue, metrics, recorded, rules)
    return _figure_months(_monthly(before, catalogue), monthly, catalogue, metrics, recorded,
                          rules)


def _monthly(version: ResultsVersion, catalogue: Any) -> pd.DataFrame:
    """What segmentation reads of a version's figures (`segments.monthly_rows` of the rule
    sets' organisation types): from its totals pieces where it has them."""
    found = _icb_totals(version, catalogue)
    if found is not None:
        return found
    types = sorted({r.org_type for r in catalogue.rule_sets.values()})
    if not types:  # no rule sets: nothing is segmented
        return pd.DataFrame(columns=MONTHLY)
    return segments.monthly_rows(version.metrics_path, types)


def _reading(catalogue: Any, metrics: Iterable[str], rules: Iterable[str] | None) -> list[Any]:
    """The rule sets (of `rules`; default: all) reading any of `metrics`."""
    wanted = set(metrics)
    return [r for k, r in sorted(catalogue.rule_sets.items())
            if (rules is None or k in set(rules)) and set(r.metric_ids) & wanted]


def _months_read(
    sets: list[Any],
    olds: list[dict[str, Any]],
    news: list[dict[str, Any]],
    columns: list[str],
    recorded: Iterable[dt.date],
) -> pd.DataFrame:
    """Per rule set of `sets`, the months where a row it reads differs between the old and new
    coded tables (`columns`: ORDER and what is compared), with the `recorded` months."""
    if not sets:
        return pd.DataFrame([], columns=["rules", "period"])
    compared = [c for c in columns if c not in ORDER]
    new = _stacked(news) if news else {c: _Coded(np.array([None], dtype=object),
                                                  np.zeros(0, dtype=np.int64)) for c in columns}
    same = _same_rows(_stacked(olds), new, compared) if olds else None
    if same is not None:  # the same keys in the same order: compared row by row
        keys, differs = same
    else:
        def frame(coded: Mapping[str, Any]) -> pd.DataFrame:
            return pd.DataFrame({k: v.values() if isinstance(v, _Coded) else v
                                 for k, v in coded.items()}, columns=columns)

        old = frame(_stacked(olds)) if olds else pd.DataFrame(columns=columns)
        keys, differs = _differences(_restore(old), _restore(frame(new)), compared)

    def read(rule_set: Any) -> np.ndarray:
        """Where any column the rule set reads differs (a flags one: its outcomes too)."""
        columns = ["value", "missing_reason"]
        if rule_set.method == "flags":
            columns += list(dict.fromkeys(c.outcome for c in rule_set.flag_when))
        return np.logical_or.reduce([np.zeros(len(keys), dtype=bool),
                                     *[differs[c] for c in columns if c in differs]])

    return _months_of(sets, keys, read, recorded)


def _months_of(
    sets: list[Any],
    keys: pd.DataFrame,
    differs: Callable[[Any], np.ndarray],
    recorded: Iterable[dt.date],
) -> pd.DataFrame:
    """Per rule set, the months of the rows (`keys`: ORDER's columns) of its organisation type
    and metrics where `differs(rule_set)`, with the `recorded` months."""
    months = keys["period"].to_numpy(object)
    out: list[tuple[str, dt.date]] = []
    for rule_set in sets:
        mask = differs(rule_set) & (keys["org_type"] == rule_set.org_type).to_numpy() & keys[
            "metric_id"].isin(sorted(rule_set.metric_ids)).to_numpy()
        found = {pd.Timestamp(p).date() for p in months[mask]} | set(recorded)
        out += [(rule_set.id, month) for month in sorted(found)]
    return pd.DataFrame(out, columns=["rules", "period"])


def _same_rows(
    old: Mapping[str, Any], new: Mapping[str, Any], columns: Iterable[str]
) -> tuple[pd.DataFrame, dict[str, np.ndarray]] | None:
    """`_differences` of two coded tables holding the same keys (ORDER) in the same order,
    without merging them; None when they do not."""
    n = len(new[ORDER[0]].index)
    if len(old[ORDER[0]].index) != n:
        return None
    mine, theirs = _key_codes(new, old, ORDER)
    if not np.array_equal(mine, theirs):
        return None
    differs: dict[str, np.ndarray] = {}
    for col in [c for c in columns if c in new]:
        if col not in old:
            differs[col] = np.ones(n, dtype=bool)
        elif isinstance(new[col], _Coded) and isinstance(old[col], _Coded):
            joint = _stacked([{"c": new[col]}, {"c": old[col]}])["c"].index
            differs[col] = joint[:n] != joint[n:]
        elif isinstance(new[col], _Coded) or isinstance(old[col], _Coded):
            return None
        else:
            x, y = np.asarray(old[col], float), np.asarray(new[col], float)
            differs[col] = ~((x == y) | (np.isnan(x) & np.isnan(y)))
    keys = pd.DataFrame({k: new[k].values() for k in ORDER}).assign(
        _only=np.zeros(n, dtype=bool))
    return keys, differs


def _recorded_months(version: ResultsVersion, parent_id: str) -> list[dt.date]:
    """The months of the ICB-months this version recomputed since `parent_id` (its manifest's
    record; none when it does not say)."""
    changes = version.manifest.get("changes")
    if not isinstance(changes, dict) or changes.get("from") != parent_id:
        return []
    return sorted({Period.month_of(str(c[2])).start for c in changes.get("icb_months", [])})


def _recorded_changes(version: ResultsVersion, parent_id: str, catalogue: Any) -> set[str] | None:
    """The metrics the ICB-months this version recomputed (since `parent_id`) feed, from its
    manifest; None when it does not say, or says it started from another version."""
    changes = version.manifest.get("changes")
    if not isinstance(changes, dict) or changes.get("from") != parent_id:
        return None
    rebased = {str(s[0]) for s in changes.get("series", [])}  # their SPC limits start again
    return fed_by(catalogue, {str(c[0]) for c in changes.get("icb_months", [])}) | rebased


def _inputs(judgements: Judgements) -> pd.DataFrame:
    parts = [
        pd.read_parquet(judgements.path / INPUTS_DIR / f"{m}.parquet")
        for m in judgements.metric_ids
    ]
    if not parts:
        return pd.DataFrame(columns=[*ORDER, *INPUTS])
    return _restore(pd.concat(parts, ignore_index=True))


def _reusable(home: Home, version: ResultsVersion, prints: Mapping[str, Any]) -> Judgements | None:
    """The parent version's judgements, if they were made from the same targets, peers and
    method."""
    parent_id = version.parent
    if parent_id is None or parent_id == version.id:
        return None
    before = judged(home, parent_id)
    if before is None or any(before.manifest.get(k) != v for k, v in prints.items()):
        return None
    return before


def judgements(
    home: Home,
    org: str | None = None,
    metric: str | None = None,
    period: MonthLike | None = None,
    version: str | None = None,
    breakdown: str | None = "total",
) -> list[Judgement]:
    """Read back judgements (default: of the published results), filtered, as Judgements:
    ICBs', regions' and England's (org "ENG"); of the total breakdown by default, of one
    breakdown's groups (e.g. "imd_decile", latest month only) or of both (None)."""
    found = latest(home, version)
    if found is None:
        where = f"results version {version}" if version else "the published results"
        raise FileNotFoundError(
            f"{where} under {home.root} have not been judged: run `oversight judge`"
        )
    return found.judgements(org=org, metric=metric, period=period, breakdown=breakdown)
