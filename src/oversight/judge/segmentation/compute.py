"""Scores, averages, cuts, overrides and league table for one quarter (no words).

Split from the words so "what would move you" can re-score one metric and re-assemble, with
every other organisation's values held fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from oversight.catalogue.models import Metric, RuleSet
from oversight.judge.segmentation.combine import mean_of_units, minimum_scored, units
from oversight.judge.segmentation.flags import propose, theme_flags
from oversight.judge.segmentation.inputs import Inputs
from oversight.judge.segmentation.overrides import Override, capability, financial
from oversight.judge.segmentation.result import OrgSegment
from oversight.judge.segmentation.scoring import MetricScore, score_metric
from oversight.judge.segmentation.segments import (
    league_ranks,
    quartile_ranks,
    quartile_segments,
    threshold_segment,
)

Scores = dict[str, dict[str, MetricScore]]
"""Metric id → organisation → score."""


def check(rule_set: RuleSet, metrics: Mapping[str, Metric]) -> None:
    """The catalogue check's rules again, for a rule set built outside the catalogue."""
    unknown = [m for m in rule_set.metric_ids if m not in metrics]
    if unknown:
        raise ValueError(f"rule set {rule_set.id} names unknown metrics: {', '.join(unknown)}")
    neutral = [m.metric for m in rule_set.metrics if metrics[m.metric].improvement == "neutral"]
    if neutral:
        raise ValueError(
            f"rule set {rule_set.id} scores {', '.join(neutral)}, where neither higher nor lower "
            "is better"
        )


def score_one(
    rule_set: RuleSet,
    metrics: Mapping[str, Metric],
    inputs: Inputs,
    metric: str,
    values: Mapping[str, float | None] | None = None,
) -> dict[str, MetricScore]:
    """Every organisation's score on one metric of the rule set (`values` replaces the
    inputs' values on that metric when given)."""
    if values is None:
        values = {org: inputs.value(org, metric) for org in inputs.orgs}
    improvement = metrics[metric].improvement
    return score_metric(rule_set.scored(metric), improvement, values, rule_set.average_decimals)


def score_all(rule_set: RuleSet, metrics: Mapping[str, Metric], inputs: Inputs) -> Scores:
    return {m: score_one(rule_set, metrics, inputs, m) for m in rule_set.metric_ids}


def _cut(
    rule_set: RuleSet, averages: Mapping[str, float]
) -> dict[str, tuple[int, str, tuple[str, ...]]]:
    """Raw segment, the words for the cut it fell in, and the unconfirmed numbers deciding it."""
    cut = rule_set.cut
    assert cut is not None  # a scored rule set has a cut (the model checks it)
    rule: tuple[str, ...] = (
        (f"{cut.kind} cut of {rule_set.id} ({cut.source})",) if cut.unconfirmed else ()
    )
    out: dict[str, tuple[int, str, tuple[str, ...]]] = {}
    if cut.kind == "quartiles":
        segs, ranks, n = quartile_segments(averages), quartile_ranks(averages), len(averages)
        for org, seg in segs.items():
            text = f"rank {ranks[org]} of {n} by average score, so quartile {seg}"
            out[org] = (seg, text, rule)
        return out
    values = [t.value for t in cut.thresholds]
    for org, avg in averages.items():
        seg = threshold_segment(avg, values)
        lower = cut.thresholds[seg - 2] if seg > 1 else None
        upper = cut.thresholds[seg - 1] if seg < 4 else None
        parts = [
            f"above {lower.value:g}" if lower else "",
            f"at most {upper.value:g}" if upper else "",
        ]
        text = f"average {' and '.join(p for p in parts if p)}, so segment {seg}"
        bounds = [t for t in (lower, upper) if t is not None and t.unconfirmed]
        labels = rule + tuple(f"threshold {t.value:g} ({t.source})" for t in bounds)
        out[org] = (seg, text, labels)
    return out


Totals = dict[str, tuple[int, int]]
"""Organisation → (sum of its scores in units of 10^-decimals, number of scores)."""


def totals(rule_set: RuleSet, scores: Scores, orgs: tuple[str, ...], skip: str = "") -> Totals:
    """Each organisation's summed scores and count over the rule set's metrics (but `skip`).

    Scores are on the grid of `average_decimals` (score_metric rounds them), so sums of whole
    units are exact and the averages below equal `combine.average` of the same scores.
    """
    d = rule_set.average_decimals
    out: Totals = dict.fromkeys(orgs, (0, 0))
    for metric in rule_set.metric_ids:
        if metric == skip:
            continue
        for org, s in scores[metric].items():
            if s.score is not None:
                total, count = out[org]
                out[org] = (total + units(s.score, d), count + 1)
    return out


def _eligible(
    rule_set: RuleSet, sums: Totals
) -> tuple[dict[str, float | None], dict[str, int], dict[str, float]]:
    """Each organisation's average and scored count, and the averages that may be cut."""
    required = minimum_scored(rule_set.min_scored_share.value, len(rule_set.metric_ids))
    d = rule_set.average_decimals
    averages = {o: mean_of_units(t, k, d) if k else None for o, (t, k) in sums.items()}
    counts = {o: k for o, (_, k) in sums.items()}
    eligible = {o: a for o, a in averages.items() if a is not None and counts[o] >= required}
    return averages, counts, eligible


def _overrides(rule_set: RuleSet, inputs: Inputs, org: str, raw: int) -> list[Override]:
    """The financial override, then segment 5 by capability review, in that order."""
    found: list[Override] = []
    cap = financial(rule_set, raw, inputs.status(org))
    if cap:
        found.append(cap)
    review = capability(rule_set, cap.after if cap else raw, inputs.review_for(org))
    if review:
        found.append(review)
    return found


def final_segment(rule_set: RuleSet, inputs: Inputs, sums: Totals, org: str) -> int | None:
    """One organisation's final segment from summed scores: the same steps as `assemble`
    without the words (what the search for "what would move you" calls many times)."""
    _, _, eligible = _eligible(rule_set, sums)
    if org not in eligible:
        return None
    cut = rule_set.cut
    assert cut is not None
    if cut.kind == "quartiles":
        raw = quartile_segments(eligible)[org]
    else:
        raw = threshold_segment(eligible[org], [t.value for t in cut.thresholds])
    found = _overrides(rule_set, inputs, org, raw)
    return found[-1].after if found else raw


def assemble(rule_set: RuleSet, inputs: Inputs, scores: Scores) -> dict[str, OrgSegment]:
    """Averages, cut, overrides and league table from metric scores (a scored rule set)."""
    ids = rule_set.metric_ids
    required = minimum_scored(rule_set.min_scored_share.value, len(ids))
    averages, counts, eligible = _eligible(rule_set, totals(rule_set, scores, inputs.orgs))
    cuts = _cut(rule_set, eligible) if eligible else {}
    share = rule_set.min_scored_share
    out: dict[str, OrgSegment] = {}
    for org in inputs.orgs:
        got = tuple(scores[m][org] for m in ids)
        overrides: list[Override] = []
        because: list[str] = []
        if org in cuts:
            raw, text, labels = cuts[org]
            overrides = _overrides(rule_set, inputs, org, raw)
            final: int | None = overrides[-1].after if overrides else raw
            because += [u for s in got if s.scored for u in s.unconfirmed] + list(labels)
            because += [u for o in overrides for u in o.unconfirmed]
        else:
            raw, final = None, None
            text = f"not segmented: {counts[org]} of {len(ids)} metrics scored, {required} needed"
            if share.unconfirmed:
                because.append(f"minimum scored share {share.value:g} ({share.source})")
        out[org] = OrgSegment(
            org=org,
            org_type=rule_set.org_type,
            rules=rule_set.id,
            rules_version=rule_set.version,
            method=rule_set.method,
            period=inputs.period,
            scores=got,
            scored_count=counts[org],
            required_count=required,
            average=averages[org],
            raw_segment=raw,
            cut=text,
            overrides=tuple(overrides),
            segment=final,
            provisional_because=tuple(dict.fromkeys(because)),
        )
    return _ranked(out, lambda r: r.average or 0.0)


def _ranked(
    results: dict[str, OrgSegment], tie_break: Callable[[OrgSegment], float]
) -> dict[str, OrgSegment]:
    """League table within the type: by final segment, then the tie-breaker (lower first)."""
    keyed = {
        o: (float(r.segment), tie_break(r)) for o, r in results.items() if r.segment is not None
    }
    ranks = league_ranks(keyed)
    return {o: replace(r, rank=ranks.get(o), ranked_of=len(keyed)) for o, r in results.items()}


def assemble_flags(rule_set: RuleSet, inputs: Inputs) -> dict[str, OrgSegment]:
    """nof-2022: flags per theme, the proposed segment and any recorded decision."""
    proposal = rule_set.proposal
    assert proposal is not None  # a flags rule set has a proposal (the model checks it)
    out: dict[str, OrgSegment] = {}
    for org in inputs.orgs:
        themes = theme_flags(rule_set, inputs.outcomes, org)
        flagged = sum(1 for t in themes if t.is_flagged)
        proposed = propose(proposal, flagged)
        decision = inputs.decision_for(org)
        overrides: tuple[Override, ...] = ()
        because: tuple[str, ...] = ()
        if decision is not None and decision.segment != proposed:
            overrides = (
                Override(
                    "decision",
                    proposed,
                    decision.segment,
                    decision.reason,
                    decision.decided_by,
                    recorded_on=decision.recorded_on,
                ),
            )
        if decision is None and proposal.unconfirmed:
            because = (f"proposal rule of {rule_set.id} ({proposal.source})",)
        out[org] = OrgSegment(
            org=org,
            org_type=rule_set.org_type,
            rules=rule_set.id,
            rules_version=rule_set.version,
            method=rule_set.method,
            period=inputs.period,
            scores=(),
            scored_count=0,
            required_count=0,
            average=None,
            raw_segment=proposed,
            cut=f"flags in {flagged} of {len(themes)} themes, so proposed segment {proposed}",
            overrides=overrides,
            segment=decision.segment if decision else proposed,
            themes=themes,
            proposed_segment=proposed,
            decision=decision,
            provisional_because=because,
        )
    return _ranked(out, lambda r: float(sum(1 for t in r.themes if t.is_flagged)))
