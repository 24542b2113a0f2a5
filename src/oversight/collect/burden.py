"""The burden report: what the declared collections ask of each ICB, and how returns arrive.

Per ICB and period (definitions in docs/burden.md):

* requested: distinct data items asked for by the collections the ICB or its providers submit
  (collections submitted by NHS England itself, `submitter: nhse`, put no burden on an ICB);
* duplicated: requested items asked for by more than one of those collections, or defined
  identically (same dataset, aggregation, column, bounds and filter) to another requested item;
* derivable: items asked for in an aggregate (`icb_month`) return whose catalogue definition
  is record-level (`grain: record`) on a dataset a record-level collection already supplies;
* timeliness: each expected return is on time (first received on or before its due date:
  `deadline` working days after the period's month end, weekends and England and Wales bank
  holidays excluded), late, missing, or pending (not received and not yet due at `as_of`);
* completeness: received ÷ expected returns, and items present ÷ items asked for in the
  returns received;
* earned autonomy: from an ICB with earned autonomy (segment 1), a collection marked
  `relaxable` is due quarterly (for the last month of each quarter) instead of monthly; the
  months it is not due list it as `relaxed`.

`burden()` is pure: the catalogue and the received returns in, a `BurdenReport` out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

from oversight.catalogue import Catalogue, Collection, DataItem
from oversight.period import Period

LONDON = ZoneInfo("Europe/London")
Status = Literal["on_time", "late", "missing", "pending"]
SCHEMA = "oversight.burden/1"

# Bank holidays proclaimed outside the usual rules (gov.uk/bank-holidays): moved or one-off.
_MOVED = {dt.date(2020, 5, 4): dt.date(2020, 5, 8), dt.date(2022, 5, 30): dt.date(2022, 6, 2)}
_ONE_OFF = (dt.date(2022, 6, 3), dt.date(2022, 9, 19), dt.date(2023, 5, 8))

# Which kinds of provider submit a record-level collection, by the dataset it writes. The
# catalogue does not say yet; a dataset not listed here is submitted by every provider.
SUBMITTING_KINDS: dict[str, frozenset[str]] = {
    "ae_attendances": frozenset({"acute"}),
    "ambulance_incidents": frozenset({"ambulance"}),
    "rtt_pathways": frozenset({"acute"}),
    "cancer_referrals": frozenset({"acute"}),
    "talking_therapies_referrals": frozenset({"mental_health"}),
}


# --- working days ---------------------------------------------------------------------------


def _easter(year: int) -> dt.date:
    """Easter Sunday (Gregorian; the anonymous Meeus/Jones/Butcher algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _monday(year: int, month: int, last: bool) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1) if last else dt.date(year, month, 1)
    step = -1 if last else 1
    while day.weekday() != 0:
        day += dt.timedelta(days=step)
    return day


@cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays, with substitute days for weekends."""
    easter = _easter(year)
    fixed = [dt.date(year, 1, 1), dt.date(year, 12, 25), dt.date(year, 12, 26)]
    mondays = [_monday(year, 5, last=False), _monday(year, 5, last=True), _monday(year, 8, True)]
    days: set[dt.date] = {easter - dt.timedelta(days=2), easter + dt.timedelta(days=1)}
    days |= {_MOVED.get(d, d) for d in mondays}
    for day in fixed:  # a weekend holiday moves to the next weekday not already a holiday
        while day.weekday() >= 5 or day in days:
            day += dt.timedelta(days=1)
        days.add(day)
    return frozenset(days | {d for d in _ONE_OFF if d.year == year})


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def due_date(period: dt.date, working_days: int) -> dt.date:
    """The `working_days`-th working day after the period's month end (0 = the month end)."""
    day, counted = Period.of(period).end, 0
    while counted < working_days:
        day += dt.timedelta(days=1)
        counted += is_working_day(day)
    return day


# --- inputs and outputs ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedReturn:
    """One accepted return; `items` None means every item of its collection is present."""

    collection: str
    org: str
    period: dt.date
    received_at: dt.datetime
    items: frozenset[str] | None = None


@dataclass(frozen=True)
class ReturnStatus:
    """One expected (collection, organisation, period) return and how it arrived."""

    collection: str
    org: str
    icb_code: str
    period: dt.date
    due: dt.date
    received_on: dt.date | None
    status: Status


@dataclass(frozen=True)
class IcbPeriodBurden:
    icb_code: str
    period: dt.date
    collections: tuple[str, ...]
    items_requested: int
    item_requests: int
    duplicated_items: tuple[str, ...]
    derivable_items: tuple[str, ...]
    expected_returns: int
    on_time: int
    late: int
    missing: int
    pending: int
    returns_completeness: float | None
    items_completeness: float | None
    earned_autonomy: bool = False
    relaxed: tuple[str, ...] = ()


@dataclass(frozen=True)
class BurdenReport:
    rows: tuple[IcbPeriodBurden, ...]
    returns: tuple[ReturnStatus, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The documented JSON form (schema `oversight.burden/1`, docs/burden.md)."""

        def plain(obj: Any) -> dict[str, Any]:
            def value(v: Any) -> Any:
                if isinstance(v, dt.date):
                    return v.isoformat()
                return list(v) if isinstance(v, tuple) else v

            return {k: value(v) for k, v in asdict(obj).items()}

        return {
            "schema": SCHEMA,
            "rows": [plain(r) for r in self.rows],
            "returns": [plain(r) for r in self.returns],
        }


# --- the report -----------------------------------------------------------------------------


def _signature(item: DataItem) -> tuple[Any, ...]:
    """What an item measures, without its id, description or the collections asking for it."""
    conditions = tuple(sorted((c.column, c.op, repr(c.value)) for c in item.filter))
    return (
        item.dataset,
        item.aggregation,
        item.column,
        item.quantile,
        item.start_column,
        item.stop_column,
        item.min_days,
        item.max_days,
        conditions,
    )


def relaxed_this_month(collection: Collection, period: dt.date, autonomous: bool) -> bool:
    """Whether an ICB with earned autonomy is spared `collection` this month: a relaxable
    collection is due only for the last month of each quarter (June, September, December,
    March)."""
    return autonomous and collection.relaxable and Period.of(period).start.month % 3 != 0


def requested_collections(catalogue: Catalogue, icb_code: str, period: dt.date) -> list[Collection]:
    """Collections the ICB submits, and those that some provider of the ICB submits."""
    return [
        c
        for c in catalogue.collections.values()
        if c.submitter == "icb"
        or (c.submitter == "provider" and submitting_providers(catalogue, c, icb_code, period))
    ]


def submitting_providers(
    catalogue: Catalogue, collection: Collection, icb_code: str, period: dt.date
) -> list[str]:
    """Providers of the ICB, open during the period, of a kind that submits the collection."""
    kinds = SUBMITTING_KINDS.get(collection.dataset or "")
    end = Period.of(period).end
    return [
        p.code
        for p in catalogue.providers_of(icb_code)
        if p.valid_from <= end
        and (p.valid_to is None or p.valid_to >= period)
        and (kinds is None or p.kind in kinds)
    ]


def item_burden(
    catalogue: Catalogue, collections: Sequence[Collection]
) -> tuple[set[str], int, set[str], set[str]]:
    """(requested item ids, item requests, duplicated ids, derivable ids) for a set of returns."""
    asks = Counter(i for c in collections for i in c.data_items)
    requested = set(asks)
    by_signature = Counter(_signature(catalogue.data_items[i]) for i in requested)
    duplicated = {
        i for i in requested if asks[i] > 1 or by_signature[_signature(catalogue.data_items[i])] > 1
    }
    held = {c.dataset for c in catalogue.collections.values() if c.grain == "record" and c.dataset}
    in_aggregate = {i for c in collections if c.grain == "icb_month" for i in c.data_items}
    derivable = {
        i
        for i in in_aggregate
        if catalogue.data_items[i].grain == "record" and catalogue.data_items[i].dataset in held
    }
    return requested, sum(asks.values()), duplicated, derivable


def _received_on(moment: dt.datetime) -> dt.date:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=LONDON)
    return aware.astimezone(LONDON).date()


def _status(first: dt.date | None, due: dt.date, as_of: dt.date | None) -> Status:
    if first is None:
        return "pending" if as_of is not None and as_of <= due else "missing"
    return "on_time" if first <= due else "late"


def burden(
    catalogue: Catalogue,
    returns: Iterable[ReceivedReturn],
    *,
    org: str | None = None,
    periods: Sequence[dt.date] | None = None,
    as_of: dt.date | None = None,
    autonomous: Iterable[str] = (),
) -> BurdenReport:
    """The burden of every ICB (or `org` only) in each period (default: months of `returns`);
    `autonomous`: the ICBs with earned autonomy (segment 1), on the lighter schedule."""
    lighter = frozenset(autonomous)
    received = list(returns)
    if periods is None:
        seen = [r.period for r in received]
        periods = [m.start for m in Period.of(min(seen)).through(Period.of(max(seen)))]
    by_key: dict[tuple[str, str, dt.date], list[ReceivedReturn]] = {}
    for r in received:
        by_key.setdefault(
            (r.collection, r.org, Period.of(r.period).start), []
        ).append(r)
    rows: list[IcbPeriodBurden] = []
    details: list[ReturnStatus] = []
    for period in (Period.of(p).start for p in periods):
        icbs = [i.code for i in catalogue.icbs_on(period)]
        if org is not None:
            icbs = [c for c in icbs if c == org]
        for icb in icbs:
            row, statuses = _icb_period(catalogue, icb, period, by_key, as_of, icb in lighter)
            rows.append(row)
            details.extend(statuses)
    return BurdenReport(rows=tuple(rows), returns=tuple(details))


def _icb_period(
    catalogue: Catalogue,
    icb: str,
    period: dt.date,
    by_key: dict[tuple[str, str, dt.date], list[ReceivedReturn]],
    as_of: dt.date | None,
    autonomous: bool = False,
) -> tuple[IcbPeriodBurden, list[ReturnStatus]]:
    every = requested_collections(catalogue, icb, period)
    relaxed = tuple(c.id for c in every if relaxed_this_month(c, period, autonomous))
    collections = [c for c in every if c.id not in relaxed]
    requested, asks, duplicated, derivable = item_burden(catalogue, collections)
    statuses: list[ReturnStatus] = []
    present = asked = 0
    for c in collections:
        due = due_date(period, c.deadline)
        orgs = [icb] if c.submitter == "icb" else submitting_providers(catalogue, c, icb, period)
        for who in orgs:
            got = by_key.get((c.id, who, period), [])
            first = min((_received_on(r.received_at) for r in got), default=None)
            statuses.append(
                ReturnStatus(c.id, who, icb, period, due, first, _status(first, due, as_of))
            )
            if got:
                items = set().union(
                    *(r.items if r.items is not None else c.data_items for r in got)
                )
                present += len(items & set(c.data_items))
                asked += len(c.data_items)
    count = Counter(s.status for s in statuses)
    expected = len(statuses)
    row = IcbPeriodBurden(
        icb_code=icb,
        period=period,
        collections=tuple(c.id for c in collections),
        items_requested=len(requested),
        item_requests=asks,
        duplicated_items=tuple(sorted(duplicated)),
        derivable_items=tuple(sorted(derivable)),
        expected_returns=expected,
        on_time=count["on_time"],
        late=count["late"],
        missing=count["missing"],
        pending=count["pending"],
        returns_completeness=(count["on_time"] + count["late"]) / expected if expected else None,
        items_completeness=present / asked if asked else None,
        earned_autonomy=autonomous,
        relaxed=relaxed,
    )
    return row, statuses
