"""The data dictionary: every organisation and metric as plain data, for the API and for the
dictionary file published beside the bulk downloads (the same words in both)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

ENGLAND = {"code": "ENG", "name": "England", "level": "england"}
RESULT_COLUMNS = {
    "org": "organisation code (ICB or region ODS code, a provider's code, or ENG)",
    "level": "england, region, icb or provider",
    "metric": "metric id (see metrics)",
    "period": "the month, YYYY-MM",
    "breakdown": "total, or the breakdown (imd_decile, ethnicity_group, age_band, sex, ...)",
    "group": "the group within the breakdown (total for the total)",
    "value": "the figure, in the metric's unit",
    "numerator": "count the value is computed from",
    "denominator": "count the value is computed from (none for a count)",
    "missing_reason": "why the value is missing, when it is",
    "ci_lower": "lower bound of the 95% confidence interval",
    "ci_upper": "upper bound of the 95% confidence interval",
    "ci_method": "how the interval was computed (Wilson, Byar, ...)",
    "spc_mean": "SPC centre line (XmR chart)",
    "spc_lpl": "SPC lower process limit",
    "spc_upl": "SPC upper process limit",
    "spc_special_cause": "SPC signal of the point",
    "spc_point_type": "common_cause, special_cause_improving or special_cause_concerning",
    "variation_icon": "Making Data Count variation icon",
    "funnel_z": "z-score against England in the funnel plot",
    "funnel_lower": "funnel plot lower control limit (99.8%)",
    "funnel_upper": "funnel plot upper control limit (99.8%)",
    "funnel_position": "within, above or below the funnel",
    "lineage": "lineage key: the submission revisions behind the figure",
}


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def organisations(catalogue: Catalogue) -> list[dict[str, Any]]:
    """England, the regions, every ICB (current and merged, with dates) and provider."""
    out: list[dict[str, Any]] = [dict(ENGLAND)]
    for r in catalogue.regions.values():
        out.append({"code": r.code, "name": r.name, "level": "region", "ons_code": r.ons_code})
    for icb in (*catalogue.icbs.values(), *catalogue.merged_icbs.values()):
        out.append({
            "code": icb.code, "name": icb.name, "level": "icb", "ons_code": icb.ons_code,
            "region": icb.region_code, "valid_from": _day(icb.valid_from),
            "valid_to": _day(icb.valid_to), "successor": icb.successor_code,
            "predecessors": list(icb.predecessor_codes),
            "memberships": [
                {"region": m.region_code, "valid_from": _day(m.valid_from),
                 "valid_to": _day(m.valid_to)}
                for m in icb.memberships
            ],
        })
    for p in catalogue.providers.values():
        out.append({
            "code": p.code, "name": p.name, "level": "provider", "icb": p.icb_code,
            "kind": p.kind, "region": p.region_code, "valid_from": _day(p.valid_from),
            "valid_to": _day(p.valid_to),
        })
    return out


def metrics(catalogue: Catalogue) -> list[dict[str, Any]]:
    """Every metric's dictionary entry: definition, polarity, statistic, source, method notes,
    the collections it comes from and their release times (the embargo)."""
    out = []
    for m in catalogue.metrics.values():
        feeding = [
            c for c in catalogue.collections.values()
            if c.dataset is not None and m.id in c.metrics
        ]
        out.append({
            "id": m.id, "title": m.title, "definition": m.description, "kind": m.kind,
            "numerator": m.numerator, "denominator": m.denominator,
            "multiplier": m.multiplier, "unit": m.unit, "polarity": m.improvement,
            "statistic": m.statistic, "breakdowns": list(m.breakdowns),
            "domain": getattr(m, "domain", None), "source": m.source,
            "method_notes": m.method_notes, "collections": [c.id for c in feeding],
            "release": [
                {"collection": c.id, "days_after_period_end": c.release.days_after_period_end,
                 "time": c.release.time.strftime("%H:%M")}
                for c in feeding if c.release is not None
            ],
        })
    return out


def dictionary(catalogue: Catalogue) -> dict[str, Any]:
    """The whole data dictionary file: result columns, the annotations and rebases files'
    columns, metrics and organisations."""
    from oversight.publish.downloads_governed import COLUMNS

    return {
        "columns": RESULT_COLUMNS,
        "annotation_columns": COLUMNS["annotations"],
        "rebase_columns": COLUMNS["rebases"],
        "metrics": metrics(catalogue),
        "organisations": organisations(catalogue),
    }
