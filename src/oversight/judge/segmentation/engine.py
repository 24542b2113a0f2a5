"""Segment every organisation of one type for one quarter under one rule set, with words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from oversight.catalogue.models import Metric, RuleSet
from oversight.judge.segmentation import change as change_mod
from oversight.judge.segmentation import explain, moves
from oversight.judge.segmentation.compute import (
    Totals,
    assemble,
    assemble_flags,
    check,
    score_all,
)
from oversight.judge.segmentation.inputs import Inputs
from oversight.judge.segmentation.result import OrgSegment
from oversight.judge.segmentation.trial import Column


def segment(
    rule_set: RuleSet,
    metrics: Mapping[str, Metric],
    inputs: Inputs,
    previous: Mapping[str, OrgSegment] | None = None,
    *,
    explain_moves: bool = True,
) -> tuple[OrgSegment, ...]:
    """Every organisation of `inputs` segmented under `rule_set`, with reasons and moves.

    `metrics`: the catalogue's metrics by id (polarity, titles, units). `previous`: last
    quarter's results by organisation, for the change since then. The rule set is applied as
    given; which one is in force for a quarter is `Catalogue.rule_set_for`'s answer.
    """
    check(rule_set, metrics)
    scores = None
    if rule_set.method == "flags":
        results = assemble_flags(rule_set, inputs)
    else:
        scores = score_all(rule_set, metrics, inputs)
        results = assemble(rule_set, inputs, scores)
    done = []
    rests: dict[str, Totals] = {}  # shared by every organisation's search
    columns: dict[str, Column] = {}
    for org in inputs.orgs:
        result = results[org]
        found = (
            moves.what_would_move(
                rule_set, metrics, inputs, result, base=scores, rests=rests, columns=columns
            )
            if explain_moves else ()
        )
        before = (previous or {}).get(org)
        quarter = change_mod.change_since(before, result) if before is not None else None
        result = replace(result, moves=found, change=quarter)
        done.append(replace(result, reasons=explain.why(rule_set, metrics, result)))
    return tuple(done)
