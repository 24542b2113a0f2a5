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
from oversight.catalogue.models.escalation import EscalationPolicy
from oversight.catalogue.models.measures import Condition, DataItem, Metric
from oversight.catalogue.models.organisations import ICB, Membership, Provider, Region
from oversight.catalogue.models.rule_sets import (
    Bracket,
    Cut,
    FlagCondition,
    Number,
    Proposal,
    ProposalStep,
    RuleSet,
    ScoredMetric,
    SegmentDescriptor,
    Theme,
)
from oversight.catalogue.models.targets import Target, TrajectoryPoint

__all__ = [
    "ICB",
    "Bracket",
    "CQCTheme",
    "Collection",
    "Column",
    "Condition",
    "Cut",
    "DataItem",
    "Dataset",
    "EscalationPolicy",
    "EvidenceCategory",
    "FlagCondition",
    "LimiterRule",
    "Membership",
    "Metric",
    "Number",
    "Proposal",
    "ProposalStep",
    "Provider",
    "QualityStatement",
    "Region",
    "RuleSet",
    "ScoreBand",
    "ScoredMetric",
    "SegmentDescriptor",
    "Target",
    "Theme",
    "TrajectoryPoint",
]
