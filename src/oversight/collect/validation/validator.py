"""The Validator: runs every rule over a submission batch by batch, then the whole-file rules.

Usage (what ingest does):

    v = Validator(cat, "ae_attendances", "QMJ", "2024-06", file_name="ae.csv")
    offset = 0
    for batch in read_batches(path):
        typed = v.check_batch(batch, offset)   # cast to the dataset's Arrow schema
        offset += batch.num_rows
    report = v.finish()                         # report.ok → store the typed batches
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pyarrow as pa

from oversight.collect.validation.codes import build_code_sets, check_codes
from oversight.collect.validation.cross_item import check_cross, covered_pairs
from oversight.collect.validation.duplicates import GrainKeys
from oversight.collect.validation.injection import check_header, check_injection
from oversight.collect.validation.outliers import ItemTotals, check_outliers, normalise_history
from oversight.collect.validation.ranges import check_ranges
from oversight.collect.validation.report import ValidationReport
from oversight.collect.validation.schema import check_cells, check_columns
from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import RatioPair, Spec, build_spec

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue
    from oversight.collect.validation.outliers import HistoryInput


class Validator:
    """Validates one submission file for (collection, organisation, period).

    `history` is the submitter's previous monthly values per data item (see outliers.py);
    `as_of` is the submission time (dates after it are errors); both optional.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        collection_id: str,
        org_code: str,
        period: str | dt.date,
        *,
        file_name: str,
        history: HistoryInput = None,
        as_of: dt.datetime | None = None,
    ) -> None:
        self.spec: Spec = build_spec(catalogue, collection_id, period)
        covered = covered_pairs(self.spec)
        pairs = tuple(
            p for p in self.spec.ratio_pairs if (p.numerator, p.denominator) not in covered
        )
        self.spec = _replace_pairs(self.spec, pairs)
        self.org_code = org_code
        self.as_of = as_of
        self.sink = IssueSink(file_name)
        self.codes = build_code_sets(self.sink, catalogue, self.spec, org_code)
        self.history = normalise_history(history)
        self.keys = GrainKeys(self.spec)
        self.totals = ItemTotals(self.spec)
        self.rows = 0
        self._columns_checked = False

    @property
    def schema(self) -> pa.Schema:
        """The Arrow schema of the batches check_batch returns (platform columns excluded)."""
        return self.spec.schema

    def check_batch(self, batch: pa.RecordBatch, row_offset: int) -> pa.RecordBatch:
        """Check one batch whose first row is data row `row_offset + 1`; return it typed.

        Cells that fail to parse come back null; a file with any error is rejected anyway.
        """
        if not self._columns_checked:
            check_columns(self.sink, self.spec, batch.schema.names)
            check_header(self.sink, batch.schema.names)
            self._columns_checked = True
        check_injection(self.sink, self.spec, batch, row_offset)
        typed = check_cells(self.sink, self.spec, batch, row_offset)
        raw = {n: batch.column(n) for n in batch.schema.names if self.spec.column(n) is not None}
        check_codes(self.sink, self.spec, self.codes, typed, row_offset, self.org_code)
        check_ranges(self.sink, self.spec, typed, raw, row_offset, self.as_of)
        check_cross(self.sink, self.spec, typed, row_offset)
        self.keys.add(typed)
        self.totals.add(typed)
        self.rows += batch.num_rows
        return pa.RecordBatch.from_arrays(
            [typed[f.name] for f in self.spec.schema], schema=self.spec.schema
        )

    def finish(self) -> ValidationReport:
        """Whole-file checks (duplicates, outliers against history), then the report."""
        self.keys.check(self.sink)
        check_outliers(self.sink, self.totals, self.history, 1 if self.rows == 1 else None)
        report = self.sink.report(self.rows)
        report.totals = self.totals.values()
        return report


def _replace_pairs(spec: Spec, pairs: tuple[RatioPair, ...]) -> Spec:
    from dataclasses import replace

    return replace(spec, ratio_pairs=pairs)
