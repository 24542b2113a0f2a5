"""What a judgement is about: one organisation's figure for one metric and month."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from oversight.judge.coverage import Coverage
from oversight.judge.formats import format_month, format_value


@dataclass(frozen=True)
class Subject:
    """One organisation × metric × month (× breakdown group), with the figure being judged."""

    org_type: str
    """"icb", "region" or "england"."""
    org_code: str
    metric_id: str
    title: str
    unit: str
    improvement: str
    """"increase", "decrease" or "neutral": which way is better."""
    period: dt.date
    value: float | None
    missing_reason: str | None = None
    breakdown: str = "total"
    group: str = "total"
    coverage: Coverage | None = None
    """For a region or England: how many member ICBs reported."""
    org_name: str | None = None
    """How sentences name the organisation (default: its code; England is "England")."""
    published_total: bool = False
    """The figure is a published total over every provider (NHS England's), not added up from
    ICBs: whole even when some ICB has no ICB-level figure."""

    @property
    def has_value(self) -> bool:
        return self.value is not None and not math.isnan(self.value)

    @property
    def figure(self) -> str:
        """The value as the portal writes it, e.g. "72.1%"."""
        return format_value(self.value, self.unit)

    @property
    def month(self) -> str:
        return format_month(self.period)

    def fmt(self, value: float | None) -> str:
        """Another figure in this metric's unit."""
        return format_value(value, self.unit)

    @property
    def name(self) -> str:
        """How the organisation is named in a summary; a partial aggregate says so."""
        name = "England" if self.org_type == "england" else (self.org_name or self.org_code)
        if self.coverage is not None and self.org_type != "icb" and not self.coverage.complete:
            if self.published_total:
                verb = "has" if self.coverage.reported == 1 else "have"
                return (f"{name}, NHS England's published total; {self.coverage.counted} {verb} "
                        "ICB-level data")
            return f"{name}, partial: {self.coverage.counted}"
        return name
