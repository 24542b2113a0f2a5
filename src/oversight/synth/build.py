"""Generate the synthetic NHS into a lake directory, one (month, dataset, ICB) file at a time.

A run is planned up front (volumes, record ids, truth, profiles: all small), then each
(month, dataset) is made independently, on a couple of worker processes. Only a few tables
are in memory at once, so peak memory depends on the largest file, not on scale × months.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from oversight.period import Period
from oversight.synth import aggregates, truth
from oversight.synth import calibration as cal
from oversight.synth import manifest as manifest_file
from oversight.synth.calendar import Month
from oversight.synth.calendar import months as month_range
from oversight.synth.demography import Profile, profile
from oversight.synth.manifest import DatasetSummary, Manifest
from oversight.synth.organisations import CatalogueLike, SynthICB, from_catalogue, load_icbs
from oversight.synth.records import ae, ambulance, cancer, rtt, talking_therapies
from oversight.synth.records.base import Slice
from oversight.synth.schema import DATASETS, RECORD_DATASETS
from oversight.synth.volumes import allocate, icb_counts
from oversight.synth.writer import BackgroundWriter, lake_path

#: National volume per month at scale 1.0 and the generator of each record-level dataset.
RECORDS: dict[str, tuple[int, Callable[[Slice], pa.Table]]] = {
    "ae_attendances": (cal.AE_ATTENDANCES, ae.generate),
    "ambulance_incidents": (cal.AMBULANCE_INCIDENTS, ambulance.generate),
    "rtt_pathways": (cal.RTT_CLOCK_STARTS, rtt.generate),
    "cancer_referrals": (cal.CANCER_REFERRALS, cancer.generate),
    "talking_therapies_referrals": (cal.TALKING_THERAPIES_REFERRALS, talking_therapies.generate),
}
assert tuple(RECORDS) == RECORD_DATASETS
DEFAULT_WORKERS = 2


@dataclass(frozen=True)
class Plan:
    """Everything decided before any file is written; small, and picklable for workers."""

    out: Path
    seed: int
    scale: float
    calendar: tuple[Month, ...]
    icbs: tuple[SynthICB, ...]
    counts: dict[str, np.ndarray]  # records per (month, ICB), per record-level dataset
    extra: dict[str, np.ndarray]  # RTT backlog in the first month
    injections: tuple[truth.Injection, ...]
    profiles: dict[str, Profile]

    @property
    def horizon_day(self) -> int:
        last = self.calendar[-1]
        return last.first_day_number + last.days

    @property
    def weights(self) -> np.ndarray:
        populations = np.array([i.population for i in self.icbs], dtype=np.float64)
        return self.scale * populations / populations.sum()

    def first_id(self, dataset: str, month: int, icb: int) -> int:
        """Record ids run on across (month, ICB) files in generation order, so they are unique."""
        sizes = (self.counts[dataset] + self.extra[dataset]).reshape(-1)
        return int(sizes[: month * len(self.icbs) + icb].sum())


def plan(
    out: Path, scale: float, months: int, start: Period | str, seed: int, icbs: tuple[SynthICB, ...]
) -> Plan:
    calendar = month_range(start, months)
    populations = np.array([i.population for i in icbs], dtype=np.int64)
    counts = {
        name: icb_counts(name, base, scale, calendar, populations, seed)
        for name, (base, _) in RECORDS.items()
    }
    extra = {name: np.zeros_like(c) for name, c in counts.items()}
    extra["rtt_pathways"][0] = rtt_backlog(scale, populations)
    return Plan(
        out,
        seed,
        scale,
        calendar,
        icbs,
        counts,
        extra,
        truth.plan(icbs, calendar, seed),
        {i.code: profile(i, seed) for i in icbs},
    )


def rtt_backlog(scale: float, populations: np.ndarray) -> np.ndarray:
    """Pathways already waiting when generation starts, per ICB (steady-state list size)."""
    weeks_per_month = 365.25 / 7 / 12
    total = round(cal.RTT_CLOCK_STARTS * scale * rtt.mean_wait_weeks() / weeks_per_month)
    return allocate(total, populations.astype(np.float64))


def make(plan: Plan, month_index: int, dataset: str) -> int:
    """Write one dataset's files for one month (all ICBs); returns the rows written."""
    month = plan.calendar[month_index]
    rows = 0
    with BackgroundWriter() as writer:
        if dataset in RECORDS:
            for j, icb in enumerate(plan.icbs):
                piece = Slice(
                    dataset,
                    month,
                    icb,
                    plan.seed,
                    int(plan.counts[dataset][month_index, j]),
                    plan.first_id(dataset, month_index, j),
                    plan.horizon_day,
                    plan.profiles[icb.code],
                    truth.for_icb(plan.injections, dataset, icb.code),
                    int(plan.extra[dataset][month_index, j]),
                )
                table = RECORDS[dataset][1](piece)
                writer.submit(table, lake_path(plan.out, dataset, month.label, icb.code))
                rows += table.num_rows
        else:
            table = aggregates.generate(dataset, month, plan.icbs, plan.seed, plan.weights)
            for j, icb in enumerate(plan.icbs):
                writer.submit(
                    table.slice(j, 1), lake_path(plan.out, dataset, month.label, icb.code)
                )
            rows += table.num_rows
    return rows


def generate(
    out: Path,
    *,
    scale: float,
    months: int,
    start: Period | str,
    seed: int,
    progress: bool = True,
    workers: int | None = None,
    catalogue: CatalogueLike | None = None,
    datasets: tuple[str, ...] = DATASETS,
) -> Manifest:
    """Write the synthetic lake under `out` (out/<dataset>/<YYYY-MM>/<ICB>.parquet) and its
    manifest (out/_synth/manifest.json). Organisations come from `oversight.catalogue.load()`
    unless a catalogue is given; `workers` processes (default 2; 1 = in this process).

    `datasets`: only these (the manifest lists only them). Every file depends on its own
    (seed, dataset, month, ICB) alone, so each is the same bytes as in the whole lake: a test
    can make the few datasets it needs of a large run."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, not {scale}")
    unknown = sorted(set(datasets) - set(DATASETS))
    if unknown or not datasets:
        named = f"unknown datasets {', '.join(unknown)}" if unknown else "no datasets named"
        raise ValueError(f"{named}; choose from {', '.join(DATASETS)}")
    month_range(start, months)  # validate before loading anything
    icbs = from_catalogue(catalogue) if catalogue is not None else load_icbs()
    run = plan(Path(out), scale, months, start, seed, icbs)
    chosen = tuple(d for d in DATASETS if d in datasets)
    tasks = [(m.index, d) for m in run.calendar for d in chosen]
    rows = dict.fromkeys(chosen, 0)
    count = workers or min(DEFAULT_WORKERS, os.cpu_count() or 1)
    if count <= 1:
        with _progress(progress, len(tasks)) as advance:
            for index, dataset in tasks:
                rows[dataset] += make(run, index, dataset)
                advance(f"{run.calendar[index].label} {dataset}")
    else:
        # Workers are forked (where the platform can) before the progress bar starts its
        # thread, and before any writer threads exist: a fork copies only the calling thread.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with ProcessPoolExecutor(count, mp_context=context) as pool:
            futures = {pool.submit(make, run, i, d): (i, d) for i, d in tasks}
            with _progress(progress, len(tasks)) as advance:
                for future in as_completed(futures):
                    index, dataset = futures[future]
                    rows[dataset] += future.result()
                    advance(f"{run.calendar[index].label} {dataset}")
    result = Manifest(
        seed=seed,
        scale=scale,
        start=run.calendar[0].label,
        months=len(run.calendar),
        periods=tuple(m.label for m in run.calendar),
        icb_codes=tuple(i.code for i in icbs),
        datasets={d: DatasetSummary(rows[d], len(run.calendar) * len(icbs)) for d in chosen},
        injections=run.injections,
    )
    manifest_file.write(result, run.out)
    return result


@contextmanager
def _progress(show: bool, total: int) -> Iterator[Callable[[str], None]]:
    if not show:
        yield lambda _label: None
        return
    bar = Progress(
        TextColumn("synth {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with bar:
        task = bar.add_task("", total=total)
        yield lambda label: bar.update(task, advance=1, description=label)
