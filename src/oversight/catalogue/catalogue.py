"""The compiled catalogue: every entry addressable by id, read-only, with common lookups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from oversight.catalogue.models import (
    ICB,
    Collection,
    CQCTheme,
    DataItem,
    Dataset,
    EvidenceCategory,
    LimiterRule,
    Metric,
    Provider,
    QualityStatement,
    Region,
    RuleSet,
    ScoreBand,
    Target,
)
from oversight.catalogue.models.escalation import EscalationPolicy
from oversight.catalogue.models.targets import standing_national_target
from oversight.catalogue.problems import Problem
from oversight.period import Period


@dataclass(frozen=True)
class Catalogue:
    """What is measured and expected. Mappings are read-only and keep file order.

    `icbs` holds the 42 ICBs of the 2022-2026 configuration; `merged_icbs` holds the ICBs
    formed by mergers (valid from 2026). `icbs_on(date)` spans both.
    """

    regions: Mapping[str, Region]
    icbs: Mapping[str, ICB]
    merged_icbs: Mapping[str, ICB]
    providers: Mapping[str, Provider]
    datasets: Mapping[str, Dataset]
    data_items: Mapping[str, DataItem]
    metrics: Mapping[str, Metric]
    collections: Mapping[str, Collection]
    targets: Mapping[str, Target]
    cqc_themes: Mapping[str, CQCTheme]
    cqc_quality_statements: Mapping[str, QualityStatement]
    cqc_evidence_categories: Mapping[str, EvidenceCategory]
    cqc_score_bands: Mapping[str, ScoreBand]
    cqc_limiter_rules: Mapping[str, LimiterRule]
    warnings: tuple[Problem, ...] = field(default=())
    rule_sets: Mapping[str, RuleSet] = field(default_factory=lambda: MappingProxyType({}))
    escalation_policies: Mapping[str, EscalationPolicy] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def organisation(self, code: str) -> Region | ICB | Provider:
        """Any region, ICB (current or merged) or provider by code; KeyError if unknown."""
        for table in (self.regions, self.icbs, self.merged_icbs, self.providers):
            if code in table:
                return table[code]
        raise KeyError(f"no organisation with code {code!r}")

    def icbs_on(self, on: dt.date) -> list[ICB]:
        """The ICBs in existence on a date (42 from July 2022 until mergers take effect)."""
        every = [*self.icbs.values(), *self.merged_icbs.values()]
        return [icb for icb in every if icb.valid_on(on)]

    def region_of(self, icb_code: str, on: dt.date) -> Region:
        """The region an ICB belonged to on a date."""
        icb = self.icbs.get(icb_code) or self.merged_icbs.get(icb_code)
        if icb is None:
            raise KeyError(f"no ICB with code {icb_code!r}")
        for membership in icb.memberships:
            if membership.covers(on):
                return self.regions[membership.region_code]
        if not icb.memberships and icb.valid_on(on):
            return self.regions[icb.region_code]
        raise LookupError(f"ICB {icb_code} belongs to no region on {on.isoformat()}")

    def providers_of(self, icb_code: str) -> list[Provider]:
        """Providers attached to an ICB (an ambulance service attaches to one ICB per region)."""
        return [p for p in self.providers.values() if p.icb_code == icb_code]

    def national_targets(self, planning_year: str) -> list[Target]:
        """National targets for a planning year such as '2023/24'."""
        return [
            t
            for t in self.targets.values()
            if t.scope == "national" and t.planning_year == planning_year
        ]

    def standing_national_target(self, metric_id: str, on: dt.date) -> Target | None:
        """The national target on a metric that stands on a date (see models.targets)."""
        return standing_national_target(self.targets.values(), metric_id, on)

    def local_targets(self, icb_code: str) -> list[Target]:
        """Every local target version an ICS has set (drafts and superseded included)."""
        return [t for t in self.targets.values() if t.scope == "local" and t.icb_code == icb_code]

    def current_local_targets(self, icb_code: str) -> list[Target]:
        """Local targets of an ICS that no later version supersedes."""
        superseded = {t.supersedes for t in self.targets.values() if t.supersedes}
        return [t for t in self.local_targets(icb_code) if t.id not in superseded]

    def quality_statements_of(self, theme_id: str) -> list[QualityStatement]:
        """CQC quality statements under a theme."""
        return [q for q in self.cqc_quality_statements.values() if q.theme_id == theme_id]

    def escalation_policy(self, quarter: Period | None = None) -> EscalationPolicy:
        """The escalation policy in force in a quarter (default: the latest), the highest
        version of the latest to come into force; LookupError when the catalogue has none."""
        live = [
            p
            for p in self.escalation_policies.values()
            if quarter is None or Period.parse_quarter(p.in_force_from) <= quarter
        ]
        if not live:
            raise LookupError(
                "the catalogue has no escalation policy in force"
                + (f" in {quarter}" if quarter is not None else "")
                + " (escalation_policies.yaml)"
            )
        return max(live, key=lambda p: (Period.parse_quarter(p.in_force_from), p.version))

    def rule_set_for(self, org_type: str, quarter: Period) -> RuleSet | None:
        """The rule set in force for an organisation type in a quarter (the highest version of
        the latest to come into force), or None when none is."""
        live = [
            r for r in self.rule_sets.values() if r.org_type == org_type and r.in_force(quarter)
        ]
        return max(
            live, key=lambda r: (Period.parse_quarter(r.in_force_from), r.version), default=None
        )

    def metrics_for(self, collection_id: str) -> list[Metric]:
        """Metrics that use items of a collection."""
        return [self.metrics[m] for m in self.collections[collection_id].metrics]
