"""One plain-English sentence per judgement, and a summary, written for a board member.

Every figure is written as the portal writes it. Every technical term carries its plain meaning
beside it the first time a sentence uses it. A missing figure is said to be missing; nothing is
judged from it.
"""

from __future__ import annotations

from collections.abc import Sequence

from oversight.judge.attainment import TargetCheck, TargetJudgement
from oversight.judge.change import Change
from oversight.judge.disagreements import WORDS, Disagreement
from oversight.judge.formats import COMPARISON_WORDS, ordinal
from oversight.judge.outcomes import Assurance, Attainment, Funnel, Trajectory, Variation, VsEngland
from oversight.judge.position import Position
from oversight.judge.standing import StandingTarget
from oversight.judge.subject import Subject

LIMITS = "the process limits (the range the figure usually varies within)"
INTERVAL = "95% confidence interval (the range the true figure is likely to lie in)"
NEUTRAL = "for this measure neither higher nor lower is better"


def _missing(s: Subject) -> str:
    reason = f" ({s.missing_reason})" if s.missing_reason else ""
    return f"No figure for {s.month}{reason}"


def _target_words(s: Subject, t: StandingTarget) -> str:
    """ "the national target of at least 76.0%"."""
    whose = "national" if t.scope == "national" else "ICB's own"
    return f"the {whose} target of {COMPARISON_WORDS[t.comparison]} {s.fmt(t.value)}"


def _sides(s: Subject) -> tuple[str, str]:
    """Where the limits lie when the target is (met, missed) consistently."""
    return ("above", "below") if s.improvement == "increase" else ("below", "above")


# --- change over time -------------------------------------------------------------------------

VARIATION = {
    Variation.IMPROVEMENT: "shows special-cause improvement (a real change for the better, "
    "not chance)",
    Variation.CONCERN: "shows special-cause concern (a real change for the worse, not chance)",
    Variation.HIGHER: f"is unusually high (special-cause variation: a real change, not chance; "
    f"{NEUTRAL})",
    Variation.LOWER: f"is unusually low (special-cause variation: a real change, not chance; "
    f"{NEUTRAL})",
    Variation.COMMON_CAUSE: "is within its usual range (common-cause variation: no sign of real "
    "change)",
}


def _assurance(s: Subject, assurance: Assurance, t: StandingTarget | None, limits: str) -> str:
    if t is None or assurance in (Assurance.NONE, Assurance.NO_DATA):
        return ""
    meet_side, miss_side = _sides(s)
    words = _target_words(s, t)
    if assurance is Assurance.PASS:
        return (
            f"{limits[0].upper()}{limits[1:]} lie entirely {meet_side} {words}, so it will "
            "be met consistently if nothing changes."
        )
    if assurance is Assurance.FAIL:
        return (
            f"{limits[0].upper()}{limits[1:]} lie entirely {miss_side} {words}, so it will not "
            "be met without change."
        )
    return (
        f"{words[0].upper()}{words[1:]} lies within {limits}, so it will be met in some "
        "months and missed in others (hit and miss)."
    )


def change_sentence(s: Subject, c: Change) -> str:
    if not s.has_value:
        return f"{_missing(s)}, so change over time cannot be judged."
    if c.variation is Variation.NO_DATA:
        return f"No process limits for {s.month}, so change over time cannot be judged."
    parts = [f"{s.figure} in {s.month} {VARIATION[c.variation]}."]
    first = _assurance(s, c.assurance, c.target, LIMITS)
    limits = "the process limits" if first else LIMITS
    parts += [first, _assurance(s, c.local_assurance, c.local_target, limits)]
    return " ".join(p for p in parts if p)


# --- position -------------------------------------------------------------------------------


def _vs_england(s: Subject, p: Position) -> str:
    eng = s.fmt(p.england)
    ci = f"{s.fmt(p.ci_lower)} to {s.fmt(p.ci_upper)}"
    v = p.vs_england
    if v is VsEngland.NOT_APPLICABLE:
        if s.org_type == "england":
            return "This is England's figure, the benchmark others are compared with."
        ranked = " or ranked among similar ICBs" if s.org_type == "icb" else ""
        return (
            "This figure is a total that grows with the population served, so it is not "
            f"compared with England{ranked}."
        )
    if not s.has_value:
        return f"{_missing(s)}, so there is no comparison with England."
    if v is VsEngland.NO_DATA:
        if p.england is None:
            return f"England has no figure for {s.month}, so there is no comparison."
        return (
            "This measure has no confidence interval (the range the true figure is likely to "
            "lie in), so it is not compared with England."
        )
    if v is VsEngland.SIMILAR:
        return (
            f"Not significantly different from England ({eng}): England's figure lies inside "
            f"the {INTERVAL}, {ci}."
        )
    neutral = f"; {NEUTRAL}" if v in (VsEngland.HIGHER, VsEngland.LOWER) else ""
    return (
        f"Significantly {v.value} than England ({eng}{neutral}): England's figure lies outside "
        f"the {INTERVAL}, {ci}."
    )


def _funnel(s: Subject, p: Position) -> str:
    if p.funnel not in (Funnel.HIGH, Funnel.LOW):
        if p.funnel is Funnel.NONE:
            return "Among all ICBs it is not an outlier (inside the funnel plot's 99.8% limits)."
        return ""
    high = p.funnel is Funnel.HIGH
    side = "high" if high else "low"
    edge = "above" if high else "below"
    good = {"increase": high, "decrease": not high}.get(s.improvement)
    verdict = "" if good is None else (", which is good" if good else ", which is a concern")
    return (
        f"Among all ICBs it is an outlier on the {side} side ({edge} the funnel plot's 99.8% "
        f"limits, which allow for size){verdict}."
    )


def _peers(s: Subject, p: Position) -> str:
    if p.peer_rank is None or p.peer_count is None:
        if s.has_value and p.peer_size and p.peer_size > 1:
            return "None of its similar ICBs has a figure to rank it against."
        return ""
    best = "highest" if s.improvement == "neutral" else "best"
    size = p.peer_size or p.peer_count
    gaps = f" of {size}, {size - p.peer_count} without a figure" if size > p.peer_count else ""
    return (
        f"{ordinal(p.peer_rank)} of {p.peer_count} among similar ICBs "
        f"(its peer group{gaps}; 1st is {best})."
    )


def _coverage(s: Subject) -> str:
    cov = s.coverage
    if cov is None or s.org_type == "icb" or cov.complete:
        return ""
    whole = "England" if s.org_type == "england" else "the region"
    verb = "has" if cov.reported == 1 else "have"
    return f"Only {cov.counted} {verb} data, so it is not a figure for the whole of {whole}."


def position_sentence(s: Subject, p: Position) -> str:
    parts = [_vs_england(s, p), _coverage(s)]
    if s.has_value:
        parts += [_funnel(s, p), _peers(s, p)]
    return " ".join(x for x in parts if x)


# --- target ---------------------------------------------------------------------------------

STATUS = {Attainment.MET: "meets", Attainment.MISSED: "misses"}


def _trajectory(s: Subject, check: TargetCheck) -> str:
    if check.trajectory is Trajectory.NONE or check.target is None:
        return ""
    planned = s.fmt(check.target.trajectory)
    where = "On" if check.trajectory is Trajectory.ON else "Off"
    return f"{where} its planned trajectory for {s.month} ({planned})."


def _check(s: Subject, check: TargetCheck, lead: str) -> str:
    """One target's sentence; `lead` names the figure ("72.1% in March 2024", or "It")."""
    t = check.target
    if t is None:
        return ""
    words = _target_words(s, t)
    if not s.has_value or check.status is Attainment.NO_DATA:
        return f"{_missing(s)}, so {words} cannot be judged."
    head = f"{lead} {STATUS[check.status]} {words}."
    return " ".join(x for x in (head, _trajectory(s, check)) if x)


def target_sentence(s: Subject, t: TargetJudgement) -> str:
    if t.national.target is None and t.local.target is None:
        return f"No national or local target stands for this measure in {s.month}."
    lead = f"{s.figure} in {s.month}"
    if t.national.target is None:
        return f"No national target stands in {s.month}. {_check(s, t.local, lead)}"
    parts = [_check(s, t.national, lead)]
    if t.local.target is not None and s.has_value:
        parts.append(_check(s, t.local, "It"))
    return " ".join(p for p in parts if p)


# --- summary --------------------------------------------------------------------------------

SHORT_VARIATION = {
    Variation.IMPROVEMENT: "Improving (special-cause improvement: a real change, not chance).",
    Variation.CONCERN: "Deteriorating (special-cause concern: a real change, not chance).",
    Variation.HIGHER: "Unusually high (special-cause variation: a real change, not chance).",
    Variation.LOWER: "Unusually low (special-cause variation: a real change, not chance).",
    Variation.COMMON_CAUSE: "No sign of real change (common-cause variation).",
}
SHORT_ASSURANCE = {
    Assurance.PASS: f"{LIMITS[0].upper()}{LIMITS[1:]} lie on the right side of the target, so it "
    "will be met consistently.",
    Assurance.FAIL: f"{LIMITS[0].upper()}{LIMITS[1:]} lie on the wrong side of the target, so it "
    "will not be met without change.",
    Assurance.HIT_AND_MISS: f"The target lies within {LIMITS}, so it will be met in some months "
    "and missed in others.",
}


def _headline_target(s: Subject, t: TargetJudgement) -> str:
    check = t.primary
    if check.target is None:
        return ", with no target set"
    words = _target_words(s, check.target)
    verb = "meeting" if check.status is Attainment.MET else "missing"
    path = ""
    if check.trajectory is not Trajectory.NONE:
        on = "on" if check.trajectory is Trajectory.ON else "off"
        path = f" and {on} its planned trajectory ({s.fmt(check.target.trajectory)})"
    return f", {verb} {words}{path}"


def _short_position(s: Subject, p: Position) -> str:
    eng = s.fmt(p.england)
    v = p.vs_england
    parts = []
    if v is VsEngland.SIMILAR:
        parts.append(f"Not significantly different from England ({eng})")
    elif v not in (VsEngland.NOT_APPLICABLE, VsEngland.NO_DATA):
        parts.append(f"Significantly {v.value} than England ({eng})")
    if p.peer_rank is not None and p.peer_count is not None:
        rank = f"{ordinal(p.peer_rank)} of {p.peer_count} among similar ICBs"
        parts.append(rank if parts else rank[0].upper() + rank[1:])
    return "; ".join(parts) + "." if parts else ""


def summary(
    s: Subject,
    c: Change,
    p: Position,
    t: TargetJudgement,
    flags: Sequence[Disagreement] = (),
) -> str:
    head = f"{s.title} ({s.name})"
    if not s.has_value:
        reason = f" ({s.missing_reason})" if s.missing_reason else ""
        return f"{head}: no figure for {s.month}{reason}; nothing is judged from missing data."
    parts = [f"{head}: {s.figure} in {s.month}{_headline_target(s, t)}."]
    parts.append(SHORT_VARIATION.get(c.variation, ""))
    assurance = c.assurance if t.primary is t.national else c.local_assurance
    parts.append(SHORT_ASSURANCE.get(assurance, ""))
    parts.append(_short_position(s, p))
    if flags:
        parts.append("Note: " + "; ".join(WORDS[f] for f in flags) + ".")
    return " ".join(x for x in parts if x)
