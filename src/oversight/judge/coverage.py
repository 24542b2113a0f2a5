"""Coverage honesty: a summary over organisations says how many have data.

An England or region figure is labelled as such only when every member ICB reported for that
metric and month; otherwise it is "partial: 12 of 42 ICBs", so nobody reads the figure of three
ICBs as England's. A count over ICBs ("3 meet the target") always names how many ICBs there are
and how many have no data, instead of counting only those that happen to be there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from oversight.metrics.organisations import ICB, OrgTree

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue


def _plural(n: int, noun: str) -> str:
    return noun if n == 1 else f"{noun}s"


@dataclass(frozen=True)
class Coverage:
    """How many of the organisations a figure or summary is over have data."""

    reported: int
    expected: int
    noun: str = "ICB"

    def __post_init__(self) -> None:
        if not 0 <= self.reported <= self.expected:
            raise ValueError(
                f"coverage must be between 0 and the {self.expected} expected, not {self.reported}"
            )

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.reported == self.expected

    @property
    def counted(self) -> str:
        """ "12 of 42 ICBs"."""
        return f"{self.reported} of {self.expected} {_plural(self.expected, self.noun)}"

    @property
    def sentence(self) -> str:
        """ "12 of 42 ICBs have data." (every one: "All 42 ICBs have data.")."""
        if self.complete:
            return f"All {self.expected} {_plural(self.expected, self.noun)} have data."
        verb = "has" if self.reported == 1 else "have"
        return f"{self.counted} {verb} data."

    def label(self, name: str) -> str:
        """The name an aggregate figure may carry: "England" when complete, else
        "England (partial: 12 of 42 ICBs)"."""
        return name if self.complete else f"{name} (partial: {self.counted})"


def published_total_label(cover: Coverage, name: str = "England") -> str:
    """The name of an aggregate figure that is a published total over every provider (not
    added up from ICBs): the figure is whole, so only the ICB-level data may be partial —
    "England (NHS England's published total; 36 of 37 ICBs have ICB-level data)"."""
    if cover.complete:
        return name
    verb = "has" if cover.reported == 1 else "have"
    return f"{name} (NHS England's published total; {cover.counted} {verb} ICB-level data)"


def coverage(
    values: Mapping[str, float | None], members: Iterable[str], noun: str = "ICB"
) -> Coverage:
    """Coverage of a figure over `members` (e.g. the ICBs existing on the period's date), given
    each organisation's value (missing or NaN: no data). Organisations outside `members` are
    ignored; a member absent from `values` has no data."""
    wanted = set(members)
    reported = sum(
        1 for code in wanted if (v := values.get(code)) is not None and not np.isnan(float(v))
    )
    return Coverage(reported, len(wanted), noun)


@dataclass(frozen=True)
class Tally:
    """A count of outcomes over organisations, with those without data named."""

    counts: Mapping[str, int]
    """Outcome word → organisations with it (only organisations that have data)."""
    coverage: Coverage

    def sentence(self, wording: Mapping[str, str]) -> str:
        """E.g. wording {"met": "meet the target", "missed": "miss it"} →
        "3 of 42 ICBs meet the target, 0 miss it; 39 have no data." """
        total = self.coverage.expected
        noun = _plural(total, self.coverage.noun)
        (key, words), *rest = wording.items()
        parts = [f"{self.counts.get(key, 0)} of {total} {noun} {words}"]
        parts += [f"{self.counts.get(k, 0)} {w}" for k, w in rest]
        missing = total - self.coverage.reported
        if not missing:
            return ", ".join(parts) + "."
        return f"{', '.join(parts)}; {missing} {'has' if missing == 1 else 'have'} no data."


def tally(
    outcomes: Mapping[str, str], members: Iterable[str], no_data: Iterable[str] = ("no data",)
) -> Tally:
    """Count each outcome over `members`; an absent member or a no-data outcome counts as
    having no data, never as any other outcome."""
    wanted = set(members)
    gaps = set(no_data)
    known = {c: o for c, o in outcomes.items() if c in wanted and o not in gaps}
    counts: dict[str, int] = {}
    for outcome in known.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    return Tally(counts, Coverage(len(known), len(wanted)))


def coverage_frame(
    values: pd.DataFrame,
    members: pd.DataFrame,
    keys: Iterable[str] = ("metric_id", "period"),
    figures: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Coverage of every aggregate figure at once.

    `values`: ICB rows with `keys`, `org_code` and `value`. `members`: `period`, `org_type`,
    `org_code` (the region or England) and `member_code` (an ICB existing on that date, in it).
    `figures`: every key to count for (default: the keys of `values`; pass the aggregates' own
    keys so that a figure no ICB row exists for counts 0 reported, not nothing).
    Returns one row per key × aggregate organisation with `reported` and `expected`, in the
    order the keys first appear in (the caller's order, not re-sorted).
    """
    keys = list(keys)
    wanted = values[keys] if figures is None else figures[keys]
    grid = wanted.drop_duplicates().merge(members, on="period")
    have = values.loc[values["value"].notna(), [*keys, "org_code"]].rename(
        columns={"org_code": "member_code"}
    )
    have = have.assign(reported=1).drop_duplicates()
    grid = grid.merge(have, on=[*keys, "member_code"], how="left")
    grid["reported"] = grid["reported"].fillna(0).astype(int)
    out = grid.groupby([*keys, "org_type", "org_code"], as_index=False, sort=False).agg(
        reported=("reported", "sum"), expected=("member_code", "size")
    )
    return out


def members_frame(catalogue: Catalogue, periods: Iterable[dt.date]) -> pd.DataFrame:
    """Who an aggregate figure is over, per month: England → every ICB existing on the date,
    a region → its ICBs on the date (mergers and region moves change both)."""
    orgs = OrgTree.from_catalogue(catalogue, periods).orgs()
    orgs = orgs[orgs["org_type"] != ICB].rename(columns={"icb_code": "member_code"})
    return orgs[["period", "org_type", "org_code", "member_code"]].reset_index(drop=True)
