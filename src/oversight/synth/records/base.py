"""What every record generator is given, and how its columns become a table."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from oversight.synth.calendar import Month
from oversight.synth.demography import People, Profile
from oversight.synth.organisations import SynthICB
from oversight.synth.randomness import icb_level
from oversight.synth.schema import schema
from oversight.synth.truth import Injection
from oversight.synth.writer import revision_id

US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class Slice:
    """One (dataset, month, ICB) file to make: how many records and the context they need."""

    dataset: str
    month: Month
    icb: SynthICB
    seed: int
    count: int
    first_record_id: int
    horizon_day: int  # date32 value of the day after the last generated month
    profile: Profile
    injections: tuple[Injection, ...]  # those for this dataset and ICB
    extra: int = 0  # RTT: backlog pathways added to the first month

    def icb_level(self, name: str, sd: float) -> float:
        """A persistent, seed-fixed deviation of this ICB from the national level."""
        return icb_level(self.seed, name, self.icb.code, sd)


def days_in_month(rng: np.random.Generator, n: int, month: Month) -> np.ndarray:
    """Uniform dates (date32 day numbers) within the month."""
    return month.first_day_number + rng.integers(0, month.days, size=n)


def capped_dates(days: np.ndarray, horizon_day: int) -> pa.Array:
    """Dates on or after the horizon have not happened yet: null."""
    return pa.array(days.astype(np.int32), pa.date32(), mask=days >= horizon_day)


def table(
    piece: Slice, rng: np.random.Generator, people: People, extra: dict[str, pa.Array]
) -> pa.Table:
    """Assemble shared, person and dataset columns in contract order (`rng` picks providers)."""
    n = len(people.age)
    providers = piece.icb.providers_for(piece.dataset)
    provider_index = rng.integers(0, len(providers), size=n).astype(np.int16)
    revision = revision_id(piece.seed, piece.dataset, piece.month.label, piece.icb.code)
    columns: dict[str, pa.Array] = {
        "icb_code": pa.repeat(pa.scalar(piece.icb.code, pa.string()), n),
        "period": pa.array(np.full(n, piece.month.first_day_number, np.int32), pa.date32()),
        "revision_id": pa.repeat(pa.scalar(revision, pa.string()), n),
        "record_id": pa.array(piece.first_record_id + np.arange(n, dtype=np.int64)),
        "provider_code": pa.DictionaryArray.from_arrays(
            pa.array(provider_index), pa.array(providers)
        ).cast(pa.string()),
        **people.columns(),
        **extra,
    }
    target = schema(piece.dataset)
    return pa.Table.from_arrays([columns[f.name] for f in target], schema=target)
