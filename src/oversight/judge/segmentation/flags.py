"""nof-2022: metrics flag concerns per theme, and flagged themes propose a segment.

A metric flags when any of the rule set's `flag_when` conditions holds for its judge outcomes
in the quarter (e.g. worse than England, special-cause concern, national target missed). A
theme is flagged when any of its metrics is. The proposal is the segment of the highest
proposal step whose `min_themes` the number of flagged themes reaches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from oversight.catalogue.models.rule_sets import Proposal, RuleSet


@dataclass(frozen=True)
class ThemeFlags:
    """One theme and its flagged metrics, each with the conditions that flagged it."""

    theme: str
    title: str
    flagged: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def is_flagged(self) -> bool:
        return bool(self.flagged)

    def to_dict(self) -> dict[str, object]:
        return {
            "theme": self.theme,
            "title": self.title,
            "flags": [{"metric": m, "because": list(why)} for m, why in self.flagged],
        }


def metric_flags(rule_set: RuleSet, outcomes: Mapping[str, str]) -> tuple[str, ...]:
    """The conditions that flag one metric, e.g. ('vs_england worse',)."""
    return tuple(
        f"{c.outcome} {c.equals}" for c in rule_set.flag_when if outcomes.get(c.outcome) == c.equals
    )


def theme_flags(
    rule_set: RuleSet, outcomes: Mapping[tuple[str, str], Mapping[str, str]], org: str
) -> tuple[ThemeFlags, ...]:
    """Every theme of the rule set with the organisation's flagged metrics in it."""
    themes = []
    for theme in rule_set.themes:
        flagged = []
        for metric in theme.metrics:
            why = metric_flags(rule_set, outcomes.get((org, metric), {}))
            if why:
                flagged.append((metric, why))
        themes.append(ThemeFlags(theme.id, theme.title, tuple(flagged)))
    return tuple(themes)


def propose(proposal: Proposal, flagged_themes: int) -> int:
    """The proposed segment for a number of flagged themes."""
    reached = [s for s in proposal.steps if flagged_themes >= s.min_themes]
    return reached[-1].segment
