"""Percentages of the possible score, kept exact, and the bands they fall in.

A percentage is points scored out of the maximum possible (4 per score), held as integers so
62.5% is exactly 62.5%. The bands are inclusive whole percentages (25-38, 39-62, …), so a
percentage is rounded to a whole one before it meets them: half up, as the framework file says
(an assumption flagged there). Pure; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from numbers import Rational

from oversight.catalogue.models import ScoreBand

MAX_SCORE = 4


@dataclass(frozen=True)
class Percentage:
    """`points` of a possible `maximum` (both integers)."""

    points: int
    maximum: int

    def __post_init__(self) -> None:
        if self.maximum <= 0 or not 0 <= self.points <= self.maximum:
            raise ValueError(f"{self.points} of {self.maximum} is not a score out of a maximum")

    @property
    def exact(self) -> Fraction:
        return Fraction(100 * self.points, self.maximum)

    @property
    def rounded(self) -> int:
        return round_half_up(self.exact)

    def text(self) -> str:
        """'62.5%' (up to 2 decimals, no trailing zeros)."""
        return percent_text(self.exact)


def as_fraction(pct: float | Rational) -> Fraction:
    """A percentage as an exact fraction; a float is read as written (38.5 is 77/2)."""
    if isinstance(pct, bool):
        raise TypeError("a percentage is a number, not a truth value")
    if isinstance(pct, Rational):
        return Fraction(int(pct.numerator), int(pct.denominator))
    return Fraction(repr(float(pct)))


def round_half_up(value: Fraction) -> int:
    """The nearest whole number, halves going up (62.5 -> 63, 38.4 -> 38)."""
    return int((2 * value.numerator + value.denominator) // (2 * value.denominator))


def percent_text(value: Fraction) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def band_for(pct: float | Rational, bands: tuple[ScoreBand, ...]) -> tuple[int, ScoreBand]:
    """The whole percentage `pct` rounds to, and the band it falls in (ValueError outside)."""
    exact = as_fraction(pct)
    whole = round_half_up(exact)
    for band in bands:
        if band.min_percent <= whole <= band.max_percent:
            return whole, band
    low, high = bands[0].min_percent, bands[-1].max_percent
    raise ValueError(f"{percent_text(exact)} is outside {low}-{high}%, the range scores can give")


def band_text(band: ScoreBand) -> str:
    return f"{band.min_percent}-{band.max_percent}%"
