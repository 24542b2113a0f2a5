"""Typed, immutable catalogue models."""

from oversight.catalogue.models.collections import Collection
from oversight.catalogue.models.cqc import (
    CQCTheme,
    EvidenceCategory,
    LimiterRule,
    QualityStatement,
    ScoreBand,
)
from oversight.catalogue.models.datasets import Column, Dataset
from oversight.catalogue.models.measures import Condition, DataItem, Metric
from oversight.catalogue.models.organisations import ICB, Membership, Provider, Region
from oversight.catalogue.models.targets import Target, TrajectoryPoint

__all__ = [
    "ICB",
    "CQCTheme",
    "Collection",
    "Column",
    "Condition",
    "DataItem",
    "Dataset",
    "EvidenceCategory",
    "LimiterRule",
    "Membership",
    "Metric",
    "Provider",
    "QualityStatement",
    "Region",
    "ScoreBand",
    "Target",
    "TrajectoryPoint",
]
