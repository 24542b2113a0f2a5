"""A small catalogue for validation tests: the packaged datasets (the real column contract),
three ICBs, two providers, a few data items, a ratio metric and four collections."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from pathlib import Path
from typing import Any

from oversight.catalogue import Catalogue
from oversight.catalogue.files import DEFAULT_DIR, FILES, read_entries
from oversight.catalogue.models import (
    ICB,
    Collection,
    Condition,
    DataItem,
    Dataset,
    Metric,
    Provider,
    Region,
)
from oversight.catalogue.models.collections import Submitter
from oversight.catalogue.models.datasets import Grain
from oversight.catalogue.models.measures import Aggregation

PERIOD = "2024-06"


def _datasets() -> dict[str, Dataset]:
    spec = next(f for f in FILES if f.name == "datasets.yaml")
    entries, problems = read_entries(DEFAULT_DIR, spec)
    assert not problems, problems
    return {e.entry_id: Dataset.model_validate(e.data) for e in entries}


def _icb(code: str, ons: str, region: str, valid_to: dt.date | None = None) -> ICB:
    return ICB(
        code=code,
        ons_code=ons,
        name=f"ICB {code}",
        region_code=region,
        population=1,
        valid_from=dt.date(2022, 7, 1),
        valid_to=valid_to,
    )


def _collection(
    cid: str, dataset: str, grain: Grain, items: tuple[str, ...], submitter: Submitter = "icb"
) -> Collection:
    return Collection(
        id=cid,
        title=cid,
        description=cid,
        grain=grain,
        dataset=dataset,
        data_items=items,
        submitter=submitter,
        requested_by=("nhse",),
        deadline=15,
    )


def _item(
    iid: str,
    dataset: str,
    grain: Grain,
    agg: Aggregation,
    column: str | None = None,
    filter: tuple[dict[str, Any], ...] = (),
) -> DataItem:
    return DataItem(
        id=iid,
        description=iid,
        unit="count",
        grain=grain,
        dataset=dataset,
        aggregation=agg,
        column=column,
        filter=tuple(Condition(**c) for c in filter),
    )


@functools.cache
def make_catalogue() -> Catalogue:
    regions = {
        "Y56": Region(code="Y56", ons_code="E40000003", name="London"),
        "Y63": Region(code="Y63", ons_code="E40000012", name="North East and Yorkshire"),
    }
    icbs = {
        "QMJ": _icb("QMJ", "E54000027", "Y56"),
        "QWE": _icb("QWE", "E54000030", "Y56"),
        "QOQ": _icb("QOQ", "E54000051", "Y63", valid_to=dt.date(2024, 3, 31)),
    }
    providers = {
        "QMJ-A1": Provider(
            code="QMJ-A1",
            name="Acute A1",
            icb_code="QMJ",
            kind="acute",
            valid_from=dt.date(2022, 7, 1),
        ),
        "QWE-A1": Provider(
            code="QWE-A1",
            name="Acute W1",
            icb_code="QWE",
            kind="acute",
            valid_from=dt.date(2022, 7, 1),
        ),
        "QMJ-B2": Provider(
            code="QMJ-B2",
            name="New acute",
            icb_code="QMJ",
            kind="acute",
            valid_from=dt.date(2025, 1, 1),
        ),
        "QOQ-A1": Provider(
            code="QOQ-A1",
            name="Acute O1",
            icb_code="QOQ",
            kind="acute",
            valid_from=dt.date(2022, 7, 1),
            valid_to=dt.date(2024, 3, 31),
        ),
    }
    items = {
        i.id: i
        for i in (
            _item("ae_attendances", "ae_attendances", "record", "count"),
            _item(
                "ae_admitted",
                "ae_attendances",
                "record",
                "count",
                filter=({"column": "admitted", "op": "==", "value": True},),
            ),
            _item("gp_appointments", "gp_appointments", "icb_month", "sum", "appointments"),
            _item(
                "gp_within_2_weeks",
                "gp_appointments",
                "icb_month",
                "sum",
                "appointments_within_2_weeks",
            ),
            _item("ga_beds_available", "beds", "icb_month", "sum", "ga_beds_available"),
            _item("ga_beds_occupied", "beds", "icb_month", "sum", "ga_beds_occupied"),
            _item("rtt_pathways", "rtt_pathways", "record", "count"),
        )
    }
    metrics = {
        "bed_occupancy": Metric(
            id="bed_occupancy",
            title="Bed occupancy",
            description="d",
            kind="ratio",
            numerator="ga_beds_occupied",
            denominator="ga_beds_available",
            multiplier=100,
            unit="percent",
            improvement="decrease",
            statistic="proportion",
            source="s",
            method_notes="m",
        ),
    }
    collections = {
        c.id: c
        for c in (
            _collection(
                "ae_attendances", "ae_attendances", "record", ("ae_attendances", "ae_admitted")
            ),
            _collection(
                "gp_appointments",
                "gp_appointments",
                "icb_month",
                ("gp_appointments", "gp_within_2_weeks"),
            ),
            _collection("beds", "beds", "icb_month", ("ga_beds_available", "ga_beds_occupied")),
            _collection("rtt", "rtt_pathways", "record", ("rtt_pathways",), submitter="provider"),
        )
    }
    return Catalogue(
        regions=regions,
        icbs=icbs,
        merged_icbs={},
        providers=providers,
        datasets=_datasets(),
        data_items=items,
        metrics=metrics,
        collections=collections,
        targets={},
        cqc_themes={},
        cqc_quality_statements={},
        cqc_evidence_categories={},
        cqc_score_bands={},
        cqc_limiter_rules={},
    )


AE_HEADER = (
    "icb_code,period,record_id,provider_code,age_band,sex,ethnicity_group,imd_decile,"
    "arrival_time,departure_time,wait_minutes,department_type,admitted"
)


def ae_row(n: int, **over: str) -> dict[str, str]:
    """A clean A&E attendance in June 2024 for QMJ; keyword arguments replace cells."""
    row = {
        "icb_code": "QMJ",
        "period": "2024-06-01",
        "record_id": str(n),
        "provider_code": "QMJ-A1",
        "age_band": "40-64",
        "sex": "female",
        "ethnicity_group": "White",
        "imd_decile": "3",
        "arrival_time": "2024-06-03 10:00:00",
        "departure_time": "2024-06-03 13:30:00",
        "wait_minutes": "210",
        "department_type": "type_1",
        "admitted": "false",
    }
    row.update(over)
    return row


def write_rows(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def validate(
    path: Path,
    collection: str = "ae_attendances",
    org: str = "QMJ",
    *,
    period: str = PERIOD,
    batch_rows: int = 262_144,
    catalogue: Any = None,
    **kw: Any,
) -> tuple[Any, Any]:
    """(report, typed table) the way ingest runs it: read_batches → check_batch → finish."""
    import pyarrow as pa

    from oversight.collect.formats import read_batches
    from oversight.collect.validation import Validator

    v = Validator(catalogue or make_catalogue(), collection, org, period, file_name=path.name, **kw)
    offset, typed = 0, []
    for batch in read_batches(path, batch_rows=batch_rows):
        typed.append(v.check_batch(batch, offset))
        offset += batch.num_rows
    return v.finish(), pa.Table.from_batches(typed, schema=v.schema)


def found(report: Any, rule: str) -> list[tuple[int | None, str | None, str | None]]:
    """(row, column, value) of every issue with `rule`, in row order."""
    return [(i.row, i.column, i.value) for i in report.issues if i.rule == rule]
