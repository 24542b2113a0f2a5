""" "Why this segment": sentences built from the stored outcome, so words and numbers agree."""

from __future__ import annotations

from collections.abc import Mapping

from oversight.catalogue.models import Metric, RuleSet
from oversight.judge.segmentation.result import OrgSegment
from oversight.judge.segmentation.scoring import MetricScore, bookends
from oversight.judge.segmentation.words import shown


def _title(rule_set: RuleSet, segment: int) -> str:
    found = next((d for d in rule_set.segments if d.segment == segment), None)
    if found is None:
        return ""
    flag = ", wording unconfirmed" if found.unconfirmed else ""
    return f" ({found.title}{flag})"


def score_sentence(rule_set: RuleSet, metric: Metric, s: MetricScore) -> str:
    """One metric's score with what it was scored against."""
    if s.value is None or s.score is None:
        return f"{metric.title}: no data, not scored and left out of the average."
    value = shown(metric, s.value)
    if s.basis == "standard":
        how = f"meets the standard of {shown(metric, s.standard or 0.0)}"
    elif s.basis == "floor":
        how = f"fails the floor of {shown(metric, s.floor or 0.0)}"
    elif s.basis == "bracket":
        # "at least as good as" its bracket's bound and, but for the first, not the one
        # before: "reaches -£5,000k" was heard as "is down at -£5,000k" for -£5.03k
        brackets = rule_set.scored(s.metric).brackets
        at = next(i for i, b in enumerate(brackets) if b.score == s.score)
        bound, before = brackets[at].bound, brackets[at - 1].bound if at else None
        how = (
            f"at least as good as the bracket bound of {shown(metric, bound.value)}"
            if bound is not None
            else "in the last bracket, beyond every bound"
        )
        if bound is not None and before is not None:
            how += f" but not {shown(metric, before.value)}"
    else:
        best, worst = bookends(rule_set.scored(s.metric))
        ends = []
        if s.standard is not None:
            ends.append(f"standard {shown(metric, s.standard)} not met")
        if s.floor is not None:
            ends.append(f"floor {shown(metric, s.floor)} met")
        extra = f"; {', '.join(ends)}" if ends else ""
        pct = 100 * (s.percentile or 0.0)
        how = f"percentile rank {pct:.0f}, spread between {best:.0f} and {worst:.0f}{extra}"
    return f"{metric.title}: {value}, {how}: score {s.score:.2f}."


def _scored(rule_set: RuleSet, metrics: Mapping[str, Metric], r: OrgSegment) -> list[str]:
    head = (
        f"Not segmented for {r.period} under {r.rules} v{r.rules_version}: {r.cut}."
        if r.segment is None
        else f"Segment {r.segment}{_title(rule_set, r.segment)} for {r.period} under "
        f"{r.rules} v{r.rules_version}."
    )
    out = [head]
    if r.segment is not None and r.average is not None:
        out.append(
            f"Average score {r.average:.2f} over {r.scored_count} of {len(r.scores)} metrics "
            f"(at least {r.required_count} needed); {r.cut}."
        )
    ordered = sorted(r.scores, key=lambda s: (s.score is None, -(s.score or 0.0), s.metric))
    out += [score_sentence(rule_set, metrics[s.metric], s) for s in ordered]
    return out


def _flags(metrics: Mapping[str, Metric], r: OrgSegment) -> list[str]:
    out = []
    if r.decision is not None:
        d = r.decision
        when = f" on {d.recorded_on.isoformat()}" if d.recorded_on else ""
        out.append(
            f"Segment {r.segment} for {r.period} under {r.rules} v{r.rules_version}, decided by "
            f"{d.decided_by}{when}: {d.reason}."
        )
    else:
        out.append(
            f"Segment {r.segment} proposed for {r.period} under {r.rules} v{r.rules_version}; "
            "no decision recorded."
        )
    out.append(f"{r.cut[0].upper()}{r.cut[1:]}.")
    for theme in r.themes:
        if theme.is_flagged:
            listed = "; ".join(f"{metrics[m].title} ({', '.join(why)})" for m, why in theme.flagged)
            out.append(f"{theme.title}: flagged by {listed}.")
    return out


def why(rule_set: RuleSet, metrics: Mapping[str, Metric], r: OrgSegment) -> tuple[str, ...]:
    """Every sentence of "why this segment", in reading order."""
    out = _flags(metrics, r) if rule_set.method == "flags" else _scored(rule_set, metrics, r)
    for o in r.overrides:
        if o.kind == "decision":
            out.append(f"The decision differs from the proposed segment {o.before}: {o.reason}.")
            continue
        who = f" ({o.recorded})" if o.recorded else ""
        out.append(f"Override: {o.reason}{who}; segment {o.before} became {o.after}.")
    if r.rank is not None:
        tie = "average score" if rule_set.method == "scored" else "number of flagged themes"
        out.append(
            f"League table: {r.rank} of {r.ranked_of} by segment, then {tie} (lower is better)."
        )
    if r.change is not None:
        out.append(r.change.sentence)
    if r.provisional:
        out.append(
            f"Provisional ({r.rules} v{r.rules_version}): decided by unconfirmed numbers: "
            + "; ".join(r.provisional_because)
            + "."
        )
    return tuple(out)
