"""One organisation's final segment as one of its metric values is tried at other figures, every
other value held fixed: what the search for "what would move you" asks thousands of times.

The answer is exactly that of rescoring the metric (`scoring.score_metric`) and
`compute.final_segment` on the summed scores; only what a trial changes is worked out per
trial. Of the metric's scores, only the percentile spread's depend on the tried figure: the
organisation's own rank among the others, and each other's rank, which counts the organisation
when the figure is no better than theirs. Scores are whole units of 10^-decimals (as
`compute.totals` sums them), each percentile's from a table over the rank (rounded once by
`round_half_up`, as score_metric rounds it), and averages are compared as whole units (the
same order as the floats `mean_of_units` gives, which differ whenever the units do).
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Mapping

import numpy as np

from oversight.catalogue.models import Metric, RuleSet
from oversight.judge.segmentation.combine import mean_of_units, minimum_scored, round_half_up, units
from oversight.judge.segmentation.compute import Totals, _overrides
from oversight.judge.segmentation.inputs import Inputs
from oversight.judge.segmentation.scoring import _brackets, better, bookends, no_worse
from oversight.judge.segmentation.segments import threshold_segment

SPREAD, FIXED, NONE = 0, 1, 2


class Column:
    """One metric of a quarter as every trial of it starts: each organisation's scores over
    the other metrics (`rest`, as `compute.totals(..., skip=metric)` gives them) plus its
    score on this one when that does not depend on a tried figure (the standard, the floor, a
    bracket), and the figures on the percentile spread. Shared by every organisation's
    trials of the metric."""

    def __init__(
        self,
        rule_set: RuleSet,
        metrics: Mapping[str, Metric],
        inputs: Inputs,
        metric: str,
        rest: Totals,
    ) -> None:
        self.rule_set, self.inputs, self.metric = rule_set, inputs, metric
        self.scored = rule_set.scored(metric)
        self.improvement = metrics[metric].improvement
        self.decimals = rule_set.average_decimals
        self.standard = self.scored.standard.value if self.scored.standard else None
        self.floor = self.scored.floor.value if self.scored.floor else None
        self.best, self.worst = bookends(self.scored)
        orgs = inputs.orgs
        self.index = {o: i for i, o in enumerate(orgs)}
        totals = np.array([rest[o][0] for o in orgs], dtype=np.int64)
        counts = np.array([rest[o][1] for o in orgs], dtype=np.int64)
        fixed = np.zeros(len(orgs), dtype=np.int64)
        spread = np.zeros(len(orgs), dtype=bool)
        values = np.full(len(orgs), np.nan)
        for i, o in enumerate(orgs):
            value = inputs.value(o, metric)
            if value is None:
                continue
            values[i] = value
            counts[i] += 1
            kind, fixed[i] = self.kind(value)
            spread[i] = kind == SPREAD
        self.totals, self.counts, self.fixed = totals, counts, fixed
        self.spread, self.values = spread, values
        self.spread_at = np.flatnonzero(spread)
        # every organisation's score of a figure not on the spread, when no other is tried
        self.with_fixed = totals + np.where(spread, 0, fixed)
        self.required = minimum_scored(rule_set.min_scored_share.value, len(rule_set.metric_ids))
        cut = rule_set.cut
        assert cut is not None  # a scored rule set has a cut (the model checks it)
        self.quartiles = cut.kind == "quartiles"
        self.thresholds = [t.value for t in cut.thresholds]

    def kind(self, value: float) -> tuple[int, int]:
        """Whether a figure is scored on the spread, or its fixed score in units."""
        imp, d = self.improvement, self.decimals
        if self.scored.method == "brackets":
            score, _ = _brackets(self.scored, imp, value)
            return FIXED, units(round_half_up(score, d), d)
        if self.standard is not None and no_worse(imp, value, self.standard):
            return FIXED, units(1.0, d)
        if self.floor is not None and better(imp, self.floor, value):
            return FIXED, units(4.0, d)
        return SPREAD, 0

    def table(self, n: int) -> np.ndarray:
        """A percentile score in units by rank, with `n` organisations on the spread."""
        return _table(self.best, self.worst, n, self.decimals)

    def trial(self, org: str) -> Trial:
        return Trial(self, org)


class Trial:
    """`segment(v)`: the organisation's final segment with its value on the column's metric
    set to v (it has a value there)."""

    def __init__(self, column: Column, org: str) -> None:
        self.column, self.org = column, org
        self.me = me = column.index[org]
        self.spread_at = column.spread_at[column.spread_at != me]
        self.spread_values = column.values[self.spread_at]
        ordered = np.sort(self.spread_values)
        self.ordered = ordered.tolist()
        # each other's rank among the other spread organisations (as percentile_ranks counts)
        if column.improvement == "increase":
            self.base = np.searchsorted(ordered, self.spread_values, side="right") - 1
        else:
            self.base = (
                len(ordered) - np.searchsorted(ordered, self.spread_values, side="left") - 1
            )
        totals = column.with_fixed.copy()
        totals[me] = column.totals[me]  # its own score is the tried figure's
        self.totals = totals
        # its count already holds the metric (it has a value; a tried one is always scored)
        self.eligible = column.counts >= column.required
        self.counts = np.maximum(column.counts, 1)  # never divided by 0 (0 is not eligible)
        self.finals: dict[int, int] = {}

    def segment(self, value: float) -> int | None:
        column, me = self.column, self.me
        if not self.eligible[me]:
            return None
        kind, fixed = column.kind(value)
        totals = self.totals.copy()
        if kind == SPREAD:
            table = column.table(len(self.ordered) + 1)
            if column.improvement == "increase":  # no better than theirs: at most theirs
                behind = self.spread_values >= value
                mine = bisect_right(self.ordered, value)
            else:
                behind = self.spread_values <= value
                mine = len(self.ordered) - bisect_left(self.ordered, value)
            totals[self.spread_at] += table[self.base + behind]
            totals[me] += table[mine]
        else:
            if len(self.ordered):
                totals[self.spread_at] += column.table(len(self.ordered))[self.base]
            totals[me] += fixed
        counts = self.counts
        if column.quartiles:
            means = (2 * totals + counts) // (2 * counts)
            eligible = self.eligible
            rank = 1 + int(np.count_nonzero(eligible & (means < means[me])))
            raw = -(-4 * rank // int(np.count_nonzero(eligible)))
        else:
            average = mean_of_units(int(totals[me]), int(counts[me]), column.decimals)
            raw = threshold_segment(average, column.thresholds)
        if raw not in self.finals:
            found = _overrides(column.rule_set, column.inputs, self.org, raw)
            self.finals[raw] = found[-1].after if found else raw
        return self.finals[raw]


@functools.lru_cache(maxsize=1024)
def _table(best: float, worst: float, n: int, decimals: int) -> np.ndarray:
    """Percentile scores in units by rank (0 to n - 1) among `n` organisations, as
    `scoring.score_metric` rounds them (read only)."""
    ps = [1.0] if n == 1 else [k / (n - 1) for k in range(n)]
    table = np.array(
        [units(round_half_up(worst - p * (worst - best), decimals), decimals) for p in ps],
        dtype=np.int64,
    )
    table.flags.writeable = False
    return table
