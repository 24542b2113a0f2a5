"""Test fixtures for ingest: a small cast-and-check validator and data makers.

The validator here checks only what the revision tests need (types, nulls, allowed values),
so these tests do not move when collect.validation gains rules; test_ingest_validation.py
runs ingest with the real validator.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from oversight.catalogue import Catalogue
from oversight.collect.ingest import ARROW_TYPES


@dataclass
class Report:
    file: str
    rows: int = 0
    issues: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [i for i in self.issues if i["severity"] == "error"]

    @property
    def warnings(self) -> list[dict[str, Any]]:
        return [i for i in self.issues if i["severity"] == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "rows": self.rows, "ok": self.ok, "issues": self.issues}


class SchemaValidator:
    """Casts to the dataset's types; a value that does not cast, a null in a required column
    or a value outside allowed_values is an error; a negative `appointments` a warning."""

    def __init__(
        self, catalogue: Catalogue, collection: str, org: str, period: str, *, file_name: str
    ) -> None:
        dataset = catalogue.collections[collection].dataset
        assert dataset is not None, f"collection {collection} names no dataset"
        self.dataset = catalogue.datasets[dataset]
        self.report = Report(file_name)

    def _issue(self, row: int | None, column: str, rule: str, value: Any, sev: str) -> None:
        self.report.issues.append(
            {
                "file": self.report.file,
                "row": row,
                "column": column,
                "rule": rule,
                "value": None if value is None else str(value),
                "message": rule,
                "severity": sev,
            }
        )

    def check_batch(self, batch: pa.RecordBatch, row_offset: int) -> pa.RecordBatch:
        self.report.rows += batch.num_rows
        arrays, names = [], []
        for column in self.dataset.columns:
            if column.set_by_platform or column.name not in batch.schema.names:
                continue
            values = batch.column(batch.schema.names.index(column.name))
            target = ARROW_TYPES[column.type]
            try:
                cast = pc.cast(values, target)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                cast = pa.array([_try(v, target) for v in values.to_pylist()], target)
                for i in pc.indices_nonzero(
                    pc.and_(pc.is_null(cast), pc.is_valid(values))
                ).to_pylist():
                    self._issue(row_offset + i + 1, column.name, "type", values[i].as_py(), "error")
            if not column.nullable:
                for i in pc.indices_nonzero(pc.is_null(values)).to_pylist():
                    self._issue(row_offset + i + 1, column.name, "required", None, "error")
            if column.allowed_values:
                bad = pc.invert(pc.is_in(cast, pa.array(column.allowed_values)))
                for i in pc.indices_nonzero(pc.fill_null(bad, False)).to_pylist():
                    self._issue(
                        row_offset + i + 1, column.name, "allowed_values", cast[i].as_py(), "error"
                    )
            if column.name == "appointments":
                for i in pc.indices_nonzero(pc.fill_null(pc.less(cast, 0), False)).to_pylist():
                    self._issue(
                        row_offset + i + 1, column.name, "outlier", cast[i].as_py(), "warning"
                    )
            arrays.append(cast)
            names.append(column.name)
        return pa.RecordBatch.from_arrays(arrays, names=names)

    def finish(self) -> Report:
        return self.report


def _try(value: Any, target: pa.DataType) -> Any:
    try:
        return pc.cast(pa.array([value]), target)[0].as_py()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def gp_rows(
    org: str = "QMJ", period: str = "2024-06", appointments: object = 1000, within: object = 800
) -> pa.Table:
    """One gp_appointments row (an icb_month return), every cell text as a CSV gives it."""
    first = dt.date(int(period[:4]), int(period[5:]), 1)
    return pa.table(
        {
            "icb_code": [org],
            "period": [first.isoformat()],
            "appointments": [str(appointments)],
            "appointments_within_2_weeks": [str(within)],
        }
    )


def write_csv(table: pa.Table, path: Path) -> Path:
    pacsv.write_csv(table, path)
    return path


def ae_rows(org: str, period: str, n: int, seed: int) -> pa.Table:
    """`n` A&E attendance records for one ICB and month, as CSV text cells."""
    import numpy as np

    rng = np.random.default_rng(seed)
    first = np.datetime64(f"{period}-01T00:00")
    arrival = first + rng.integers(0, 27 * 24 * 60, n).astype("timedelta64[m]")
    wait = rng.integers(5, 900, n)
    departure = arrival + wait.astype("timedelta64[m]")

    def pick(values: list[str]) -> list[str]:
        return [values[i] for i in rng.integers(0, len(values), n)]

    return pa.table(
        {
            "icb_code": [org] * n,
            "period": [f"{period}-01"] * n,
            "record_id": [str(seed * 10_000_000 + i) for i in range(n)],
            "provider_code": pick(["RAL", "RAP", "RKE"]),
            "age_band": pick(["0-17", "18-39", "40-64", "65-79", "80+"]),
            "sex": pick(["female", "male"]),
            "ethnicity_group": pick(["Asian", "Black", "Mixed", "White", "Other", "Not known"]),
            "imd_decile": [str(v) for v in rng.integers(1, 11, n)],
            "arrival_time": np.datetime_as_string(arrival, unit="s").tolist(),
            "departure_time": np.datetime_as_string(departure, unit="s").tolist(),
            "wait_minutes": [str(v) for v in wait],
            "department_type": pick(["type_1", "type_2", "other"]),
            "admitted": pick(["true", "false"]),
        }
    )
