"""Who sees which figures: the six roles and the embargo before a collection's release time.

A month's figures become public at the release time of the collections they are computed from
(`release` in the catalogue's collections; none = as soon as validated). Before then only the
ICB the figures belong to (an ICB's own figures and its providers'), NHS England, DHSC and the
platform's operators (admin) see them; the public and CQC do not, and an ICB does not see
another ICB's figures or the region and England figures its own feed into.

Pages, the API, the change feed, downloads and search all ask here, so they cannot disagree:
`visible()` for one figure, `Embargo.released()` for a frame of rows. The rule and the clock are
read through `rules()` and `clock()` so that a test can set a release rule and a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pandas as pd

from oversight.period import MonthLike, Period

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue
    from oversight.catalogue.models.collections import Release

ROLES = ("public", "icb", "nhse", "dhsc", "cqc", "admin")
EARLY_ROLES = frozenset({"nhse", "dhsc", "admin"})
"""Roles that see every figure as soon as it is validated."""
UK = ZoneInfo("Europe/London")
TOKEN_ROLE = {"submitter": "icb"}
"""A token's role (oversight.collect.tokens) as a viewer: a submitter token is its ICB's."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a role, and for `icb` the ICB it speaks for."""

    role: str = "public"
    org_code: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}, not {self.role!r}")
        if self.role == "icb" and not self.org_code:
            raise ValueError("an icb viewer needs the ICB it speaks for")

    def sees_early(self, icb_code: str | None) -> bool:
        """True when this viewer sees a figure of `icb_code` (None: a region's or England's)
        before its release time."""
        if self.role in EARLY_ROLES:
            return True
        return self.role == "icb" and icb_code is not None and icb_code == self.org_code


PUBLIC = Viewer()


def viewer_of(principal: Any | None) -> Viewer:
    """The viewer behind an authenticated token (anything with `role` and `org_code`), or
    the public when there is none."""
    if principal is None:
        return PUBLIC
    role = TOKEN_ROLE.get(principal.role, principal.role)
    return Viewer(role, principal.org_code if role == "icb" else None)


def release_time(rule: Release | None, period: MonthLike) -> dt.datetime | None:
    """When the month's figures under `rule` become public (None: as soon as validated)."""
    if rule is None:
        return None
    end = Period.month_of(period).end + dt.timedelta(days=rule.days_after_period_end)
    return dt.datetime.combine(end, rule.time, tzinfo=UK)


def _aware(now: dt.datetime) -> dt.datetime:
    return now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Embargo:
    """The catalogue's release rules compiled once: per collection its rule, per metric the
    rules of the stored collections it is computed from, and the ICB each organisation's
    figures belong to (an ICB itself, a provider its ICB; regions and England none)."""

    collection_rules: Mapping[str, Release | None]
    metric_rules: Mapping[str, tuple[Release, ...]]
    icb_of: Mapping[str, str]

    @classmethod
    def of(cls, catalogue: Catalogue) -> Embargo:
        collections = {c.id: c.release for c in catalogue.collections.values()}
        metrics: dict[str, list[Release]] = {m: [] for m in catalogue.metrics}
        for coll in catalogue.collections.values():
            if coll.dataset is None or coll.release is None:
                continue  # a return stored nowhere feeds no figure
            for metric in coll.metrics:
                metrics.setdefault(metric, []).append(coll.release)
        icb_of = {code: code for code in (*catalogue.icbs, *catalogue.merged_icbs)}
        icb_of.update({code: p.icb_code for code, p in catalogue.providers.items()})
        return cls(collections, {m: tuple(r) for m, r in metrics.items()}, icb_of)

    @property
    def any(self) -> bool:
        """True when some figure is ever embargoed (otherwise every filter is a no-op)."""
        return any(self.metric_rules.values()) or any(
            r is not None for r in self.collection_rules.values()
        )

    def released_at(self, subject: str, period: MonthLike) -> dt.datetime | None:
        """When a collection's or a metric's figures for a month become public; None when
        as soon as validated. KeyError for an id that is neither."""
        if subject in self.collection_rules:
            return release_time(self.collection_rules[subject], period)
        if subject not in self.metric_rules:
            raise KeyError(f"{subject!r} is neither a collection nor a metric")
        times = [release_time(r, period) for r in self.metric_rules[subject]]
        return max((t for t in times if t is not None), default=None)

    def visible(
        self, viewer: Viewer, subject: str, org: str | None, period: MonthLike, now: dt.datetime
    ) -> bool:
        """Whether `viewer` may see the figure of `subject` (a metric or collection id) for
        `org` (any organisation code; None or a region/England for aggregates) in `period`."""
        if viewer.role in EARLY_ROLES:
            return True
        at = self.released_at(subject, period)
        if at is None or at <= _aware(now):
            return True
        return viewer.sees_early(self.icb_of.get(org) if org else None)

    def released(
        self,
        frame: pd.DataFrame,
        viewer: Viewer,
        now: dt.datetime,
        *,
        metric: str = "metric_id",
        org: str = "org_code",
        period: str = "period",
    ) -> pd.DataFrame:
        """The rows of `frame` (one figure per row: metric, organisation, month columns)
        that `viewer` may see at `now`, in their order."""
        if viewer.role in EARLY_ROLES or frame.empty or not self.any:
            return frame
        keys = frame[[metric, period]].drop_duplicates()
        moment = _aware(now)
        keys["_public"] = [
            (at := self.released_at(str(m), p)) is None or at <= moment
            for m, p in keys.itertuples(index=False)
        ]
        flags = frame[[metric, period]].merge(keys, on=[metric, period], how="left")["_public"]
        mask = pd.Series(flags.to_numpy(dtype=bool), index=frame.index)
        if viewer.role == "icb":
            own = frame[org].map(self.icb_of) == viewer.org_code
            mask = mask | own.fillna(False).astype(bool)
        return frame[mask.astype(bool)]


@lru_cache(maxsize=1)
def _packaged() -> Embargo:
    from oversight.catalogue import load

    return Embargo.of(load())


def rules() -> Embargo:
    """The embargo of the packaged catalogue (tests replace this function)."""
    return _packaged()


def clock() -> dt.datetime:
    """Now, in UTC (tests replace this function)."""
    return dt.datetime.now(dt.UTC)


def visible(
    viewer: Viewer,
    subject: str,
    org: str | None,
    period: MonthLike,
    now: dt.datetime | None = None,
) -> bool:
    """Whether `viewer` may see `subject`'s (a metric or collection id) figure for `org` in
    `period` at `now` (default: the clock), under the catalogue's release rules."""
    return rules().visible(viewer, subject, org, period, now or clock())


def released(frame: pd.DataFrame, viewer: Viewer, now: dt.datetime | None = None) -> pd.DataFrame:
    """The rows of a results or judgements frame that `viewer` may see now."""
    return rules().released(frame, viewer, now or clock())
