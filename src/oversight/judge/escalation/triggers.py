"""Which organisations a case is proposed for, and why (oversight.md §4).

Pure: segments, runs of special-cause concern, CQC ratings and manual requests in; one
`Proposal` per organisation out, with every trigger that fired. What fires a trigger, and
whether a proposal opens a case or is only listed, is NHS England's escalation policy: catalogue
data (escalation_policies.yaml), turned into a `TriggerPolicy` by `TriggerPolicy.of`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from oversight.catalogue.models.escalation import EscalationPolicy

SEGMENT = "segment"
SPC_CONCERN = "spc_concern"
CQC_INADEQUATE = "cqc_inadequate"
MANUAL = "manual"
KINDS = (SEGMENT, SPC_CONCERN, CQC_INADEQUATE, MANUAL)

CONCERN = "special_cause_concern"


@dataclass(frozen=True)
class TriggerPolicy:
    """What fires a trigger; NHS England may change these, so they come from the catalogue's
    escalation policy (`of`), with any setting a person overrides for one run."""

    lowest_segment: int
    concern_months: int
    inadequate_rating: str
    open_cases: bool

    @classmethod
    def of(
        cls,
        policy: EscalationPolicy,
        *,
        lowest_segment: int | None = None,
        concern_months: int | None = None,
        open_cases: bool | None = None,
    ) -> TriggerPolicy:
        """The catalogue policy's settings, each replaced when given."""
        return cls(
            lowest_segment=int(policy.lowest_segment.value)
            if lowest_segment is None
            else lowest_segment,
            concern_months=int(policy.concern_months.value)
            if concern_months is None
            else concern_months,
            inadequate_rating=policy.inadequate_rating,
            open_cases=policy.open_cases if open_cases is None else open_cases,
        )


@dataclass(frozen=True)
class Trigger:
    """One reason to open a case: its kind and a sentence saying what happened."""

    kind: str
    detail: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"a trigger is one of {', '.join(KINDS)}, not {self.kind!r}")


@dataclass(frozen=True)
class Proposal:
    """A case proposed for one organisation, with the triggers that fired."""

    org: str
    triggers: tuple[Trigger, ...] = field(default_factory=tuple)


def concern_runs(
    rows: pd.DataFrame, metrics: Iterable[str], months: int
) -> dict[tuple[str, str], int]:
    """(org, metric) -> length of the run of special-cause concern ending at that series' last
    month, for the given metrics, where the run is at least `months` long.

    `rows`: results rows with metric_id, org_code, period and spc_point_type (one series per
    metric and organisation: the total breakdown)."""
    wanted = set(metrics)
    found: dict[tuple[str, str], int] = {}
    if rows.empty:
        return found
    rows = rows[rows["metric_id"].isin(wanted)]
    for (metric, org), series in rows.groupby(["metric_id", "org_code"], sort=True):
        flags = series.sort_values("period")["spc_point_type"].tolist()
        run = 0
        for flag in reversed(flags):
            if flag != CONCERN:
                break
            run += 1
        if run >= months:
            found[(str(org), str(metric))] = run
    return found


def propose(
    *,
    segments: Mapping[str, int] | None = None,
    concerns: Mapping[tuple[str, str], int] | None = None,
    cqc_ratings: Mapping[str, str] | None = None,
    manual: Mapping[str, str] | None = None,
    policy: TriggerPolicy,
) -> list[Proposal]:
    """Every organisation some trigger fires for, in code order, with all its triggers."""
    fired: dict[str, list[Trigger]] = {}

    def add(org: str, kind: str, detail: str) -> None:
        fired.setdefault(org, []).append(Trigger(kind, detail))

    for org, seg in sorted((segments or {}).items()):
        if seg >= policy.lowest_segment:
            add(org, SEGMENT, f"in segment {seg}, the lowest")
    for (org, metric), run in sorted((concerns or {}).items()):
        if run >= policy.concern_months:
            add(org, SPC_CONCERN, f"special-cause concern on {metric} for {run} consecutive months")
    for org, rating in sorted((cqc_ratings or {}).items()):
        if rating.strip().casefold() == policy.inadequate_rating.casefold():
            add(org, CQC_INADEQUATE, f"rated {policy.inadequate_rating} by the CQC")
    for org, reason in sorted((manual or {}).items()):
        add(org, MANUAL, reason)
    return [Proposal(org, tuple(fired[org])) for org in sorted(fired)]
