"""Cutting averages into segments 1-4, and the league table.

- Quartiles: rank r of an organisation = 1 + the number of organisations of the type with a
  strictly lower (better) average; with n organisations segmented, segment = ceil(4r / n). Ties
  share the better rank, so tied averages always share a segment.
- Thresholds t1 < t2 < t3: an average at or below t1 is segment 1, above t1 and at or below t2
  segment 2, above t2 and at or below t3 segment 3, above t3 segment 4.
- League table: rank within type by final segment, then average (lower is better); ties share
  the better rank (1, 2, 2, 4).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence


def quartile_ranks(averages: Mapping[str, float]) -> dict[str, int]:
    """1 + how many organisations have a strictly lower average."""
    ordered = sorted(averages.values())
    return {org: 1 + bisect_left(ordered, v) for org, v in averages.items()}


def quartile_segments(averages: Mapping[str, float]) -> dict[str, int]:
    """Segment 1-4 by quartile of the average across the organisations given."""
    n = len(averages)
    return {org: -(-4 * r // n) for org, r in quartile_ranks(averages).items()}


def threshold_segment(average: float, thresholds: Sequence[float]) -> int:
    """Segment 1-4 from three increasing cut-points."""
    return 1 + sum(1 for t in thresholds if average > t)


def league_ranks(keys: Mapping[str, tuple[float, float]]) -> dict[str, int]:
    """Competition ranking on (final segment, then average or other tie-breaker)."""
    values = list(keys.values())
    return {org: 1 + sum(1 for w in values if w < k) for org, k in keys.items()}
