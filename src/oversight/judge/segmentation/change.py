"""The change in average score since the previous quarter, and whether a move is significant.

Method (ours; NHS England has published none, so it is marked unconfirmed wherever shown): treat
an organisation's metric scores in a quarter as a sample of its performance. The standard error
of its average is s / sqrt(k) (s the sample standard deviation of its k scores). The change
between quarters has standard error sqrt(se_now² + se_before²), and its 95% interval is the
change ± 1.96 of those. The change is significant when the interval excludes 0; a segment move
is significant when the segment changed and the change in average is significant in the same
direction. With fewer than two scores in either quarter there is no interval.
"""

from __future__ import annotations

import functools
import math
import statistics

from oversight.judge.segmentation.combine import round_half_up
from oversight.judge.segmentation.result import OrgSegment, QuarterChange

Z95 = 1.959963984540054


def _se(result: OrgSegment) -> float | None:
    scores = tuple(s.score for s in result.scores if s.score is not None)
    if len(scores) < 2:
        return None
    return _stdev(scores) / math.sqrt(len(scores))


@functools.lru_cache(maxsize=4096)
def _stdev(scores: tuple[float, ...]) -> float:
    """statistics.stdev (exact, so slow), once for each quarter's result: it is read again as
    the next quarter's previous one."""
    return statistics.stdev(scores)


def change_since(previous: OrgSegment, current: OrgSegment) -> QuarterChange | None:
    """The change from `previous` (an earlier quarter) to `current`, or None without averages."""
    if previous.average is None or current.average is None:
        return None
    se_now, se_before = _se(current), _se(previous)
    if se_now is None or se_before is None:
        return None
    diff = current.average - previous.average
    half = Z95 * math.sqrt(se_now**2 + se_before**2)
    # + 0.0: a bound that rounds to zero reads +0.00, never -0.00
    low, high = round_half_up(diff - half, 2) + 0.0, round_half_up(diff + half, 2) + 0.0
    significant = low > 0 or high < 0
    shown = round_half_up(diff, 2)
    words = "worse" if diff > 0 else "better" if diff < 0 else "unchanged"
    head = (
        f"Since {previous.period} the average score is {words} by {abs(shown):.2f} "
        f"(95% interval {low:+.2f} to {high:+.2f}; method unconfirmed)"
        if diff
        else f"Since {previous.period} the average score is unchanged"
    )
    before, now = previous.segment, current.segment
    if before == now:
        tail = f"the segment is unchanged at {now}"
    elif before is None or now is None:
        tail = f"segment then {before}, now {now}"
    else:
        moved_right_way = (now > before) == (diff > 0)
        verdict = "significant" if significant and moved_right_way else "not significant"
        tail = f"the move from segment {before} to {now} is {verdict}"
    return QuarterChange(
        previous.period,
        before,
        shown,
        low,
        high,
        significant,
        f"{head}; {tail}.",
    )
