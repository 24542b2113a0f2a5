"""Builders for segmentation tests: small rule sets and quarters written out in full."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oversight.catalogue import load
from oversight.catalogue.models import Metric, RuleSet
from oversight.judge.segmentation import Inputs
from oversight.period import Period

Q3 = Period.parse_quarter("2025-Q3")
SOURCE = "test"


def metrics() -> dict[str, Metric]:
    return dict(load().metrics)


def number(value: float, unconfirmed: bool = False) -> dict[str, Any]:
    return {"value": value, "source": SOURCE, "unconfirmed": unconfirmed}


def segments() -> list[dict[str, Any]]:
    titles = ["best", "good", "challenged", "poor", "intensive"]
    return [{"segment": i + 1, "title": t, "source": SOURCE} for i, t in enumerate(titles)]


def rule_set(
    scored: list[dict[str, Any]],
    *,
    thresholds: list[float] | None = None,
    unconfirmed_cut: bool = False,
    share: float = 0.5,
    unconfirmed_share: bool = False,
    **extra: Any,
) -> RuleSet:
    """A scored rule set; quartile cut unless `thresholds` are given. Confirmed unless told."""
    cut: dict[str, Any] = {"kind": "quartiles", "source": SOURCE, "unconfirmed": unconfirmed_cut}
    if thresholds is not None:
        cut = {
            "kind": "thresholds",
            "source": SOURCE,
            "unconfirmed": unconfirmed_cut,
            "thresholds": [number(t, unconfirmed_cut) for t in thresholds],
        }
    data: dict[str, Any] = {
        "id": "test-rules",
        "title": "Test rules",
        "version": 1,
        "org_type": "icb",
        "in_force_from": "2025-Q1",
        "source": SOURCE,
        "method": "scored",
        "segments": segments(),
        "metrics": scored,
        "cut": cut,
        "min_scored_share": number(share, unconfirmed_share),
        "financial_override": number(3),
        "intensive_support_from": number(4),
        **extra,
    }
    return RuleSet.model_validate(data)


def quarter(values: Mapping[tuple[str, str], float | None], **kw: Any) -> Inputs:
    orgs = tuple(sorted({o for o, _ in values}))
    return Inputs(period=Q3, orgs=kw.pop("orgs", orgs), values=values, **kw)


def column(
    metric: str, by_org: Mapping[str, float | None]
) -> dict[tuple[str, str], float | None]:
    return {(org, metric): v for org, v in by_org.items()}
