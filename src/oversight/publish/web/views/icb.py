"""One ICB's page: its monthly series for a metric, with SPC, the national target and the
judge's three judgements (change, position, target) of the latest figure in words."""

from __future__ import annotations

from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.publish.charts import SeriesPoint, render_svg, series_spec
from oversight.publish.web.queries import (
    judged_rows,
    judgement_of,
    metric_results,
    revisions_behind,
    standing_target,
)
from oversight.publish.web.views.common import all_metrics, metric_summary, number, text
from oversight.publish.web.views.context import IcbPage, SeriesRow


def _signal(label: str | None) -> str | None:
    """A special-cause label worth showing; common cause is the absence of a signal."""
    return None if label in (None, "Common Cause") else label


def icb_page(home: Home, code: str, metric_id: str) -> IcbPage:
    catalogue = load_catalogue()
    icb = catalogue.icbs.get(code.upper()) or catalogue.merged_icbs.get(code.upper())
    if icb is None:
        raise LookupError(f"no ICB with code {code!r}")
    metric = metric_summary(metric_id)
    frame = metric_results(home, metric_id, org=icb.code)
    rows = list(frame.iterrows())
    latest_period = rows[-1][1]["period"] if rows else None
    judged = judged_rows(home, metric_id)
    judged = judged[judged["org_code"] == icb.code]
    status = dict(zip(judged["period"], judged["national_status"], strict=True))
    target = standing_target(judged[judged["period"] == latest_period])

    series = [
        SeriesRow(
            period=r["period"],
            value=number(r, "value"),
            numerator=number(r, "numerator"),
            denominator=number(r, "denominator"),
            status=status.get(r["period"]),
            special_cause=_signal(text(r, "spc_special_cause")),
            missing_reason=text(r, "missing_reason"),
        )
        for _, r in rows
    ]
    points = [
        SeriesPoint(
            period=r["period"],
            value=number(r, "value"),
            mean=number(r, "spc_mean"),
            lpl=number(r, "spc_lpl"),
            upl=number(r, "spc_upl"),
            special_cause=_signal(text(r, "spc_special_cause")) is not None,
        )
        for _, r in rows
    ]
    chart = ""
    if points:
        spec = series_spec(points, title=metric.title, unit=metric.unit,
                           target=target.value if target else None)
        chart = render_svg(spec)
    last = rows[-1][1] if rows else None
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
        judgement=judgement_of(home, icb.code, metric_id, latest_period)
        if latest_period is not None
        else None,
        latest_revisions=revisions_behind(home, lineage_key),
    )
