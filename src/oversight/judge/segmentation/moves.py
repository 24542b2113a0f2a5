"""What would move an organisation to each adjacent segment: computed by search, never written.

For a scored rule set, for each metric the organisation has a value on, the segment as a
function of that one value (every other organisation's values held fixed) is a step function:
it changes only where the value crosses another organisation's value, the standard, the floor
or a bracket bound, and it never gets worse as the value gets better (an organisation passing
another also lowers the other's percentile). So the candidates are those breakpoints: reached
exactly when improving (a tie takes the best score of its cluster, meeting a bookend counts),
passed strictly when worsening. Bisection over the candidates, ordered by distance, finds the
nearest one that reaches the target segment, recomputing the whole quarter each time. Moves
are ordered by size in standard deviations of the metric across the type; the three smallest
per direction are kept. Overrides that could be removed or added (leaving deficit support, a
capability review) are moves too, checked the same way.
"""

from __future__ import annotations

import functools
import itertools
import statistics
from collections.abc import Callable, Mapping, Sequence

from oversight.catalogue.models import Metric, RuleSet
from oversight.judge.segmentation import compute
from oversight.judge.segmentation.flags import propose, theme_flags
from oversight.judge.segmentation.inputs import (
    CapabilityReview,
    FinancialStatus,
    Inputs,
    replace_inputs,
)
from oversight.judge.segmentation.result import Move, OrgSegment
from oversight.judge.segmentation.scoring import better, no_worse
from oversight.judge.segmentation.trial import Column
from oversight.judge.segmentation.words import safe_figure, shown

KEEP = 3
"""Metric moves kept per adjacent segment (the smallest)."""

HYPOTHETICAL = "hypothetical"


def final_segment(
    rule_set: RuleSet, metrics: Mapping[str, Metric], inputs: Inputs, org: str
) -> int | None:
    """The organisation's final segment for these inputs (a full recompute of the quarter)."""
    if rule_set.method == "flags":
        return compute.assemble_flags(rule_set, inputs)[org].segment
    scores = compute.score_all(rule_set, metrics, inputs)
    return compute.final_segment(
        rule_set, inputs, compute.totals(rule_set, scores, inputs.orgs), org
    )


def _breakpoints(rule_set: RuleSet, inputs: Inputs, org: str, metric: str) -> list[float]:
    scored = rule_set.scored(metric)
    points = [v for o, v in inputs.metric_values(metric).items() if o != org]
    points += [n.value for n in (scored.standard, scored.floor) if n is not None]
    points += [b.bound.value for b in scored.brackets if b.bound is not None]
    return points


def _nudge(points: Sequence[float], value: float) -> float:
    """A step smaller than any gap between breakpoints, to pass one strictly."""
    distinct = sorted(set(points) | {value})
    gaps = [b - a for a, b in itertools.pairwise(distinct) if b > a]
    return min([g / 2 for g in gaps] + [1e-6 * max(1.0, abs(value))])


def _first(candidates: Sequence[float], reaches: Callable[[float], bool]) -> int | None:
    """Index of the nearest candidate that reaches the target (reaching is monotone)."""
    if not candidates or not reaches(candidates[-1]):
        return None
    low, high = 0, len(candidates) - 1
    while low < high:
        mid = (low + high) // 2
        if reaches(candidates[mid]):
            high = mid
        else:
            low = mid + 1
    return low


def _metric_move(
    rule_set: RuleSet,
    metrics: Mapping[str, Metric],
    inputs: Inputs,
    org: str,
    metric: str,
    target: int,
    base: compute.Scores,
    current: int,
    rests: dict[str, compute.Totals],
    columns: dict[str, Column],
) -> Move | None:
    value = inputs.value(org, metric)
    if value is None:
        return None
    info = metrics[metric]
    imp = info.improvement
    improving = target < current
    points = _breakpoints(rule_set, inputs, org, metric)
    step = _nudge(points, value)
    toward_better = 1.0 if (imp == "increase") == improving else -1.0
    if improving:
        edges = {p for p in points if better(imp, p, value)}
    else:
        edges = {p for p in [*points, value] if no_worse(imp, value, p)}
    # Each breakpoint twice: reached (a tie; it changes the other organisation's score too)
    # and passed by a step smaller than any gap.
    cands = sorted(
        [(p, p, False) for p in edges if p != value]
        + [(p + toward_better * step, p, True) for p in edges],
        key=lambda c: abs(c[0] - value),
    )
    if metric not in columns:  # the same for every organisation: made once per quarter
        if metric not in rests:
            rests[metric] = compute.totals(rule_set, base, inputs.orgs, skip=metric)
        columns[metric] = Column(rule_set, metrics, inputs, metric, rests[metric])
    # the segment at a value, kept: the move found is a value the search tried already
    segment_at = functools.cache(columns[metric].trial(org).segment)

    def reaches(v: float) -> bool:
        seg = segment_at(v)
        return seg is not None and (seg <= target if improving else seg >= target)

    index = _first([c[0] for c in cands], reaches)
    if index is None:
        return None
    to_value, edge, beyond = cands[index]
    spread = _spread(tuple(inputs.metric_values(metric).values())) or 1.0
    size = abs(to_value - value) / spread
    reached = segment_at(to_value)
    up = imp == "increase"
    # The shown figure is rounded so that acting on it still makes the move.
    safe, decimals = safe_figure(value, edge, up=up if improving else not up)
    edge_text = shown(info, safe, decimals)
    now = shown(info, value, decimals)
    if improving:
        verb = "raise" if up else "lower"
        how = ("above " if up else "below ") if beyond else ("at least " if up else "at most ")
        sentence = (
            f"To reach segment {reached}: {verb} {info.title} from {now} to {how}{edge_text}."
        )
    else:
        if beyond:
            how = f"{'fell below' if up else 'rose above'} {edge_text}"
        else:
            how = f"{'fell' if up else 'rose'} to {edge_text} or {'below' if up else 'above'}"
        sentence = f"Would fall to segment {reached} if {info.title} {how} (now {now})."
    return Move(target, reached, sentence, metric, value, to_value, beyond, None, size, edge, safe)


@functools.lru_cache(maxsize=256)
def _spread(values: tuple[float, ...]) -> float:
    """The standard deviation of a metric across the type (the same for every organisation
    of the quarter, so worked out once)."""
    return statistics.pstdev(values)


def _with_finance(inputs: Inputs, org: str, status: FinancialStatus) -> Inputs:
    finance = dict(inputs.finance)
    finance[org] = status
    return _copy(inputs, finance=finance)


def _with_review(inputs: Inputs, org: str, review: CapabilityReview | None) -> Inputs:
    kept = tuple(r for r in inputs.reviews if r.org != org)
    return _copy(inputs, reviews=kept + ((review,) if review else ()))


def _copy(inputs: Inputs, **changes: object) -> Inputs:
    return replace_inputs(inputs, **changes)


def _override_moves(
    rule_set: RuleSet, inputs: Inputs, result: OrgSegment, sums: compute.Totals
) -> list[Move]:
    """`sums`: every organisation's summed scores (`compute.totals`); an override changes
    no score, so each trial only cuts and overrides again."""
    org, seg = result.org, result.segment
    assert seg is not None

    found: list[Move] = []
    cap = rule_set.financial_override
    if any(o.kind == "financial" for o in result.overrides):
        reached = compute.final_segment(
            rule_set, _with_finance(inputs, org, FinancialStatus()), sums, org
        )
        if reached is not None and reached < seg:
            sentence = f"To reach segment {reached}: leave deficit and deficit support."
            found.append(Move(seg - 1, reached, sentence, override="financial"))
    elif cap is not None and seg < cap.value:
        status = FinancialStatus(in_deficit=True)
        reached = compute.final_segment(rule_set, _with_finance(inputs, org, status), sums, org)
        if reached is not None and reached > seg:
            sentence = f"Would fall to segment {reached} if it went into deficit."
            found.append(Move(seg + 1, reached, sentence, override="financial"))
    entry = rule_set.intensive_support_from
    if seg == 5:
        reached = compute.final_segment(rule_set, _with_review(inputs, org, None), sums, org)
        sentence = (
            f"To reach segment {reached}: a capability review that no longer finds intensive "
            "support needed."
        )
        found.append(Move(4, reached, sentence, override="capability_review"))
    elif entry is not None and seg == int(entry.value):
        review = CapabilityReview(org, inputs.period, HYPOTHETICAL, HYPOTHETICAL, True)
        reached = compute.final_segment(rule_set, _with_review(inputs, org, review), sums, org)
        sentence = (
            f"Segment {reached} only if a recorded capability review finds intensive support "
            "needed; no metric change alone moves it there."
        )
        found.append(Move(5, reached, sentence, override="capability_review"))
    return found


def _scored_moves(
    rule_set: RuleSet,
    metrics: Mapping[str, Metric],
    inputs: Inputs,
    result: OrgSegment,
    base: compute.Scores | None,
    rests: dict[str, compute.Totals],
    columns: dict[str, Column],
) -> tuple[Move, ...]:
    seg = result.segment
    if seg is None:
        return ()
    if base is None:
        base = compute.score_all(rule_set, metrics, inputs)
    if "" not in rests:  # skipping no metric: every score
        rests[""] = compute.totals(rule_set, base, inputs.orgs)
    moves = _override_moves(rule_set, inputs, result, rests[""])
    targets = [t for t in (seg - 1, seg + 1) if 1 <= t <= 4 and seg <= 4]
    for target in targets:
        found = [
            _metric_move(
                rule_set, metrics, inputs, result.org, m, target, base, seg, rests, columns
            )
            for m in rule_set.metric_ids
        ]
        kept = sorted((m for m in found if m is not None), key=lambda m: (m.size, m.metric))
        moves += kept[:KEEP]
        if not kept:
            sentence = f"No change in one metric alone would move it to segment {target}."
            moves.append(Move(target, None, sentence))
    return tuple(moves)


def _proposal_with(
    rule_set: RuleSet, outcomes: Mapping[tuple[str, str], Mapping[str, str]], org: str
) -> int:
    """The organisation's proposed segment under these outcomes. A proposal counts only the
    organisation's own flagged themes, so it is worked out for it alone (what
    compute.assemble_flags gives it, without assembling the whole quarter)."""
    assert rule_set.proposal is not None
    themes = theme_flags(rule_set, outcomes, org)
    return propose(rule_set.proposal, sum(1 for t in themes if t.is_flagged))


def _flag_moves(
    rule_set: RuleSet, metrics: Mapping[str, Metric], inputs: Inputs, result: OrgSegment
) -> tuple[Move, ...]:
    """nof-2022: the proposal moves when one metric's flag clears, or a new one appears."""
    org, proposed = result.org, result.proposed_segment
    assert proposed is not None and rule_set.proposal is not None
    moves: list[Move] = []
    outcomes = dict(inputs.outcomes)
    flagged = [(t, m) for t in result.themes for m, _ in t.flagged]
    for theme, metric in flagged:
        got = _proposal_with(rule_set, {**outcomes, (org, metric): {}}, org)
        if got < proposed:
            title = metrics[metric].title
            sentence = (
                f"Proposal {got} (from {proposed}) if the flag on {title} cleared, leaving "
                f"{theme.title.lower()} unflagged."
            )
            moves.append(Move(proposed - 1, got, sentence, metric))
            break
    condition = rule_set.flag_when[0]
    for theme in result.themes:
        if theme.is_flagged or not rule_set.themes:
            continue
        spec = next(t for t in rule_set.themes if t.id == theme.theme)
        if not spec.metrics:
            continue
        metric = spec.metrics[0]
        flag: dict[str, str] = {condition.outcome: str(condition.equals)}
        got = _proposal_with(rule_set, {**outcomes, (org, metric): flag}, org)
        if got > proposed:
            sentence = (
                f"Proposal {got} (from {proposed}) if any metric of {theme.title.lower()} "
                f"flagged, e.g. {metrics[metric].title} ({condition.outcome} {condition.equals})."
            )
            moves.append(Move(proposed + 1, got, sentence, metric))
            break
    if result.decision is not None:
        d = result.decision
        moves.append(
            Move(
                d.segment,
                d.segment,
                f"The recorded decision (segment {d.segment}, by {d.decided_by}) stands until "
                "NHS England records another.",
                override="decision",
            )
        )
    return tuple(moves)


def what_would_move(
    rule_set: RuleSet,
    metrics: Mapping[str, Metric],
    inputs: Inputs,
    result: OrgSegment,
    *,
    base: compute.Scores | None = None,
    rests: dict[str, compute.Totals] | None = None,
    columns: dict[str, Column] | None = None,
) -> tuple[Move, ...]:
    """The computed moves to each adjacent segment for one organisation.

    Searching every organisation of a quarter, pass the quarter's scores (`base`, as
    compute.score_all gives them) and one `rests` dict to every call: both are the same for
    every organisation, so they are worked out once instead of once per organisation; one
    `columns` dict likewise holds each metric's trials' shared start (trial.Column)."""
    if rule_set.method == "flags":
        return _flag_moves(rule_set, metrics, inputs, result)
    return _scored_moves(rule_set, metrics, inputs, result, base,
                         {} if rests is None else rests, {} if columns is None else columns)
