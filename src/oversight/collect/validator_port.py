"""The seam between ingest and collect.validation: what ingest needs from a validator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import pyarrow as pa

from oversight.collect.outcome import ReportLike

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue
    from oversight.collect.validation.outliers import HistoryInput


class BatchValidator(Protocol):
    def check_batch(self, batch: pa.RecordBatch, row_offset: int) -> pa.RecordBatch: ...

    def finish(self) -> ReportLike: ...


class ValidatorFactory(Protocol):
    def __call__(
        self, catalogue: Catalogue, collection: str, org: str, period: str, *, file_name: str
    ) -> BatchValidator: ...


def default_validator_factory(
    catalogue: Catalogue,
    collection: str,
    org: str,
    period: str,
    *,
    file_name: str,
    history: HistoryInput = None,
) -> BatchValidator:
    """collect.validation's Validator (every rule of the catalogue), with the submitter's
    own monthly history of each data item for the outlier rule."""
    from oversight.collect.validation import Validator

    return Validator(catalogue, collection, org, period, file_name=file_name, history=history)
