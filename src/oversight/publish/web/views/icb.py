"""One ICS × one metric: its monthly series as a Making Data Count chart with a data table,
the national target, and the judge's three judgements of the latest figure in words."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.publish.charts import (
    SeriesPoint,
    limit_segments,
    render_svg,
    series_spec,
    spc_alt_text,
)
from oversight.publish.signals import describe_point
from oversight.publish.web.lineage import summary
from oversight.publish.web.page_cache import operational_version
from oversight.publish.web.queries import (
    judged_rows,
    judgement_of,
    metric_results,
    revisions_behind,
    standing_target,
)
from oversight.publish.web.snapshot import snapshot
from oversight.publish.web.views.breakdowns import breakdown_tables
from oversight.publish.web.views.common import all_metrics, metric_summary, number, text
from oversight.publish.web.views.context import IcbPage, SeriesRow
from oversight.publish.web.views.extras import annotations_of


def _signal(label: str | None) -> str | None:
    """A special-cause label worth showing; common cause is the absence of a signal."""
    return None if label in (None, "Common Cause") else label


def _icb(code: str) -> Any:
    """An ICB by code, the 2022 ICBs and the merged ICBs of 2026 alike (None: no such ICB)."""
    catalogue = load_catalogue()
    return catalogue.icbs.get(code.upper()) or catalogue.merged_icbs.get(code.upper())


SHOWN_UNITS = frozenset({"percent", "count", "bed_days", "minutes", "gbp_k"})
"""Units the figures' format names (judge.formats.format_value); others read as counts."""


def _item_unit(catalogue: Any, item: str | None) -> str:
    """The unit a numerator or denominator column is shown in: its data item's (so pounds
    read as £k), a count where the format has no words for it."""
    found = catalogue.data_items.get(item) if item else None
    unit = getattr(found, "unit", "count")
    return unit if unit in SHOWN_UNITS else "count"


def _planned(value: object) -> float | None:
    """A trajectory point, or None where the target has none for the month."""
    if value is None:
        return None
    out = float(value)  # type: ignore[arg-type]
    return None if out != out else out


def icb_page(home: Home, code: str, metric_id: str) -> IcbPage:
    """The page context (LookupError for an unknown ICB or metric); cached per published
    version, which is immutable."""
    icb = _icb(code)
    if icb is None:
        raise LookupError(f"no ICB with code {code!r}")
    metric_summary(metric_id)
    # annotations change without a new published version: the audit log's newest id says when
    return _icb_page(home, (*snapshot(home).key, operational_version(home)), icb.code,
                     metric_id)


@lru_cache(maxsize=256)
def _icb_page(home: Home, key: tuple[object, ...], code: str,
              metric_id: str) -> IcbPage:
    catalogue = load_catalogue()
    icb = _icb(code)
    assert icb is not None
    metric = metric_summary(metric_id)
    frame = metric_results(home, metric_id, org=icb.code)
    rows = list(frame.iterrows())
    latest_period = rows[-1][1]["period"] if rows else None
    judged = judged_rows(home, metric_id)
    judged = judged[judged["org_code"] == icb.code]
    status = dict(zip(judged["period"], judged["national_status"], strict=True))
    planned = (
        dict(zip(judged["period"], judged["target_trajectory"], strict=True))
        if "target_trajectory" in judged.columns else {}
    )
    target = standing_target(judged[judged["period"] == latest_period])

    series = [
        SeriesRow(
            period=r["period"],
            value=number(r, "value"),
            numerator=number(r, "numerator"),
            denominator=number(r, "denominator"),
            status=status.get(r["period"]),
            special_cause=describe_point(_signal(text(r, "spc_special_cause")),
                                         text(r, "spc_point_type"))
            if number(r, "value") is not None else None,
            missing_reason=text(r, "missing_reason"),
            mean=number(r, "spc_mean"),
            lpl=number(r, "spc_lpl"),
            upl=number(r, "spc_upl"),
        )
        for _, r in rows
    ]
    segments = limit_segments([number(r, "spc_mean") for _, r in rows])
    points = [
        SeriesPoint(
            period=r["period"],
            value=number(r, "value"),
            mean=number(r, "spc_mean"),
            lpl=number(r, "spc_lpl"),
            upl=number(r, "spc_upl"),
            special_cause=_signal(text(r, "spc_special_cause")) is not None,
            point_type=text(r, "spc_point_type"),
            rule=text(r, "spc_special_cause"),
            segment=segment,
            trajectory=_planned(planned.get(r["period"])),
        )
        for (_, r), segment in zip(rows, segments, strict=True)
    ]
    chart, alt = "", ""
    notes = annotations_of(home, icb.code, metric_id)
    if points:
        spec = series_spec(points, title=metric.title, unit=metric.unit,
                           target=target.value if target else None, annotations=notes)
        alt = spc_alt_text(points, what=f"{metric.title} for {icb.name}", unit=metric.unit,
                           target=target.value if target else None, annotations=notes)
        chart = render_svg(spec, label=alt)
    last = rows[-1][1] if rows else None
    snap = snapshot(home)
    definition = catalogue.metrics[metric_id]
    lineage_key = text(last, "revisions") if last is not None else None
    return IcbPage(
        metric=metric,
        metrics=all_metrics(),
        code=icb.code,
        name=icb.name,
        region=catalogue.regions[icb.region_code].name,
        population=int(icb.population),
        target=target,
        latest=series[-1] if series else None,
        series=series,
        chart_svg=chart,
        chart_alt=alt,
        judgement=judgement_of(home, icb.code, metric_id, latest_period)
        if latest_period is not None
        else None,
        latest_revisions=revisions_behind(home, lineage_key),
        lineage=summary(home, snapshot(home).results_id, lineage_key),
        region_code=icb.region_code,
        annotations=notes,
        breakdowns=breakdown_tables(home, snap.results_id, snap.judged_id, icb.code,
                                    definition, latest_period),
        numerator_unit=_item_unit(catalogue, definition.numerator),
        denominator_unit=_item_unit(catalogue, definition.denominator),
    )
