"""Collections: declared data returns (who submits which items, by when, for whom)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from oversight.catalogue.models.base import Entry, SnakeId
from oversight.catalogue.models.datasets import Grain

Submitter = Literal["icb", "provider", "nhse"]


class UploadLimits(Entry):
    """What one submission of a collection may hold; the service refuses more (HTTP 413, CLI
    exit 2) while reading, before memory grows. Sizes in MB of 1,048,576 bytes."""

    max_upload_mb: int = Field(256, ge=1, description="the file (or JSON body) as sent")
    max_rows: int = Field(50_000_000, ge=1, description="data rows in one submission")
    max_uncompressed_mb: int = Field(
        1024, ge=1, description="an XLSX workbook or a Parquet file's data once unpacked"
    )
    max_compression_ratio: int = Field(
        100, ge=2, description="unpacked : packed size of any compressed part over 1 MB"
    )
    max_json_document_mb: int = Field(
        32, ge=1, description="a JSON body or array, parsed whole (JSON Lines stream instead)"
    )


class Release(Entry):
    """When a month's figures from a collection become public (the embargo ends): at `time`,
    UK time, `days_after_period_end` days after the month ends. Before then only the ICB the
    figures belong to, NHS England and DHSC see them (oversight.publish.access)."""

    days_after_period_end: int = Field(ge=0, le=366)
    time: dt.time = Field(dt.time(9, 30), description="UK local time of day, e.g. 09:30")


class Collection(Entry):
    """A data return; `dataset` is None for a return stored nowhere in the lake (pure burden)."""

    id: SnakeId
    title: str
    description: str
    grain: Grain
    dataset: SnakeId | None = None
    data_items: tuple[SnakeId, ...] = Field(min_length=1)
    submitter: Submitter
    requested_by: tuple[str, ...] = Field(min_length=1)
    deadline: int = Field(ge=0, le=60, description="working days after month end")
    frequency: Literal["monthly"] = "monthly"
    relaxable: bool = Field(
        False,
        description="due quarterly instead of monthly from an ICB with earned autonomy (segment 1)",
    )
    metrics: tuple[SnakeId, ...] = ()
    limits: UploadLimits = UploadLimits()
    release: Release | None = Field(
        None, description="when its figures become public; none = as soon as validated"
    )
