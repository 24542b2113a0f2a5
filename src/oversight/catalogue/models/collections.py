"""Collections: declared data returns (who submits which items, by when, for whom)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from oversight.catalogue.models.base import Entry, SnakeId
from oversight.catalogue.models.datasets import Grain

Submitter = Literal["icb", "provider", "nhse"]


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
    metrics: tuple[SnakeId, ...] = ()
