"""Segmentation: NHS Oversight Framework rule sets applied to one quarter, with reasons.

Pure functions only: metric values per organisation, the catalogue's rule set and metrics, and
recorded judgements (capability reviews, segment decisions, financial status) in; one
`OrgSegment` per organisation out, with why it is in its segment and what would move it.
Method: docs/methodology.md#segmentation.
"""

from oversight.judge.segmentation.engine import segment
from oversight.judge.segmentation.inputs import (
    CapabilityReview,
    FinancialStatus,
    Inputs,
    SegmentDecision,
)
from oversight.judge.segmentation.result import OrgSegment

__all__ = [
    "CapabilityReview",
    "FinancialStatus",
    "Inputs",
    "OrgSegment",
    "SegmentDecision",
    "segment",
]
