"""Building a validation spec: which ratio metrics become numerator <= denominator checks, and
organisations valid on the month's first or last day."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from tests.collect.validation_catalogue import make_catalogue

from oversight.collect.organisations import overlaps
from oversight.collect.validation.spec import RatioPair, build_spec


def _item(iid: str, column: str | None, dataset: str = "beds", **kw: Any) -> SimpleNamespace:
    return SimpleNamespace(
        id=iid, column=column, dataset=dataset, aggregation=kw.get("agg", "sum"),
        filter=kw.get("filter", ()),
    )  # fmt: skip


def _metric(mid: str, num: str, den: str, kind: str = "ratio", stat: str = "proportion") -> Any:
    return SimpleNamespace(id=mid, kind=kind, statistic=stat, numerator=num, denominator=den)


def _catalogue(metrics: list[Any], items: list[Any], collected: tuple[str, ...]) -> Any:
    base = make_catalogue()
    beds = base.collections["beds"].model_copy(update={"data_items": collected})
    return SimpleNamespace(
        **{
            k: v for k, v in vars(base).items() if k not in ("metrics", "data_items", "collections")
        },
        collections={"beds": beds},
        metrics={m.id: m for m in metrics},
        data_items={i.id: i for i in items},
    )


def test_only_proportion_ratios_of_two_summed_columns_of_this_return_are_checked() -> None:
    items = [
        _item("occ", "ga_beds_occupied"),
        _item("avail", "ga_beds_available"),
        _item("other", "ga_beds_available", dataset="gp_appointments"),
        _item("filtered", "ga_beds_occupied", filter=({"column": "x"},)),
        _item("counted", None, agg="count"),
        _item("not_collected", "ga_beds_occupied"),
    ]
    metrics = [
        _metric("good", "occ", "avail"),
        _metric("good_again", "occ", "avail"),  # the same pair once
        _metric("a_rate", "occ", "avail", stat="rate"),
        _metric("not_ratio", "occ", "avail", kind="count"),
        _metric("unknown_item", "occ", "missing"),
        _metric("unknown_numerator", "missing", "avail"),
        _metric("other_dataset", "other", "avail"),
        _metric("other_dataset_den", "occ", "other"),
        _metric("filtered", "filtered", "avail"),
        _metric("filtered_den", "occ", "filtered"),
        _metric("counted", "counted", "avail"),
        _metric("same_column", "occ", "occ"),
        _metric("not_collected", "not_collected", "avail"),
    ]
    collected = ("occ", "avail", "other", "filtered", "counted")
    spec = build_spec(_catalogue(metrics, items, collected), "beds", "2024-06")
    assert spec.ratio_pairs == (
        RatioPair("ga_beds_occupied", "ga_beds_available", "good"),
        RatioPair("ga_beds_occupied", "ga_beds_available", "good_again"),
    )
    assert [i.id for i in spec.data_items] == ["occ", "avail", "other", "filtered", "counted"]


def test_a_collection_without_a_known_dataset_is_refused() -> None:
    base = make_catalogue()
    for dataset in (None, "no_such_dataset"):
        broken = base.collections["beds"].model_copy(update={"dataset": dataset})
        catalogue = SimpleNamespace(**{**vars(base), "collections": {"beds": broken}})
        with pytest.raises(ValueError, match="stores no dataset"):
            build_spec(catalogue, "beds", "2024-06")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "exists"),
    [
        (dt.date(2024, 6, 30), None, True),  # starts on the month's last day
        (dt.date(2024, 7, 1), None, False),
        (None, dt.date(2024, 6, 1), True),  # ends on the month's first day
        (None, dt.date(2024, 5, 31), False),
        (None, None, True),
    ],
)
def test_an_organisation_exists_in_a_month_if_it_exists_on_any_day_of_it(
    valid_from: dt.date | None, valid_to: dt.date | None, exists: bool
) -> None:
    entry = SimpleNamespace(valid_from=valid_from, valid_to=valid_to)
    assert overlaps(entry, dt.date(2024, 6, 1), dt.date(2024, 6, 30)) is exists


def test_a_spec_cannot_be_changed_once_built() -> None:
    spec = build_spec(make_catalogue(), "beds", "2024-06")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.period_column = "month"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        RatioPair("a", "b", "m").metric = "n"  # type: ignore[misc]
