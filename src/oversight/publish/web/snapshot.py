"""Everything the pages read, loaded once per published version and kept in memory.

A `Snapshot` is the published results (every organisation, metric and month; total and
breakdown rows) with the judge's outcome rows of the same version, keyed by the results
version id and the judgements id. Both are immutable, so a snapshot never goes stale: a newly
published version has a new key and is loaded on the next request. Page contexts built from a
snapshot are cached by the same key (see the views), which keeps the ICS page fast.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pandas as pd

from oversight.home import Home
from oversight.publish import access
from oversight.publish.access import Embargo
from oversight.publish.web.release_times import epoch, release_times

TOTAL = "total"
ICB = "icb"


@dataclass(frozen=True, eq=False)
class Snapshot:
    results_id: str | None
    judged_id: str | None
    results: pd.DataFrame
    """Total rows of every organisation × metric × month, months as dates."""
    breakdowns: pd.DataFrame
    """Breakdown rows (imd_quintile, sex, ...) of ICBs, months as dates; may be empty."""
    judged: pd.DataFrame
    """The judge's outcome rows (oversight.judge.assess), months as dates; may be empty."""
    key: tuple[str | None, str | None] = field(default=(None, None))

    @cached_property
    def by_metric(self) -> dict[str, pd.DataFrame]:
        return {str(m): f for m, f in self.results.groupby("metric_id", sort=False)}

    @cached_property
    def judged_by_metric(self) -> dict[str, pd.DataFrame]:
        if self.judged.empty:
            return {}
        return {str(m): f for m, f in self.judged.groupby("metric_id", sort=False)}

    @cached_property
    def months(self) -> list[tuple[str, dt.date]]:
        """Every metric x month the results hold (what an embargo may withhold)."""
        pairs = self.results[["metric_id", "period"]].drop_duplicates()
        return [(str(m), p) for m, p in pairs.itertuples(index=False)]

    @cached_property
    def latest_periods(self) -> dict[str, dt.date]:
        """Each metric's latest month with any ICB figure (else its latest month at all)."""
        out: dict[str, dt.date] = {}
        for metric, frame in self.by_metric.items():
            icbs = frame[frame["org_type"] == ICB]
            have = icbs.loc[icbs["value"].notna(), "period"]
            at = have.max() if len(have) else frame["period"].max()
            if not pd.isna(at):
                out[metric] = at
        return out

    def rows(self, metric: str, org: str | None = None) -> pd.DataFrame:
        frame = self.by_metric.get(metric)
        if frame is None:
            return self.results.iloc[0:0]
        if org is not None:
            frame = frame[frame["org_code"] == org]
        return frame

    def judged_rows(self, metric: str, org: str | None = None,
                    period: dt.date | None = None) -> pd.DataFrame:
        frame = self.judged_by_metric.get(metric)
        if frame is None:
            return self.judged.iloc[0:0]
        if org is not None:
            frame = frame[frame["org_code"] == org]
        if period is not None:
            frame = frame[frame["period"] == period]
        return frame

    @cached_property
    def latest_judged(self) -> dict[tuple[str, str], dict[str, object]]:
        """(metric, org) → the judge's row for the metric's latest month."""
        out: dict[tuple[str, str], dict[str, object]] = {}
        for metric, at in self.latest_periods.items():
            frame = self.judged_rows(metric, period=at)
            for rec in frame.to_dict(orient="records"):
                out[(metric, str(rec["org_code"]))] = rec
        return out

    @cached_property
    def latest_results(self) -> dict[tuple[str, str], dict[str, object]]:
        """(metric, org) → the published row for the metric's latest month."""
        out: dict[tuple[str, str], dict[str, object]] = {}
        for metric, at in self.latest_periods.items():
            frame = self.rows(metric)
            for rec in frame[frame["period"] == at].to_dict(orient="records"):
                out[(metric, str(rec["org_code"]))] = rec
        return out


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    if len(frame):
        frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return frame


EMPTY = pd.DataFrame(columns=["metric_id", "org_type", "org_code", "period", "breakdown",
                              "group", "value"])


@lru_cache(maxsize=4)
def _load(home: Home, results_id: str | None, judged_id: str | None) -> Snapshot:
    from oversight.judge.stage import Judgements
    from oversight.metrics import published

    if results_id is None:
        results, breakdowns = EMPTY.copy(), EMPTY.copy()
    else:
        every = _dates(published(home, results_id).rows())
        total = every["breakdown"] == TOTAL
        results = every[total].sort_values(["metric_id", "org_code", "period"])
        breakdowns = every[~total & (every["org_type"] == ICB)]
        results, breakdowns = results.reset_index(drop=True), breakdowns.reset_index(drop=True)
    judged = EMPTY.copy()
    if judged_id is not None:
        try:
            judged = Judgements(judged_id, home.judgements_dir / judged_id).frame()
        except (OSError, ValueError, KeyError):  # unreadable: the figures without judgements
            judged_id = None
        else:
            judged = judged[judged["breakdown"] == TOTAL].reset_index(drop=True)
    return Snapshot(results_id, judged_id, results, breakdowns, judged, (results_id, judged_id))


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


_resolved: dict[Home, tuple[object, Snapshot]] = {}


_pointer_files: dict[Home, tuple[Path, Path]] = {}


def _pointers(home: Home) -> tuple[object, object]:
    """The identity of the results' and the judgements' CURRENT pointer files."""
    files = _pointer_files.get(home)
    if files is None:
        from oversight.judge import stage
        from oversight.metrics import results

        files = (home.results_dir / results.POINTER, home.judgements_dir / stage.POINTER)
        _pointer_files[home] = files
    return (_signature(files[0]), _signature(files[1]))


def loaded(home: Home) -> bool:
    """True when `snapshot(home)` answers from memory: nothing was published since it last
    read the results (else it reads them, which takes seconds: not on the event loop)."""
    seen = _resolved.get(home)
    return seen is not None and seen[0] == _pointers(home)


def snapshot_if_loaded(home: Home) -> Snapshot | None:
    """`snapshot(home)` when it answers from memory, else None (without reading anything)."""
    return snapshot(home) if loaded(home) else None


def _whole(home: Home) -> Snapshot:
    """The published results and their judgements as they stand now, embargo aside.

    Publishing results or judgements replaces a CURRENT pointer file (os.replace), so the
    pointers' identity (inode, mtime, size) says whether anything was published since the
    last request; only then are the versions resolved again (a stat each instead of reading
    both pointers and looking for the judgements' folder on every request)."""
    from oversight.judge import stage
    from oversight.metrics import results

    sig = _pointers(home)
    seen = _resolved.get(home)
    if seen is not None and seen[0] == sig:
        return seen[1]
    found = stage.latest(home)
    snap = _load(home, results.current_version(home), None if found is None else found.id)
    _resolved[home] = (sig, snap)
    return snap


def snapshot(home: Home) -> Snapshot:
    """The published results and their judgements as the public may see them now: a month
    still under embargo (oversight.publish.access) is left out until its release time."""
    whole = _whole(home)
    embargo = access.rules()
    if not embargo.any or whole.results.empty:
        return whole
    times = _release_times(whole, embargo)
    return _public(whole, embargo, epoch(times, access.clock()))


_times: dict[tuple[int, int], tuple[Snapshot, Embargo, tuple[dt.datetime, ...]]] = {}


def _release_times(whole: Snapshot, embargo: Embargo) -> tuple[dt.datetime, ...]:
    """The release times of every month in `whole`, worked out once per snapshot and rules
    (the entry holds both, so their ids are not reused while it is kept)."""
    key = (id(whole), id(embargo))
    seen = _times.get(key)
    if seen is None or seen[0] is not whole or seen[1] is not embargo:
        if len(_times) >= 8:
            _times.clear()
        seen = (whole, embargo, release_times(embargo, whole.months))
        _times[key] = seen
    return seen[2]


_epochs: dict[tuple[int, int, int], tuple[Snapshot, Embargo, Snapshot]] = {}


def _public(whole: Snapshot, embargo: Embargo, at: int) -> Snapshot:
    """What the public sees of `whole` in release epoch `at`: the same until the next release
    time, so it is worked out once per epoch rather than on every request."""
    key = (id(whole), id(embargo), at)
    seen = _epochs.get(key)
    if seen is not None and seen[0] is whole and seen[1] is embargo:
        return seen[2]
    now = access.clock()
    withheld = frozenset(
        (m, p) for m, p in whole.months if not embargo.visible(access.PUBLIC, m, None, p, now)
    )
    out = _released(whole, withheld) if withheld else whole
    if len(_epochs) >= 8:
        _epochs.clear()
    _epochs[key] = (whole, embargo, out)
    return out


@lru_cache(maxsize=4)
def _released(whole: Snapshot, withheld: frozenset[tuple[str, dt.date]]) -> Snapshot:
    """`whole` without the metric x months in `withheld`; its key names what was withheld, so
    page caches keyed by it change when a month is released."""

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty:
            return frame
        pairs = zip(frame["metric_id"].astype(str), frame["period"], strict=True)
        return frame[[pair not in withheld for pair in pairs]].reset_index(drop=True)

    digest = hashlib.blake2b(repr(sorted(withheld)).encode(), digest_size=6).hexdigest()
    results_key = None if whole.results_id is None else f"{whole.results_id}@{digest}"
    return Snapshot(whole.results_id, whole.judged_id, keep(whole.results),
                    keep(whole.breakdowns), keep(whole.judged), (results_key, whole.judged_id))
