"""Segmentation over a home's published results: what `oversight segment` and the portal call.

The I/O edge of segmentation: it reads the published results version, forms each organisation's
quarter values from its monthly ones (`quarter.quarter_values`), and for nof-2022 the judge
outcomes of the quarter (`judge.assess` over the results' statistics), then segments under the
requested rule set (default: the one in force for the quarter), with last quarter's result,
under the same rules, for the change since then.

Financial status, capability reviews and nof-2022 segment decisions have no store yet: they are
optional inputs, and where the rule set uses one and none was given the reasons say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from oversight.judge.segmentation.engine import segment
from oversight.judge.segmentation.inputs import (
    CapabilityReview,
    FinancialStatus,
    Inputs,
    SegmentDecision,
    inputs_from_frame,
)
from oversight.judge.segmentation.moves import what_would_move
from oversight.judge.segmentation.result import OrgSegment
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


def _orgs(cat: Catalogue, frame: pd.DataFrame, org_type: str, quarter: Period) -> list[str]:
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
    quarter: Period,
    finance: Mapping[str, FinancialStatus],
    reviews: Sequence[CapabilityReview],
    decisions: Sequence[SegmentDecision],
) -> Inputs:
    from oversight.judge.segmentation.quarter import quarter_values

    orgs = _orgs(cat, frame, rule_set.org_type, quarter)
    metrics = {m: cat.metrics[m] for m in rule_set.metric_ids}
    monthly = frame[
        (frame["org_type"] == rule_set.org_type)
        & frame["org_code"].isin(orgs)
        & frame["metric_id"].isin(list(metrics))
        & frame["period"].isin([m.start for m in quarter.months()])
    ]
    values = quarter_values(monthly, metrics, quarter)
    outcomes = _outcomes(cat, rule_set, frame, quarter) if rule_set.method == "flags" else {}
    return inputs_from_frame(
        values,
        quarter,
        orgs=orgs,
        finance=dict(finance),
        reviews=tuple(r for r in reviews if r.period == quarter),
        decisions=tuple(d for d in decisions if d.period == quarter),
        outcomes=outcomes,
    )


def not_recorded(rule_set: RuleSet, inputs: Inputs, org: str) -> tuple[str, ...]:
    """Sentences for the recorded judgements the rule set uses but nobody recorded."""
    out = []
    if rule_set.financial_override is not None and org not in inputs.finance:
        cap = int(rule_set.financial_override.value)
        out.append(
            "No financial status was recorded (there is no store for it yet), so the financial "
            f"override (no better than segment {cap} in deficit or deficit support) was not "
            "applied."
        )
    if rule_set.intensive_support_from is not None and inputs.review_for(org) is None:
        out.append(
            "No capability review was recorded (there is no store for them yet), so segment 5 "
            "was not considered."
        )
    if rule_set.method == "flags" and inputs.decision_for(org) is None:
        out.append(
            "No NHS England segment decision was recorded (there is no store for them yet): "
            "the segment shown is the proposal."
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
) -> list[OrgSegment]:
    """Each organisation's segment for a quarter of the home's published results.

    `rules`: a rule set id (default: the one in force for the quarter). `period`: a quarter
    like 2025-Q3 (default: the latest with three months of values). `org`: one organisation
    (every organisation is still segmented, as segments are relative; only its result, and its
    "what would move you", is computed in full). Raises SegmentationChoiceError for an unknown
    rule set, quarter or organisation, FileNotFoundError before the first compute.
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
    _, frame = _frame(home)
    complete = complete_quarters(frame, org_type)
    quarter = _quarter(period, complete, frame)
    rule_set = _rule_set(cat, rules, quarter, org_type)
    orgs = _orgs(cat, frame, rule_set.org_type, quarter)
    org = org.strip().upper() if org is not None else None
    if org is not None and org not in orgs:
        raise SegmentationChoiceError(
            "org",
            f"no {rule_set.org_type.upper()} {org!r} in {quarter}; choose one of {_listed(orgs)}",
            orgs,
        )
    step(f"segmenting {quarter} under {rule_set.id}")
    recorded = (finance or {}, reviews, decisions)
    inputs = _inputs(cat, rule_set, frame, quarter, *recorded)
    previous = None
    if rule_set.method == "scored" and quarter.previous() in complete:
        # The change compares average scores, which only a scored rule set has.
        before = _inputs(cat, rule_set, frame, quarter.previous(), *recorded)
        done = segment(rule_set, cat.metrics, before, explain_moves=False)
        previous = {r.org: r for r in done}
    results = segment(rule_set, cat.metrics, inputs, previous, explain_moves=False)
    chosen = [r for r in results if org is None or r.org == org]
    out = []
    for i, result in enumerate(chosen):
        step(f"what would move {result.org}", i, len(chosen))
        found = what_would_move(rule_set, cat.metrics, inputs, result)
        notes = not_recorded(rule_set, inputs, result.org) + out_of_force(rule_set, quarter)
        out.append(replace(result, moves=found, reasons=result.reasons + notes))
    step("done", len(chosen), len(chosen))
    return out
