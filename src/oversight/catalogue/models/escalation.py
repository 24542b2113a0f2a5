"""NHS England's escalation policy as versioned data: what opens or proposes a case, and which
segment earns autonomy (oversight.md §4). NHS England may change any of it, so it is catalogue
data with a source per number; a changed number is a new `version`, and the policy in force
for a quarter is the latest whose `in_force_from` it has reached."""

from __future__ import annotations

from pydantic import Field, model_validator

from oversight.catalogue.models.base import Entry
from oversight.catalogue.models.rule_sets import Number, QuarterText

CQC_RATINGS = ("Outstanding", "Good", "Requires improvement", "Inadequate")
"""The CQC's four ratings (what `inadequate_rating` must be one of)."""


class EscalationPolicy(Entry):
    """The triggers' settings and the earned-autonomy segment, each number with its source."""

    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    version: int = Field(ge=1)
    in_force_from: QuarterText
    source: str = Field(min_length=1)
    lowest_segment: Number
    """An organisation in this segment (or beyond) fires the `segment` trigger."""
    concern_months: Number
    """Consecutive months of special-cause concern on a national-target metric that fire
    the `spc_concern` trigger."""
    inadequate_rating: str = "Inadequate"
    """The CQC rating that fires the `cqc_inadequate` trigger."""
    open_cases: bool = False
    """True: triggers open cases; False: they only propose them."""
    earned_autonomy_segment: Number
    """ICBs in this segment get the lighter reporting schedule (relaxable collections
    quarterly)."""

    @model_validator(mode="after")
    def _sensible(self) -> EscalationPolicy:
        for name in ("lowest_segment", "earned_autonomy_segment"):
            value = getattr(self, name).value
            if value != int(value) or not 1 <= value <= 5:
                raise ValueError(f"{name} must be a segment 1 to 5, not {value:g}")
        months = self.concern_months.value
        if months != int(months) or months < 1:
            raise ValueError(f"concern_months must be a whole number of months, at least 1, "
                             f"not {months:g}")
        if self.earned_autonomy_segment.value >= self.lowest_segment.value:
            raise ValueError(
                f"earned_autonomy_segment ({self.earned_autonomy_segment.value:g}) must be "
                f"better than lowest_segment ({self.lowest_segment.value:g})"
            )
        if self.inadequate_rating not in CQC_RATINGS:
            raise ValueError(
                f"inadequate_rating {self.inadequate_rating!r} is not a CQC rating; choose one "
                f"of {', '.join(CQC_RATINGS)}"
            )
        return self
