"""Breakdown tables of one ICS × metric for a month: each group's figure with its confidence
interval, how it compares with England's figure for the same group, and the table's coverage.

Figures and intervals come from the published results (their breakdown rows); the comparison
with England from the judge's breakdown judgements, which it stores for the results' latest
month only (oversight.judge.stage, `breakdowns/`), so an earlier month shows no comparison. The
groups of a breakdown add up to the total (a person with no recorded value is in `unknown`, or
ethnicity's "Not known"); the coverage is the share of the total in a known group.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from oversight.catalogue import load
from oversight.catalogue.models import DataItem, Metric
from oversight.home import Home

TITLES = {
    "imd_decile": "deprivation decile",
    "imd_quintile": "deprivation fifth",
    "ethnicity_group": "ethnic group",
    "age_band": "age band",
    "sex": "sex",
}
"""How a breakdown is named in a caption ("A&E: seen within 4 hours by ethnic group")."""

UNKNOWN_GROUPS = frozenset({"unknown", "Not known"})
"""Groups of people with no recorded value (metrics.breakdowns: `unknown`; ethnicity's own)."""

DEPRIVATION = {"imd_decile": "10", "imd_quintile": "5"}
"""The least deprived group of each deprivation breakdown (1 is the most deprived)."""


@dataclass(frozen=True)
class GroupFigure:
    group: str
    """As people read it: "1 (most deprived)", "Female", "Not known"."""
    value: float | None
    ci_lower: float | None
    ci_upper: float | None
    missing_reason: str | None
    vs_england: str | None
    """The judge's comparison with England's figure for the group: better, similar, worse."""
    england: float | None
    """England's figure for the same group that month."""


@dataclass(frozen=True)
class BreakdownTable:
    breakdown: str
    title: str
    period: dt.date
    groups: tuple[GroupFigure, ...]
    coverage: str
    """E.g. "118 of 125 (94%) are in a known group; 7 unknown."."""
    compared: bool
    """True when the judge compared the groups with England (the results' latest month)."""


def _num(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)  # type: ignore[arg-type]


def _text(value: object) -> str | None:
    if value is None or pd.isna(value):
        return None
    return str(value)


def group_label(breakdown: str, group: str) -> str:
    """A group as people read it: deprivation's ends named, sexes capitalised."""
    if breakdown in DEPRIVATION:
        if group == "1":
            return "1 (most deprived)"
        if group == DEPRIVATION[breakdown]:
            return f"{group} (least deprived)"
    if group == "unknown":
        return "Not recorded"
    if breakdown == "sex":
        return group.capitalize()
    return group


def _order(breakdown: str, groups: list[str]) -> list[str]:
    """The catalogue's group order (metrics.breakdowns.GROUPS), anything else after it."""
    from oversight.metrics.breakdowns import GROUPS

    known = list(GROUPS.get(breakdown, ()))
    return sorted(groups, key=lambda g: (g in UNKNOWN_GROUPS,
                                         known.index(g) if g in known else len(known), g))


def _base(row: Mapping[str, object]) -> float | None:
    """What a group's share of the total is counted in: the row's denominator (people seen;
    for a mean or centile, the incidents averaged) where it has one, else the figure itself
    (a count). A mean's numerator is summed seconds, not people."""
    for column in ("denominator", "numerator", "value"):
        if _num(row.get(column)) is not None:
            return _num(row.get(column))
    return None


def counted(metric: Metric, items: Mapping[str, DataItem]) -> str:
    """What the coverage counts, as a noun phrase ("A&E attendances (all department types)"):
    the denominator's data item where the metric has one, else the numerator's; for a mean or
    centile, the records averaged, named by its dataset's count item. Lower-cased at the start
    unless it opens with an abbreviation (A&E, RTT)."""
    item = items.get(metric.denominator or metric.numerator)
    if item is None:
        return ""
    words = item.description
    if item.aggregation in ("mean", "quantile"):
        count = next((i for i in items.values() if i.dataset == item.dataset
                      and i.aggregation == "count" and not i.filter), None)
        if count is None:
            return ""
        words = f"{count.description} in the figure"
    return words[0].lower() + words[1:] if words[1:2].islower() else words


def coverage_sentence(known: float, total: float, noun: str = "") -> str:
    """The share of the total in a known group, in words, saying what was counted (`noun`)
    so that "14 of 16" is not read as a count of groups."""
    if total <= 0:
        return "No one counted this month, so no group has a figure."
    unknown = max(total - known, 0.0)
    share = 100 * known / total
    tail = f"; {unknown:,.0f} not recorded" if unknown > 0 else ""
    what = f" {noun}" if noun else ""
    return f"{known:,.0f} of {total:,.0f}{what} ({share:.0f}%) are in a known group{tail}."


def tables(
    metric: Metric,
    rows: pd.DataFrame,
    judged: pd.DataFrame,
    total: Mapping[str, object] | None,
    noun: str = "",
) -> tuple[BreakdownTable, ...]:
    """The breakdown tables of one organisation and month: `rows` its published breakdown
    rows, `judged` the judge's rows of the same groups (may be empty), `total` its total
    row (the coverage's whole; without it the groups' sum), `noun` what was counted."""
    out = []
    if rows.empty:
        return ()
    verdicts: dict[tuple[str, str], dict[str, object]] = {}
    if not judged.empty:
        verdicts = {(str(r["breakdown"]), str(r["group"])): r
                    for r in judged.to_dict(orient="records")}
    for breakdown in [b for b in TITLES if b in set(rows["breakdown"])]:
        part = rows[rows["breakdown"] == breakdown]
        by_group = {str(r["group"]): r for r in part.to_dict(orient="records")}
        figures = []
        known = whole = 0.0
        for group in _order(breakdown, list(by_group)):
            r = by_group[group]
            j = verdicts.get((breakdown, group), {})
            base = _base(r) or 0.0
            whole += base
            if group not in UNKNOWN_GROUPS:
                known += base
            figures.append(GroupFigure(
                group=group_label(breakdown, group), value=_num(r.get("value")),
                ci_lower=_num(r.get("ci_lower")), ci_upper=_num(r.get("ci_upper")),
                missing_reason=_text(r.get("missing_reason")),
                vs_england=_text(j.get("vs_england")), england=_num(j.get("england")),
            ))
        if total is not None and _base(total) is not None:
            whole = _base(total) or 0.0
        out.append(BreakdownTable(
            breakdown=breakdown, title=TITLES[breakdown], period=part["period"].iloc[0],
            groups=tuple(figures), coverage=coverage_sentence(known, whole, noun),
            compared=any(f.vs_england is not None for f in figures),
        ))
    return tuple(out)


def breakdown_tables(
    home: Home, results_id: str | None, judged_id: str | None, code: str, metric: Metric,
    period: dt.date | None,
) -> tuple[BreakdownTable, ...]:
    """The published breakdown tables of one ICB × metric for `period` (a month the public
    may see: the page's latest), with the judge's comparisons where it made them."""
    from oversight.judge.stage import Judgements
    from oversight.metrics import published

    if results_id is None or period is None or not metric.breakdowns:
        return ()
    every = published(home, results_id).rows(metric=metric.id, org=code, breakdown=None,
                                             period=period)
    if every.empty:
        return ()
    every["period"] = pd.to_datetime(every["period"]).dt.date
    every = every[(every["org_type"] == "icb") & (every["period"] == period)]
    total = every[every["breakdown"] == "total"]
    rows = every[every["breakdown"] != "total"]
    judged = pd.DataFrame()
    if judged_id is not None:
        try:
            judged = Judgements(judged_id, home.judgements_dir / judged_id).frame(
                org=code, metric=metric.id, period=period, breakdown=None)
        except (OSError, ValueError, KeyError):  # unreadable: the figures without comparisons
            judged = pd.DataFrame()
        else:
            judged = judged[judged["breakdown"] != "total"]
    return tables(metric, rows, judged,
                  total.iloc[0].to_dict() if len(total) else None,
                  counted(metric, load().data_items))
