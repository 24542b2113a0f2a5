"""The burden report on a crafted catalogue with known overlaps, and on the shipped catalogue."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

import pytest

from oversight.catalogue import ICB, Catalogue, Collection, DataItem, Provider, load
from oversight.catalogue.models.collections import Submitter
from oversight.catalogue.models.datasets import Grain
from oversight.collect.burden import (
    ReceivedReturn,
    bank_holidays,
    burden,
    due_date,
)

MAY = dt.date(2024, 5, 1)  # ends Friday 31 May 2024
BST = dt.timezone(dt.timedelta(hours=1))


def _icb(code: str) -> ICB:
    return ICB(
        code=code, name=code, region_code="Y56", population=1, valid_from=dt.date(2022, 7, 1)
    )


def _item(id: str, grain: str, dataset: str, **kw: object) -> DataItem:
    fields = {"id": id, "description": id, "unit": "count", "grain": grain, "dataset": dataset}
    return DataItem.model_validate(fields | kw)


def _collection(
    id: str,
    grain: Grain,
    submitter: Submitter,
    items: list[str],
    deadline: int,
    dataset: str | None = None,
) -> Collection:
    return Collection(
        id=id,
        title=id,
        description=id,
        grain=grain,
        dataset=dataset,
        data_items=tuple(items),
        submitter=submitter,
        requested_by=("NHS England",),
        deadline=deadline,
    )


def crafted() -> Catalogue:
    """QAA has an acute provider; QBB has none. Overlaps are deliberate and counted below."""
    items = [
        _item("rec_total", "record", "rec", aggregation="count"),
        _item(
            "rec_over",
            "record",
            "rec",
            aggregation="count",
            filter=({"column": "wait", "op": ">", "value": 240},),
        ),
        _item("agg_x", "icb_month", "agg", aggregation="sum", column="x"),
        _item("agg_x_again", "icb_month", "agg", aggregation="sum", column="x"),  # same semantics
        _item("agg_y", "icb_month", "agg", aggregation="sum", column="y"),
    ]
    collections = [
        _collection("feed", "record", "provider", ["rec_total", "rec_over"], 5, dataset="rec"),
        _collection("sitrep", "icb_month", "icb", ["rec_total", "rec_over", "agg_x"], 5),
        _collection("extra", "icb_month", "icb", ["agg_x_again", "agg_y"], 3, dataset="agg"),
        _collection("national", "icb_month", "nhse", ["agg_y"], 1, dataset="agg"),
    ]
    provider = Provider(
        code="QAA-A1", name="acute", icb_code="QAA", kind="acute", valid_from=dt.date(2022, 7, 1)
    )
    # Start from the shipped catalogue so fields this report does not read keep valid values.
    return replace(
        load(),
        icbs={"QAA": _icb("QAA"), "QBB": _icb("QBB")},
        merged_icbs={},
        providers={"QAA-A1": provider},
        data_items={i.id: i for i in items},
        metrics={},
        collections={c.id: c for c in collections},
        targets={},
    )


def row(report, icb: str):
    (only,) = [r for r in report.rows if r.icb_code == icb]
    return only


def test_duplication_and_derivability_on_crafted_catalogue() -> None:
    report = burden(crafted(), [], periods=[MAY])
    qaa, qbb = row(report, "QAA"), row(report, "QBB")
    assert qaa.collections == ("feed", "sitrep", "extra")  # nhse return is no ICB burden
    assert qaa.items_requested == 5 and qaa.item_requests == 7
    # rec_* asked by feed and sitrep; agg_x and agg_x_again measure the same thing.
    assert qaa.duplicated_items == ("agg_x", "agg_x_again", "rec_over", "rec_total")
    # the sitrep's record-level items could come from the feed already held.
    assert qaa.derivable_items == ("rec_over", "rec_total")
    assert qbb.collections == ("sitrep", "extra")  # no provider submits the feed for QBB
    assert qbb.duplicated_items == ("agg_x", "agg_x_again")
    assert qbb.derivable_items == ("rec_over", "rec_total")
    assert (qaa.expected_returns, qbb.expected_returns) == (3, 2)


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    assert due_date(MAY, 5) == dt.date(2024, 6, 7)  # Mon 3 … Fri 7 June
    assert due_date(dt.date(2024, 8, 1), 1) == dt.date(2024, 9, 2)  # 31 Aug is a Saturday
    assert due_date(dt.date(2024, 12, 1), 1) == dt.date(2025, 1, 2)  # New Year's Day
    assert due_date(dt.date(2024, 2, 1), 21) == dt.date(2024, 4, 2)  # Good Friday, Easter Monday
    assert due_date(MAY, 0) == dt.date(2024, 5, 31)
    assert dt.date(2022, 9, 19) in bank_holidays(2022)  # the Queen's funeral
    assert {dt.date(2021, 12, 27), dt.date(2021, 12, 28)} <= bank_holidays(2021)  # substitutes
    assert len(bank_holidays(2025)) == 8


def test_friday_deadline_received_monday_is_late_and_london_time_decides() -> None:
    cat = crafted()
    friday_night = dt.datetime(2024, 6, 7, 23, 30, tzinfo=BST)
    saturday_early = dt.datetime(2024, 6, 8, 0, 30, tzinfo=BST)  # still 7 June in UTC
    monday = dt.datetime(2024, 6, 10, 9, 0, tzinfo=BST)
    returns = [
        ReceivedReturn("sitrep", "QAA", MAY, friday_night),
        ReceivedReturn("sitrep", "QBB", MAY, monday),
        ReceivedReturn("feed", "QAA-A1", MAY, saturday_early),
    ]
    report = burden(cat, returns, periods=[MAY])
    status = {(s.collection, s.org): s.status for s in report.returns}
    assert status[("sitrep", "QAA")] == "on_time"
    assert status[("sitrep", "QBB")] == "late"
    assert status[("feed", "QAA-A1")] == "late"
    assert status[("extra", "QAA")] == "missing"
    assert (row(report, "QBB").late, row(report, "QBB").missing) == (1, 1)


def test_first_receipt_counts_for_timeliness() -> None:
    early = dt.datetime(2024, 6, 3, 12, tzinfo=BST)
    resubmitted = dt.datetime(2024, 6, 20, 12, tzinfo=BST)
    returns = [
        ReceivedReturn("sitrep", "QBB", MAY, resubmitted),
        ReceivedReturn("sitrep", "QBB", MAY, early),
    ]
    report = burden(crafted(), returns, periods=[MAY], org="QBB")
    (sitrep,) = [s for s in report.returns if s.collection == "sitrep"]
    assert (sitrep.status, sitrep.received_on) == ("on_time", dt.date(2024, 6, 3))


def test_completeness_with_missing_returns_and_partial_items() -> None:
    on_time = dt.datetime(2024, 6, 3, 12, tzinfo=BST)
    returns = [
        ReceivedReturn("sitrep", "QAA", MAY, on_time, items=frozenset({"rec_total", "agg_x"})),
        ReceivedReturn("feed", "QAA-A1", MAY, on_time),
    ]
    qaa = row(burden(crafted(), returns, periods=[MAY]), "QAA")
    assert (qaa.on_time, qaa.missing) == (2, 1)
    assert qaa.returns_completeness == pytest.approx(2 / 3)
    assert qaa.items_completeness == pytest.approx((2 + 2) / (3 + 2))
    qbb = row(burden(crafted(), returns, periods=[MAY]), "QBB")
    assert qbb.returns_completeness == 0 and qbb.items_completeness is None


def test_not_yet_due_is_pending_not_missing() -> None:
    report = burden(crafted(), [], periods=[MAY], as_of=dt.date(2024, 6, 6))
    status = {(s.collection, s.org): s.status for s in report.returns}
    assert status[("sitrep", "QAA")] == "pending"  # due 7 June
    assert status[("extra", "QAA")] == "missing"  # 3 working days: due 5 June
    qaa = row(report, "QAA")
    assert qaa.pending + qaa.missing == qaa.expected_returns


def test_periods_default_to_the_months_of_the_returns_and_org_filters() -> None:
    returns = [
        ReceivedReturn("sitrep", "QAA", dt.date(2024, 3, 1), dt.datetime(2024, 4, 2, tzinfo=BST)),
        ReceivedReturn("sitrep", "QAA", dt.date(2024, 5, 1), dt.datetime(2024, 6, 2, tzinfo=BST)),
    ]
    report = burden(crafted(), returns, org="QAA")
    assert [(r.icb_code, r.period.month) for r in report.rows] == [
        ("QAA", 3),
        ("QAA", 4),
        ("QAA", 5),
    ]


def test_json_form_is_plain_and_versioned() -> None:
    doc = burden(crafted(), [], periods=[MAY]).to_json()
    assert doc["schema"] == "oversight.burden/1"
    first = doc["rows"][0]
    assert first["period"] == "2024-05-01" and isinstance(first["duplicated_items"], list)
    assert doc["returns"][0]["due"] == "2024-06-07"


def test_shipped_catalogue_overlaps_are_counted() -> None:
    cat = load()
    icb = next(iter(cat.icbs))
    report = burden(cat, [], periods=[MAY], org=icb)
    (r,) = report.rows
    asked = [c for c in cat.collections.values() if c.id in r.collections]
    assert all(c.submitter != "nhse" for c in asked)
    counts = Counter(i for c in asked for i in c.data_items)
    assert r.items_requested == len(counts)
    assert r.item_requests == sum(counts.values())
    assert {i for i, n in counts.items() if n > 1} <= set(r.duplicated_items)
    assert len(r.duplicated_items) > 0
    # The A&E sitrep repeats ECDS counts: every item it asks for is derivable and duplicated.
    for item in cat.collections["ae_sitrep"].data_items:
        assert item in r.derivable_items and item in r.duplicated_items
    # An aggregate-only item asked twice is duplicated but cannot be derived from records.
    agg_dups = [i for i in r.duplicated_items if cat.data_items[i].grain == "icb_month"]
    assert agg_dups and not set(agg_dups) & set(r.derivable_items)
    assert r.missing == r.expected_returns > 0


RELAXABLE = ("ae_sitrep", "rtt_monthly", "regional_assurance_pack")


def test_the_shipped_catalogue_marks_the_repeating_returns_relaxable() -> None:
    assert tuple(c.id for c in load().collections.values() if c.relaxable) == RELAXABLE


@pytest.mark.parametrize("month", [4, 5, 7, 8, 10, 11, 1, 2])
def test_earned_autonomy_spares_relaxable_returns_outside_quarter_ends(month: int) -> None:
    catalogue = load()
    period = dt.date(2025 if month >= 4 else 2026, month, 1)
    plain = burden(catalogue, [], org="QMJ", periods=[period]).rows[0]
    light = burden(catalogue, [], org="QMJ", periods=[period], autonomous={"QMJ"}).rows[0]
    assert (plain.earned_autonomy, plain.relaxed) == (False, ())
    assert light.earned_autonomy and light.relaxed == RELAXABLE
    assert set(plain.collections) - set(light.collections) == set(RELAXABLE)
    assert light.expected_returns == plain.expected_returns - 3  # each is one ICB return
    assert light.items_requested <= plain.items_requested
    assert not {"ae_sitrep", "rtt_monthly"} & set(light.derivable_items)


@pytest.mark.parametrize("month", [6, 9, 12, 3])
def test_relaxable_returns_stay_due_for_the_last_month_of_each_quarter(month: int) -> None:
    catalogue = load()
    period = dt.date(2025 if month >= 4 else 2026, month, 1)
    plain = burden(catalogue, [], org="QMJ", periods=[period]).rows[0]
    light = burden(catalogue, [], org="QMJ", periods=[period], autonomous={"QMJ"}).rows[0]
    assert light.earned_autonomy and light.relaxed == ()
    assert light.collections == plain.collections
    assert light.expected_returns == plain.expected_returns


def test_earned_autonomy_is_per_icb() -> None:
    report = burden(load(), [], periods=[MAY], autonomous={"QMJ"})
    by_icb = {r.icb_code: r for r in report.rows}
    assert by_icb["QMJ"].relaxed == RELAXABLE
    assert all(r.relaxed == () and not r.earned_autonomy for c, r in by_icb.items() if c != "QMJ")
    statuses = {(s.collection, s.org) for s in report.returns}
    assert ("ae_sitrep", "QMJ") not in statuses and ("ae_sitrep", "QOP") in statuses
