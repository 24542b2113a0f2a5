"""Disagreement flags: where two of the three judgements point different ways.

Each flag is a rule written once as data (all of its conditions hold; a condition holds when
any of its fields takes one of its values) and evaluated the same way on one judgement or on a
whole frame of them, so the portal's flag and the frame's flag cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from oversight.judge.outcomes import Assurance, Attainment, Trajectory, Variation, VsEngland


class Disagreement(StrEnum):
    """The short codes of the flags."""

    WORSE_BUT_IMPROVING = "worse_than_england_but_improving"
    MEETS_BUT_DETERIORATING = "meets_target_but_deteriorating"
    BETTER_BUT_WILL_FAIL = "better_than_england_but_will_fail"
    OFF_TRAJECTORY_BUT_STABLE = "off_trajectory_but_stable"


@dataclass(frozen=True)
class Condition:
    fields: tuple[str, ...]
    values: frozenset[str]


@dataclass(frozen=True)
class Rule:
    code: Disagreement
    words: str
    """What the flag says, for a board member."""
    conditions: tuple[Condition, ...]


def _when(*fields: str, are: tuple[str, ...]) -> Condition:
    return Condition(fields, frozenset(are))


RULES: tuple[Rule, ...] = (
    Rule(
        Disagreement.WORSE_BUT_IMPROVING,
        "worse than England, but improving",
        (
            _when("vs_england", are=(VsEngland.WORSE,)),
            _when("variation", are=(Variation.IMPROVEMENT,)),
        ),
    ),
    Rule(
        Disagreement.MEETS_BUT_DETERIORATING,
        "meets the target now, but deteriorating",
        (
            _when("national_status", "local_status", are=(Attainment.MET,)),
            _when("variation", are=(Variation.CONCERN,)),
        ),
    ),
    Rule(
        Disagreement.BETTER_BUT_WILL_FAIL,
        "better than England, but the target will not be met without change",
        (
            _when("vs_england", are=(VsEngland.BETTER,)),
            _when("assurance", "local_assurance", are=(Assurance.FAIL,)),
        ),
    ),
    Rule(
        Disagreement.OFF_TRAJECTORY_BUT_STABLE,
        "off its planned trajectory, although the process is stable",
        (
            _when("national_trajectory", "local_trajectory", are=(Trajectory.OFF,)),
            _when("variation", are=(Variation.COMMON_CAUSE,)),
        ),
    ),
)
WORDS = {rule.code: rule.words for rule in RULES}
FIELDS = sorted({f for rule in RULES for c in rule.conditions for f in c.fields})
"""The outcome fields the rules read (columns of a judgement frame)."""


def flags(outcomes: Mapping[str, Any]) -> tuple[Disagreement, ...]:
    """The flags one judgement raises, given its outcome fields by name."""
    return tuple(
        rule.code
        for rule in RULES
        if all(any(outcomes[f] in c.values for f in c.fields) for c in rule.conditions)
    )


def flag_columns(outcomes: Mapping[str, np.ndarray]) -> dict[Disagreement, np.ndarray]:
    """Each flag as a boolean column over a frame of judgements (same rules as `flags`)."""
    def coding(values: Any) -> tuple[np.ndarray, Any]:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        if len(codes) and codes.min() < 0:  # a missing outcome: coded like any other
            codes, uniques = pd.factorize(np.asarray(values, dtype=object),
                                          use_na_sentinel=False)
        return codes, uniques

    coded = {f: coding(outcomes[f]) for f in FIELDS}  # each field's distinct outcomes

    def among(field: str, values: frozenset[str]) -> np.ndarray:
        codes, distinct = coded[field]
        return np.array([v in values for v in distinct], dtype=bool)[codes]

    out = {}
    for rule in RULES:
        hit = np.ones(len(outcomes[FIELDS[0]]), dtype=bool)
        for c in rule.conditions:
            hit &= np.logical_or.reduce([among(f, c.values) for f in c.fields])
        out[rule.code] = hit
    return out
