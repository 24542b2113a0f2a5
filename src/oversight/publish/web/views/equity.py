"""The national "Equity in access" page (/equity) and its CSV (/equity.csv): every ICS side by
side with the stored inequality measures of the statement's evidence metrics and the published
CQC score and ratings (never a draft's: only published assessments are read).

The figures are oversight.judge.assessment.national's table as it is (read from the stored
measures, never computed here); this module only shapes it for the template and adds the
plain-English reading of each SII.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from oversight.catalogue import load as load_catalogue
from oversight.publish.access import PUBLIC, Viewer
from oversight.publish.web.page_cache import render

if TYPE_CHECKING:
    import pandas as pd

    from oversight.home import Home

NOT_ASSESSED = "not yet assessed"
VERSUS = {
    "similar to England": "its SII interval overlaps England's",
    "above England": "its SII is higher than England's (the intervals do not overlap)",
    "below England": "its SII is lower than England's (the intervals do not overlap)",
}


@dataclass(frozen=True)
class Measure:
    """One index with its 95% interval on the metric's scale (None: not measured)."""

    value: float | None
    lower: float | None
    upper: float | None
    unit: str = "percent"

    @property
    def text(self) -> str:
        """The value as a difference on the metric's scale, with its interval."""
        from oversight.judge.assessment.evidence import difference_text

        if self.value is None:
            return "Not measured"
        shown = difference_text(self.value, self.unit)
        if self.lower is None or self.upper is None:
            return shown
        return f"{shown} (95% CI {self.lower:.1f} to {self.upper:.1f})"


@dataclass(frozen=True)
class Cell:
    """One organisation × evidence metric."""

    sii: Measure
    quintile_gap: Measure
    ethnic_gap: Measure
    ethnic_groups: str | None
    """"highest group − lowest group", when the ethnic gap is measured."""
    versus: str
    reading: str


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    cells: tuple[Cell, ...]
    statement_score: int | None
    theme_rating: str | None
    overall_rating: str | None
    assessment_id: str | None

    @property
    def assessed(self) -> bool:
        return self.assessment_id is not None


@dataclass(frozen=True)
class MetricColumn:
    id: str
    title: str
    unit: str
    improvement: str


@dataclass(frozen=True)
class EquityPage:
    period: dt.date | None
    periods: tuple[dt.date, ...]
    metrics: tuple[MetricColumn, ...]
    england: Row | None
    rows: tuple[Row, ...]
    """Every ICS on the month, by name."""
    problem: str | None = None
    """Why there is nothing to show (no measures yet), in words."""

    @property
    def with_data(self) -> int:
        """ICSs with an SII for at least one evidence metric."""
        return sum(any(c.sii.value is not None for c in r.cells) for r in self.rows)

    @property
    def assessed(self) -> int:
        return sum(r.assessed for r in self.rows)


def _num(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _measure(row: Any, col: str, unit: str) -> Measure:
    return Measure(_num(row[col]), _num(row[f"{col}_lower"]), _num(row[f"{col}_upper"]), unit)


def reading(sii: Measure, versus: str, improvement: str) -> str:
    """What the SII says, in words: who fares better along the deprivation gradient (only when
    the interval excludes zero) and how it stands against England's."""
    if sii.value is None or sii.lower is None or sii.upper is None:
        return "Not enough data to measure the gap by deprivation."
    if sii.lower <= 0 <= sii.upper:
        first = "No clear gap between more and less deprived areas (the interval includes zero)"
    elif improvement == "neutral":
        first = "A gap by deprivation, but this measure has no better direction"
    else:
        least_higher = sii.value > 0
        better_when_higher = improvement == "increase"
        who = "less" if least_higher == better_when_higher else "more"
        first = f"People in {who} deprived areas fare better"
    tail = VERSUS.get(versus)
    return f"{first}; {tail}." if tail else f"{first}."


def _int(value: Any) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def rows_of(table: pd.DataFrame, metrics: tuple[MetricColumn, ...]) -> list[Row]:
    """national.equity_view's frame (one row per organisation × metric) as page rows."""
    by_id = {m.id: m for m in metrics}
    out = []
    for (code, name), part in table.groupby(["org_code", "org_name"], sort=False):
        cells = []
        for _, r in part.iterrows():
            metric = by_id[str(r["metric_id"])]
            sii = _measure(r, "sii", metric.unit)
            high, low = _text(r["ethnic_high_group"]), _text(r["ethnic_low_group"])
            cells.append(Cell(
                sii=sii, quintile_gap=_measure(r, "quintile_gap", metric.unit),
                ethnic_gap=_measure(r, "ethnic_gap", metric.unit),
                ethnic_groups=f"{high} − {low}" if high and low else None,
                versus=str(r["sii_vs_england"]),
                reading=reading(sii, str(r["sii_vs_england"]), metric.improvement),
            ))  # fmt: skip
        first = part.iloc[0]
        out.append(Row(str(code), str(name), tuple(cells), _int(first["statement_score"]),
                       _text(first["theme_rating"]), _text(first["overall_rating"]),
                       _text(first["assessment_id"])))  # fmt: skip
    return out


def equity_table(
    home: Home, period: str | None, viewer: Viewer = PUBLIC
) -> tuple[pd.DataFrame, dt.date, list[dt.date]]:
    """The national table for `period` (default: the latest month with 12-month measures
    `viewer` may see: a measure whose window ends in a month under embargo is the embargoed
    figures'). FileNotFoundError when nothing is measured; LookupError for a month without
    measures; ValueError for a month that is not YYYY-MM."""
    import pandas as pd

    from oversight.judge.assessment import framework as fw
    from oversight.judge.assessment import inequality_store, national, sources
    from oversight.period import Period
    from oversight.publish import access

    frame = inequality_store.inequality(home)
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    frame = access.released(frame, viewer).reset_index(drop=True)
    months = sources.periods(frame)
    month = sources.latest_period(frame) if period is None else Period.parse_month(period).start
    if month not in months:
        shown = ", ".join(f"{m:%Y-%m}" for m in months)
        raise LookupError(f"no 12-month measures for {month:%Y-%m} (months: {shown})")
    catalogue = load_catalogue()
    icss = {i.code: i.name for i in catalogue.icbs_on(month)}
    table = national.equity_view(frame, month, catalogue.metrics, fw.ics(), icss,
                                 sources.published_views(home))  # fmt: skip
    return table, month, months


def equity_page(home: Home, period: str | None) -> EquityPage:
    from oversight.judge.assessment import framework as fw
    from oversight.judge.assessment.evidence import EQUITY_IN_ACCESS

    catalogue = load_catalogue()
    wanted = fw.ics().settings.evidence_metrics.get(EQUITY_IN_ACCESS, ())
    metrics = tuple(MetricColumn(m, catalogue.metrics[m].title, catalogue.metrics[m].unit,
                                 catalogue.metrics[m].improvement) for m in wanted)  # fmt: skip
    try:
        table, month, months = equity_table(home, period)
    except FileNotFoundError as error:
        if period is not None:
            raise LookupError(str(error)) from None
        return EquityPage(None, (), metrics, None, (), problem=str(error).split(":")[0])
    rows = rows_of(table, metrics)
    england = next((r for r in rows if r.code == "ENG"), None)
    icss = sorted((r for r in rows if r.code != "ENG"), key=lambda r: r.name)
    return EquityPage(month, tuple(months), metrics, england, tuple(icss))


async def page(request: Request, period: str | None = None) -> HTMLResponse:
    """Equity in access, every ICS side by side (?period=YYYY-MM, default the latest)."""
    home = request.app.state.home
    try:
        return await render(request, "equity.html", lambda: equity_page(home, period))
    except LookupError as error:
        raise HTTPException(404, str(error)) from None
    except ValueError as error:
        raise HTTPException(400, str(error)) from None


async def csv(request: Request, period: str | None = None) -> Response:
    """The same table as CSV (national.equity_view's columns), for a report."""
    home = request.app.state.home
    try:
        table, month, _ = equity_table(home, period)
    except (FileNotFoundError, LookupError) as error:
        raise HTTPException(404, str(error)) from None
    except ValueError as error:
        raise HTTPException(400, str(error)) from None
    name = f"equity-in-access-{month:%Y-%m}.csv"
    return Response(table.to_csv(index=False), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


ROUTES: list[tuple[str, str, Any, str]] = [
    ("GET", "/equity", page, "equity"),
    ("GET", "/equity.csv", csv, "equity_csv"),
]
