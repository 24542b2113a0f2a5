"""Generate the synthetic NHS into a lake directory, one (month, dataset, ICB) file at a time.

Only one file's table is in memory at once, so peak memory depends on the largest file, not
on scale × months.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyarrow as pa
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from oversight.synth import aggregates, truth
from oversight.synth import calibration as cal
from oversight.synth import manifest as manifest_file
from oversight.synth.calendar import Month
from oversight.synth.calendar import months as month_range
from oversight.synth.demography import profile
from oversight.synth.manifest import DatasetSummary, Manifest
from oversight.synth.organisations import CatalogueLike, SynthICB, from_catalogue, load_icbs
from oversight.synth.records import ae, ambulance, cancer, rtt, talking_therapies
from oversight.synth.records.base import Slice
from oversight.synth.schema import AGGREGATE_DATASETS, DATASETS, RECORD_DATASETS
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


def rtt_backlog(scale: float, populations: np.ndarray) -> np.ndarray:
    """Pathways already waiting when generation starts, per ICB (steady-state list size)."""
    weeks_per_month = 365.25 / 7 / 12
    total = round(cal.RTT_CLOCK_STARTS * scale * rtt.mean_wait_weeks() / weeks_per_month)
    return allocate(total, populations.astype(np.float64))


def generate(
    out: Path,
    *,
    scale: float,
    months: int,
    start: str,
    seed: int,
    progress: bool = True,
    catalogue: CatalogueLike | None = None,
) -> Manifest:
    """Write the synthetic lake under `out` (out/<dataset>/<YYYY-MM>/<ICB>.parquet) and its
    manifest (out/_synth/manifest.json); organisations come from the catalogue."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, not {scale}")
    calendar = month_range(start, months)
    icbs = from_catalogue(catalogue) if catalogue is not None else load_icbs()
    populations = np.array([i.population for i in icbs], dtype=np.int64)
    counts = {
        name: icb_counts(name, base, scale, calendar, populations, seed)
        for name, (base, _) in RECORDS.items()
    }
    extra = {name: np.zeros_like(c) for name, c in counts.items()}
    extra["rtt_pathways"][0] = rtt_backlog(scale, populations)
    injections = truth.plan(icbs, calendar, seed)
    profiles = {i.code: profile(i, seed) for i in icbs}
    horizon = calendar[-1].first_day_number + calendar[-1].days
    rows = dict.fromkeys(DATASETS, 0)
    files = dict.fromkeys(DATASETS, 0)
    out = Path(out)
    with (
        _progress(progress, len(calendar) * len(DATASETS)) as advance,
        BackgroundWriter() as writer,
    ):
        for month in calendar:
            for dataset in DATASETS:
                for j, icb in enumerate(icbs):
                    if dataset in RECORDS:
                        sizes = counts[dataset] + extra[dataset]
                        piece = Slice(
                            dataset,
                            month,
                            icb,
                            seed,
                            int(counts[dataset][month.index, j]),
                            _first_id(sizes, month.index, j),
                            horizon,
                            profiles[icb.code],
                            truth.for_icb(injections, dataset, icb.code),
                            int(extra[dataset][month.index, j]),
                        )
                        table = RECORDS[dataset][1](piece)
                    else:
                        weight = scale * icb.population / populations.sum()
                        table = aggregates.generate(dataset, month, icb, seed, weight)
                    writer.submit(table, lake_path(out, dataset, month.label, icb.code))
                    rows[dataset] += table.num_rows
                    files[dataset] += 1
                    del table
                advance(f"{month.label} {dataset}")
    result = Manifest(
        seed=seed,
        scale=scale,
        start=calendar[0].label,
        months=len(calendar),
        periods=tuple(m.label for m in calendar),
        icb_codes=tuple(i.code for i in icbs),
        datasets={d: DatasetSummary(rows[d], files[d]) for d in DATASETS},
        injections=injections,
    )
    manifest_file.write(result, out)
    return result


def _first_id(sizes: np.ndarray, month: int, icb: int) -> int:
    """Record ids run on across (month, ICB) files in generation order, so they are unique."""
    flat = sizes.reshape(-1)
    return int(flat[: month * sizes.shape[1] + icb].sum())


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


__all__ = ["AGGREGATE_DATASETS", "Month", "SynthICB", "generate"]
