"""Pages of a published-data home: where the figures come from, a provider's page and the
RTT waiting times by provider and specialty (patient choice).

Figures come from the published results (providers' rows come from NHS England's
provider-level returns) and, for the waiting-times tables, from `metrics.waiting_times`; the
sources from the home's published-data manifest (`oversight.published_demo`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse

from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.publish.web.page_cache import render
from oversight.publish.web.queries import metric_results
from oversight.publish.web.views.common import metric_summary, number, text
from oversight.publish.web.views.context import MetricSummary

PROVIDER = "provider"
ENGLAND = "ENG"


def published_manifest(request: Request) -> dict[str, Any] | None:
    """The home's published-data manifest, or None (synthetic or empty home)."""
    from oversight.published_demo import read_manifest

    return read_manifest(request.app.state.home)


@dataclass(frozen=True)
class ProviderMetric:
    metric: MetricSummary
    period: date | None
    value: float | None
    numerator: float | None
    denominator: float | None
    point_type: str | None
    variation: str | None
    series: list[tuple[date, float | None, str]] = field(default_factory=list)
    """Month, value and its SPC reading ("special cause (concern): below the lower process
    limit"; "common cause"; "" with no limits)."""
    chart_svg: str = ""
    judgement: Any = None


@dataclass(frozen=True)
class ProviderPage:
    code: str
    name: str
    icbs: list[str]
    region: str | None
    metrics: list[ProviderMetric]
    sources: list[dict[str, Any]]
    serves: int = 0
    """How many ICBs' patients wait for treatment here (RTT)."""
    kind: str = PROVIDER
    """provider, region or england: the page's level."""


def _level(code: str) -> str:
    if code == ENGLAND:
        return "england"
    return "region" if code in load_catalogue().regions else PROVIDER


def _provider_rows(
    home: Home, code: str, level: str, wanted: list[str]
) -> dict[str, pd.DataFrame]:
    out = {}
    for metric_id in wanted:
        frame = metric_results(home, metric_id, org=code)
        frame = frame[frame["org_type"] == level] if "org_type" in frame else frame.iloc[:0]
        if level != PROVIDER:
            frame = frame[frame["value"].notna()]
        if not frame.empty:
            out[metric_id] = frame.sort_values("period")
    return out


def _series(frame: pd.DataFrame) -> list[tuple[date, float | None, str]]:
    from oversight.publish.signals import describe_point

    out = []
    for _, r in frame.iterrows():
        point = text(r, "spc_point_type")
        reading = "" if point is None else describe_point(text(r, "spc_special_cause"), point)
        out.append((r["period"], number(r, "value"), reading))
    return out


def _chart(frame: pd.DataFrame, metric: MetricSummary, what: str) -> str:
    """The SPC run chart of a series of more than one month (publish.charts): each point
    coloured by its Making Data Count meaning, limits per segment, the standing national
    target, and a text alternative naming the special-cause months."""
    from oversight.publish.charts import (
        SeriesPoint,
        limit_segments,
        render_svg,
        series_spec,
        spc_alt_text,
    )

    if len(frame) < 2:
        return ""
    rows = [r for _, r in frame.iterrows()]
    segments = limit_segments([number(r, "spc_mean") for r in rows])
    points = [
        SeriesPoint(
            period=r["period"],
            value=number(r, "value"),
            mean=number(r, "spc_mean"),
            lpl=number(r, "spc_lpl"),
            upl=number(r, "spc_upl"),
            special_cause=text(r, "spc_special_cause") not in (None, "Common Cause"),
            point_type=text(r, "spc_point_type"),
            rule=text(r, "spc_special_cause"),
            segment=segment,
        )
        for r, segment in zip(rows, segments, strict=True)
    ]
    standing = load_catalogue().standing_national_target(metric.id, rows[-1]["period"])
    target = None if standing is None else float(standing.value)
    spec = series_spec(points, title=metric.title, unit=metric.unit, target=target)
    alt = spc_alt_text(points, what=f"{metric.title} for {what}", unit=metric.unit, target=target)
    return render_svg(spec, label=alt)


def provider_page(home: Home, code: str, manifest: dict[str, Any] | None) -> ProviderPage:
    """One provider's (or England's, or a region's) metrics from the published returns:
    latest figure, its SPC chart and reading, the judge's judgement, the monthly series."""
    from oversight.publish.web.queries import judgement_of

    code = code.upper()
    level = _level(code)
    wanted = (manifest or {}).get("metrics_with_published_data") or list(
        load_catalogue().metrics
    )
    rows = _provider_rows(home, code, level, wanted)
    if not rows:
        raise LookupError(f"no provider {code!r} with published figures")
    fed = (
        set((manifest or {}).get("metrics_with_published_data", []))
        if level != PROVIDER
        else set(rows)
    )
    metrics = []
    for metric_id, frame in rows.items():
        if metric_id not in fed:
            continue
        shown = frame[frame["value"].notna()]
        last = shown.iloc[-1] if len(shown) else frame.iloc[-1]
        summary = metric_summary(metric_id)
        metrics.append(
            ProviderMetric(
                metric=summary,
                period=last["period"],
                value=number(last, "value"),
                numerator=number(last, "numerator"),
                denominator=number(last, "denominator"),
                point_type=text(last, "spc_point_type"),
                variation=text(last, "variation_icon"),
                series=_series(shown),
                chart_svg=_chart(shown, summary, _name(code, level)),
                judgement=None
                if level == PROVIDER
                else judgement_of(home, code, metric_id, last["period"]),
            )
        )
    sources = (manifest or {}).get("sources", [])
    shown_ids = {m.metric.id for m in metrics}
    used = [s for s in sources if shown_ids & set(s["metrics"])]
    if level != PROVIDER:
        catalogue = load_catalogue()
        name = "England" if level == "england" else catalogue.regions[code].name
        return ProviderPage(code, name, [], None, metrics, used, 0, level)
    name, icbs, region, served = _about(home, code)
    return ProviderPage(code, name, icbs, region, metrics, used, served, level)


def _name(code: str, level: str) -> str:
    if level == "england":
        return "England"
    regions = load_catalogue().regions
    return regions[code].name if level == "region" and code in regions else code


def _about(home: Home, code: str) -> tuple[str, list[str], str | None, int]:
    """Name, own ICB(s) (from the A&E return), region, and how many ICBs' patients it treats
    (from RTT) of a provider, as its returns give them."""
    from oversight.metrics.lakefiles import list_files

    catalogue = load_catalogue()
    names: list[str] = []
    own: set[str] = set()
    served: set[str] = set()
    regions: set[str] = set()
    for dataset in ("ae_sitrep_providers", "rtt_providers", "ambulance_trust_responses"):
        for f in list_files(home.lake_dir, dataset)[-14:]:
            part = pd.read_parquet(
                f.path, columns=["ods_code", "provider_name", "icb_code", "region_code"]
            )
            part = part[part["ods_code"] == code]
            names += part["provider_name"].dropna().tolist()
            if dataset != "ambulance_trust_responses":  # a trust serving several ICBs
                (own if dataset == "ae_sitrep_providers" else served).update(
                    part["icb_code"].dropna()
                )
            regions |= set(part["region_code"].dropna())
    every = {**catalogue.icbs, **catalogue.merged_icbs}
    icb_names = sorted(every[c].name if c in every else c for c in own)
    region = next(iter(sorted(regions)), None)
    region_name = (
        catalogue.regions[region].name
        if region is not None and region in catalogue.regions
        else region
    )
    return (names[-1] if names else code), icb_names, region_name, len(served)


async def provider(request: Request, code: str) -> HTMLResponse:
    manifest = published_manifest(request)
    try:
        if _level(code.upper()) != PROVIDER:
            raise LookupError(f"{code} is not a provider: see /area/{code.upper()}")
        home = request.app.state.home
        # kept per published version like every other page (a cold one takes seconds)
        return await render(
            request, "published/provider.html", lambda: provider_page(home, code, manifest)
        )
    except LookupError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


async def area(request: Request, code: str) -> HTMLResponse:
    """England (ENG) or a region: its published metrics with SPC charts and judgements."""
    manifest = published_manifest(request)
    try:
        if _level(code.upper()) == PROVIDER:
            raise LookupError(f"no England or region {code!r}")
        home = request.app.state.home
        # kept per published version like every other page (a cold one takes seconds)
        return await render(
            request, "published/provider.html", lambda: provider_page(home, code, manifest)
        )
    except LookupError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


async def sources(request: Request) -> HTMLResponse:
    manifest = published_manifest(request)
    if manifest is None:
        raise HTTPException(status_code=404, detail="this home holds no published statistics")
    catalogue = load_catalogue()
    titles = {m.id: m.title for m in catalogue.metrics.values()}
    providers = {
        s["collection"]: _providers_of(request.app.state.home, str(s["dataset"]))
        for s in manifest.get("sources", ())
        if s.get("level")
    }
    return request.app.state.templates.TemplateResponse(
        request,
        "published/sources.html",
        {"manifest": manifest, "titles": titles, "providers": providers},
    )


def _providers_of(home: Home, dataset: str) -> list[tuple[str, str]]:
    """The providers (ODS code, name) of a provider-level source held at one level only (the
    ambulance trusts), for links to their pages."""
    from oversight.metrics.lakefiles import list_files

    names: dict[str, str] = {}
    for f in list_files(home.lake_dir, dataset):
        part = pd.read_parquet(f.path, columns=["ods_code", "provider_name"])
        names.update(zip(part["ods_code"], part["provider_name"], strict=True))
    return sorted(names.items(), key=lambda kv: kv[1])


async def waiting(
    request: Request, icb: str | None = None, specialty: str | None = None, q: str = ""
) -> HTMLResponse:
    from oversight.metrics.waiting_times import waiting_times

    home = request.app.state.home
    icb = (icb or "").upper() or None
    specialty = specialty or None
    tables = waiting_times(home.lake_dir, icb=icb, specialty=specialty, search=q[:100])
    if tables.period is None:
        raise HTTPException(status_code=404, detail="this home holds no RTT waiting times")
    if icb is not None and icb not in tables.icbs:
        raise HTTPException(status_code=404, detail=f"no ICB {icb!r} in the RTT waiting times")
    if specialty is not None and specialty not in tables.specialty_names:
        raise HTTPException(status_code=404, detail=f"no specialty {specialty!r}")
    catalogue = load_catalogue()
    every = {**catalogue.icbs, **catalogue.merged_icbs}
    icb_names = {c: every[c].name if c in every else c for c in tables.icbs}
    icb_order = sorted(tables.icbs, key=lambda c: icb_names[c])
    return request.app.state.templates.TemplateResponse(
        request,
        "published/waiting_times.html",
        {
            "tables": tables,
            "icb": icb,
            "specialty": specialty,
            "q": q,
            "icb_names": icb_names,
            "icb_order": icb_order,
            "providers": tables.providers.to_dict(orient="records"),
            "specialties": tables.specialties.to_dict(orient="records"),
        },
    )


def has_results(home: Home, code: str, metric_id: str) -> bool:
    """An organisation of any level (England, a region, an ICB, a provider) with results for
    the metric: the results API serves its series."""
    if metric_id not in load_catalogue().metrics:
        return False
    return not metric_results(home, metric_id, org=code).empty


def latest_period(home: Home, code: str, metric_id: str) -> date | None:
    """The last month an organisation has a figure for the metric."""
    frame = metric_results(home, metric_id, org=code)
    shown = frame.loc[frame["value"].notna(), "period"]
    return None if shown.empty else shown.max()
