"""Random streams keyed on stable integers, so every (month, ICB) file can be made alone.

A file's generator depends only on (seed, stream name, month, ICB code), never on the order
of generation or on Python's salted `hash()`; that is what makes re-runs byte-identical and
lets generation stream one file at a time.
"""

from __future__ import annotations

import zlib
from functools import cache

import numpy as np


def stable_key(text: str) -> int:
    """A stable 32-bit integer for a name (CRC-32; identical on every run and platform)."""
    return zlib.crc32(text.encode("utf-8"))


def month_key(year: int, month: int) -> int:
    return year * 100 + month


def generator(seed: int, stream: str, month: int = 0, icb: str = "") -> np.random.Generator:
    """The generator of one stream for one month (`month_key`) and ICB ('' for national)."""
    entropy = [seed, stable_key(stream), month, stable_key(icb)]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


@cache
def icb_level(seed: int, name: str, icb: str, sd: float) -> float:
    """A persistent deviation of an ICB from the national level of `name` (normal, sd `sd`)."""
    return float(generator(seed, f"level:{name}", 0, icb).normal(0, sd))
