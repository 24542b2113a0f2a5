"""SPC signals in plain English, and what each point means (for its colour and its words).

The SPC engine labels special cause with the reference tool's rule codes ("7 Points Below CL",
"2 in 3 Above CL"); people read "7 points in a row below the mean". The meaning of a point
(improvement, concern, neutral, common cause) comes from its Making Data Count point type,
which already takes the metric's better direction into account, so the colour never has to
guess whether "above" is good.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Meaning(StrEnum):
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL = "neutral"
    """Special cause on a metric where neither direction is better."""
    COMMON = "common cause"
    NONE = "no data"


POINT_MEANING = {
    "special_cause_improvement": Meaning.IMPROVEMENT,
    "special_cause_concern": Meaning.CONCERN,
    "special_cause_neutral_high": Meaning.NEUTRAL,
    "special_cause_neutral_low": Meaning.NEUTRAL,
    "common_cause": Meaning.COMMON,
}

COLOURS = {
    Meaning.IMPROVEMENT: "#005eb8",  # NHS blue: Making Data Count's improvement colour
    Meaning.CONCERN: "#ed8b00",  # NHS warm yellow/orange: concern
    Meaning.NEUTRAL: "#330072",  # NHS purple: special cause, neither direction better
    Meaning.COMMON: "#768692",  # NHS mid grey: common cause
    Meaning.NONE: "#768692",
}

_RULES: tuple[tuple[str, str], ...] = (
    (r"^Above UCL$", "above the upper process limit"),
    (r"^Below LCL$", "below the lower process limit"),
    (r"^(\d+) Point Trend \(Increasing\)$", "{0} points in a row going up"),
    (r"^(\d+) Point Trend \(Decreasing\)$", "{0} points in a row going down"),
    (r"^(\d+) in (\d+) Above CL$", "{0} of {1} points close to the upper process limit"),
    (r"^(\d+) in (\d+) Below CL$", "{0} of {1} points close to the lower process limit"),
    (r"^(\d+) Points Above CL$", "{0} points in a row above the mean"),
    (r"^(\d+) Points Below CL$", "{0} points in a row below the mean"),
)


def meaning(point_type: str | None) -> Meaning:
    """What a point means, from its Making Data Count point type (None: no point)."""
    if point_type is None:
        return Meaning.NONE
    return POINT_MEANING.get(point_type, Meaning.COMMON)


def colour(point_type: str | None) -> str:
    return COLOURS[meaning(point_type)]


def signal_words(rule: str | None) -> str | None:
    """The special-cause rule in plain English ("7 Points Below CL" → "7 points in a row below
    the mean"); None for common cause or no point. An unknown code is shown as it is."""
    if rule is None or rule == "Common Cause":
        return None
    for pattern, words in _RULES:
        found = re.match(pattern, rule)
        if found:
            return words.format(*found.groups())
    return rule


def describe_point(rule: str | None, point_type: str | None) -> str:
    """E.g. "special cause (concern): 7 points in a row below the mean"; "common cause"."""
    what = meaning(point_type)
    words = signal_words(rule)
    if what in (Meaning.COMMON, Meaning.NONE) or words is None:
        return str(what)
    return f"special cause ({what}): {words}"
