"""Segmentation over a home's published results: what `oversight segment` and the portal call.

The I/O edge of segmentation: it reads the published results version, forms each organisation's
quarter values from its monthly ones (`quarter.quarter_values`), and for nof-2022 the judge
outcomes of the quarter (`judge.assess` over the results' statistics), then segments under the
requested rule set (default: the one in force for the quarter), with last quarter's result,
under the same rules, for the change since then.

When the judge stage has stored the quarter's segmentation (judge.segmentation.artefact), that
stored result is what is returned, with "what would move you" searched from its stored inputs;
otherwise the quarter is segmented here the same way. Financial status (the financial
override), capability assessments and nof-2022 segment decisions are the judgements NHS England
recorded (judge.segmentation.recorded); a caller may pass its own instead, to ask "what if".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from oversight.judge.segmentation.artefact import segment_quarter
from oversight.judge.segmentation.compute import Totals, score_all
from oversight.judge.segmentation.inputs import (
    CapabilityReview,
    FinancialStatus,
    Inputs,
    SegmentDecision,
    replace_inputs,
)
from oversight.judge.segmentation.moves import what_would_move
from oversight.judge.segmentation.recorded import Recordings
from oversight.judge.segmentation.recorded import read as read_recorded
from oversight.judge.segmentation.result import OrgSegment
from oversight.judge.segmentation.trial import Column
from oversight.period import Kind, Period, PeriodError

if TYPE_CHECKING:
    import pandas as pd

    from oversight.catalogue.catalogue import Catalogue
    from oversight.catalogue.models import RuleSet
    from oversight.home import Home

Progress = Callable[[str, int, int], None]
"""(description, done, total), as `oversight.metrics.compute` reports; total 0 while the
amount of work is not known yet."""


class SegmentationChoiceError(ValueError):
    """An unknown rule set, quarter or organisation: the message names the valid choices."""

    def __init__(self, option: str, message: str, choices: Sequence[str]) -> None:
        super().__init__(message)
        self.option = option
        self.choices = tuple(choices)


def _listed(choices: Iterable[str]) -> str:
    return ", ".join(choices) or "none"


def _frame(home: Home) -> tuple[str, pd.DataFrame]:
    """The published version's id and its total rows (every organisation type) with
    statistics, months as dates."""
    from oversight.metrics.results import published

    version = published(home)
    frame = version.rows()
    frame = frame[frame["group"] == "total"]
    return version.id, frame.reset_index(drop=True)


def complete_quarters(frame: pd.DataFrame, org_type: str) -> list[Period]:
    """Quarters whose three months all hold values for the organisation type, in order."""
    rows = frame[(frame["org_type"] == org_type) & frame["value"].notna()]
    months = {Period.month_of(p) for p in rows["period"].unique()}
    quarters = {m.to(Kind.QUARTER) for m in months}
    return sorted(q for q in quarters if set(q.months()) <= months)


def _quarter(text: Period | str | None, complete: list[Period], frame: pd.DataFrame) -> Period:
    shown = [str(q) for q in complete]
    if not complete:
        raise SegmentationChoiceError(
            "period",
            "the published results hold no complete quarter (three months of values) to "
            "segment: compute more months first",
            shown,
        )
    if text is None:
        return complete[-1]
    try:
        quarter = text if isinstance(text, Period) else Period.parse_quarter(str(text))
    except PeriodError as error:
        raise SegmentationChoiceError(
            "period", f"{error}; complete quarters: {_listed(shown)}", shown
        ) from None
    if quarter not in complete:
        held = sorted({str(Period.month_of(p)) for p in frame["period"].unique()})
        have = [m for m in held if Period.month_of(m) in quarter]
        what = f"only {', '.join(have)} of its three months" if have else "none of its months"
        raise SegmentationChoiceError(
            "period",
            f"{quarter} has no complete data in the published results ({what}); complete "
            f"quarters: {_listed(shown)}",
            shown,
        )
    return quarter


def _rule_set(cat: Catalogue, rules: str | None, quarter: Period, org_type: str) -> RuleSet:
    if rules is not None:
        return cat.rule_sets[rules]
    found = cat.rule_set_for(org_type, quarter)
    if found is None:
        every = sorted(cat.rule_sets)
        raise SegmentationChoiceError(
            "rules",
            f"no rule set is in force for {quarter}; choose one of {_listed(every)}",
            every,
        )
    return found


def organisations(
    cat: Catalogue, frame: pd.DataFrame, org_type: str, quarter: Period
) -> list[str]:
    """ICBs in existence at the quarter's end; for other types, those in the results."""
    if org_type == "icb":
        return sorted(icb.code for icb in cat.icbs_on(quarter.end))
    return sorted(str(o) for o in frame.loc[frame["org_type"] == org_type, "org_code"].unique())


def _outcomes(
    cat: Catalogue, rule_set: RuleSet, frame: pd.DataFrame, quarter: Period
) -> dict[tuple[str, str], dict[str, str]]:
    """nof-2022: the judge outcomes of each organisation and metric in the quarter."""
    from oversight.judge.assess import assess
    from oversight.judge.segmentation.quarter import quarter_outcomes

    starts = [m.start for m in quarter.months()]
    rows = frame[frame["period"].isin(starts)]
    metrics = {m: cat.metrics[m] for m in rule_set.metric_ids}
    assessed = assess(rows, metrics, list(cat.targets.values()))
    assessed = assessed[assessed["org_type"] == rule_set.org_type]
    fields = tuple(dict.fromkeys(c.outcome for c in rule_set.flag_when))
    return quarter_outcomes(assessed, quarter, fields)


def _inputs(
    cat: Catalogue,
    rule_set: RuleSet,
    frame: pd.DataFrame,
    judged: pd.DataFrame | None,
    quarter: Period,
    recorded: Recordings,
) -> Inputs:
    """The quarter's inputs; nof-2022 outcomes from the stored judgements when there are
    some, else by judging the quarter's rows here."""
    from oversight.judge.segmentation.artefact import quarter_inputs

    if rule_set.method == "flags" and judged is None:
        found = quarter_inputs(cat, rule_set, frame, None, quarter, recorded)
        return replace_inputs(found, outcomes=_outcomes(cat, rule_set, frame, quarter))
    return quarter_inputs(cat, rule_set, frame, judged, quarter, recorded)


def not_recorded(rule_set: RuleSet, inputs: Inputs, org: str) -> tuple[str, ...]:
    """Sentences for the recorded judgements the rule set uses but nobody recorded."""
    out = []
    if rule_set.financial_override is not None and org not in inputs.finance:
        cap = int(rule_set.financial_override.value)
        out.append(
            f"No financial status was recorded for {inputs.period}, so the financial override (no "
            f"better than segment {cap} in deficit or deficit support) was not applied."
        )
    if rule_set.intensive_support_from is not None and inputs.review_for(org) is None:
        out.append(
            f"No capability assessment was recorded for {inputs.period}, so segment 5 was not "
            "considered."
        )
    if rule_set.method == "flags" and inputs.decision_for(org) is None:
        out.append(
            f"No NHS England segment decision was recorded for {inputs.period}: the segment "
            "shown is the proposal."
        )
    return tuple(out)


def out_of_force(rule_set: RuleSet, quarter: Period) -> tuple[str, ...]:
    """A sentence when the rule set was asked for a quarter it was not in force in."""
    if rule_set.in_force(quarter):
        return ()
    until = f" to {rule_set.in_force_until}" if rule_set.in_force_until else ""
    return (
        f"{rule_set.id} was not in force in {quarter} (in force {rule_set.in_force_from}"
        f"{until}); it was applied as asked, so this is not the segment of record.",
    )


def segment_published(
    home: Home,
    rules: str | None = None,
    period: Period | str | None = None,
    org: str | None = None,
    *,
    finance: Mapping[str, FinancialStatus] | None = None,
    reviews: Sequence[CapabilityReview] = (),
    decisions: Sequence[SegmentDecision] = (),
    catalogue: Catalogue | None = None,
    progress: Progress | None = None,
    stored: bool = True,
) -> list[OrgSegment]:
    """Each organisation's segment for a quarter of the home's published results.

    `rules`: a rule set id (default: the one in force for the quarter). `period`: a quarter
    like 2025-Q3 (default: the latest with three months of values). `org`: one organisation
    (every organisation is still segmented, as segments are relative; only its result, and its
    "what would move you", is given). The stored result (judge.segmentation.artefact) is read
    when there is one and no `finance`, `reviews` or `decisions` are given ("what if" inputs
    replace the recorded judgements, so they are segmented here), unless `stored` is False.
    Raises SegmentationChoiceError for an unknown rule set, quarter or organisation,
    FileNotFoundError before the first compute.
    """
    from oversight.catalogue import load

    def step(description: str, done: int = 0, total: int = 0) -> None:
        if progress is not None:
            progress(description, done, total)

    step("reading the published results")
    cat = catalogue or load()
    if rules is not None and rules not in cat.rule_sets:
        every = sorted(cat.rule_sets)
        raise SegmentationChoiceError(
            "rules", f"unknown rule set {rules!r}; choose one of {_listed(every)}", every
        )
    org_type = cat.rule_sets[rules].org_type if rules is not None else "icb"
    org = org.strip().upper() if org is not None else None
    given = bool(finance or reviews or decisions)
    if stored and not given:
        found = _stored(home, cat, rules, period, org, org_type)
        if found is not None:
            rule_set, inputs, results = found
            return _with_moves(rule_set, cat, inputs, results, step)
    version_id, frame = _frame(home)
    complete = complete_quarters(frame, org_type)
    quarter = _quarter(period, complete, frame)
    rule_set = _rule_set(cat, rules, quarter, org_type)
    _check_org(organisations(cat, frame, rule_set.org_type, quarter), org, rule_set, quarter)
    step(f"segmenting {quarter} under {rule_set.id}")
    judged = _judged(home, version_id)

    def recorded(q: Period) -> Recordings:
        if not given:
            return read_recorded(home, q, rule_set.id)
        return Recordings(
            dict(finance or {}),
            tuple(r for r in reviews if r.period == q),
            tuple(d for d in decisions if d.period == q),
        )

    inputs = _inputs(cat, rule_set, frame, judged, quarter, recorded(quarter))
    previous = None
    if rule_set.method == "scored" and quarter.previous() in complete:
        # The change compares average scores, which only a scored rule set has.
        q = quarter.previous()
        before = _inputs(cat, rule_set, frame, judged, q, recorded(q))
        previous = segment_quarter(rule_set, cat.metrics, before)
    results = segment_quarter(rule_set, cat.metrics, inputs, previous)
    chosen = tuple(r for r in results if org is None or r.org == org)
    return _with_moves(rule_set, cat, inputs, chosen, step)


def _check_org(orgs: Sequence[str], org: str | None, rule_set: RuleSet, quarter: Period) -> None:
    if org is not None and org not in orgs:
        raise SegmentationChoiceError(
            "org",
            f"no {rule_set.org_type.upper()} {org!r} in {quarter}; choose one of {_listed(orgs)}",
            list(orgs),
        )


def _judged(home: Home, version_id: str) -> pd.DataFrame | None:
    """The stored judgements of the version (months as dates), None if not judged."""
    from oversight.judge.stage import judged

    found = judged(home, version_id)
    return None if found is None else found.frame()


def _stored(
    home: Home,
    cat: Catalogue,
    rules: str | None,
    period: Period | str | None,
    org: str | None,
    org_type: str,
) -> tuple[RuleSet, Inputs, tuple[OrgSegment, ...]] | None:
    """The stored result asked for, None when it is not stored (the caller segments then,
    and gives the full message for a quarter that cannot be)."""
    from oversight.judge.segmentation import artefact

    segments = artefact.current(home)
    if segments is None:
        return None
    ids = [r.id for r in cat.rule_sets.values() if r.org_type == org_type]
    held = sorted({q for i in ids for q in artefact.quarters(segments, i)})
    if not held:
        return None
    try:
        quarter = (
            held[-1]
            if period is None
            else period
            if isinstance(period, Period)
            else Period.parse_quarter(str(period))
        )
    except PeriodError:
        return None
    if quarter not in held:
        return None
    rule_set = _rule_set(cat, rules, quarter, org_type)
    found = artefact.read(segments, rule_set.id, quarter)
    if found is None:
        return None
    inputs = found.inputs()
    _check_org(inputs.orgs, org, rule_set, quarter)
    results = tuple(r for r in found.results() if org is None or r.org == org)
    return found.rule_set(), inputs, results


def _with_moves(
    rule_set: RuleSet,
    cat: Catalogue,
    inputs: Inputs,
    results: Sequence[OrgSegment],
    step: Callable[..., None],
) -> list[OrgSegment]:
    """Each result with "what would move you" searched (from the inputs it was made from)."""
    out = []
    base = score_all(rule_set, cat.metrics, inputs) if rule_set.method == "scored" else None
    rests: dict[str, Totals] = {}
    columns: dict[str, Column] = {}
    for i, result in enumerate(results):
        step(f"what would move {result.org}", i, len(results))
        found = what_would_move(
            rule_set, cat.metrics, inputs, result, base=base, rests=rests, columns=columns
        )
        out.append(replace(result, moves=found))
    step("done", len(results), len(results))
    return out
