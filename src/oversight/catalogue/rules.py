"""Cross-reference rules: every check that needs more than one entry to decide."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from oversight.catalogue.problems import Problem
from oversight.period import Period

DEFAULT_MAX_NATIONAL_TARGETS = 10
"""Headline national targets per planning year (the Hewitt review asked for far fewer)."""

PROTECTED_DOMAINS: tuple[str, ...] = ("mental_health", "community_services")
"""Areas each planning year's national targets should cover: NHS Providers' evidence to the
Hewitt review asked for mental health and community services to stay protected. A planning year
whose national targets name no metric of one of these domains is warned about."""

_NUMERIC = {"int8", "int32", "int64", "float64", "bool"}
_DATES = {"date", "timestamp"}


@dataclass(frozen=True)
class Sources:
    """Validated entries by kind and id, and the file each came from."""

    tables: dict[str, dict[str, Any]]
    origins: dict[str, dict[str, str]]

    def problem(self, kind: str, entry_id: str, reason: str, severity: str = "error") -> Problem:
        return Problem(self.origins[kind][entry_id], entry_id, reason, severity)  # type: ignore[arg-type]

    def known(self, kind: str, entry_id: str) -> bool:
        """Defined in the files, valid or not (an invalid entry is reported once, not again
        by everything that refers to it)."""
        return entry_id in self.origins[kind]

    def icb_exists(self, code: str) -> bool:
        return self.known("icbs", code) or self.known("merged_icbs", code)


def _organisations(s: Sources) -> Iterator[Problem]:
    for kind in ("icbs", "merged_icbs"):
        for code, icb in s.tables[kind].items():
            if not s.known("regions", icb.region_code):
                yield s.problem(kind, code, f"unknown region {icb.region_code!r}")
            for m in icb.memberships:
                if not s.known("regions", m.region_code):
                    yield s.problem(
                        kind, code, f"membership names unknown region {m.region_code!r}"
                    )
            if icb.successor_code and not s.icb_exists(icb.successor_code):
                yield s.problem(kind, code, f"unknown successor ICB {icb.successor_code!r}")
            for pred in icb.predecessor_codes:
                if not s.icb_exists(pred):
                    yield s.problem(kind, code, f"unknown predecessor ICB {pred!r}")
    for code, provider in s.tables["providers"].items():
        if not s.icb_exists(provider.icb_code):
            yield s.problem("providers", code, f"unknown ICB {provider.icb_code!r}")
        if provider.region_code and not s.known("regions", provider.region_code):
            yield s.problem("providers", code, f"unknown region {provider.region_code!r}")


def _data_items(s: Sources) -> Iterator[Problem]:
    datasets, collections = s.tables["datasets"], s.tables["collections"]
    for item_id, item in s.tables["data_items"].items():
        dataset = datasets.get(item.dataset)
        if dataset is None:
            if s.known("datasets", item.dataset):
                continue
            yield s.problem("data_items", item_id, f"unknown dataset {item.dataset!r}")
            continue
        if dataset.grain != item.grain:
            yield s.problem(
                "data_items",
                item_id,
                f"grain {item.grain} but dataset {dataset.id} is {dataset.grain}",
            )
        for name in item.columns_used():
            if dataset.column(name) is None:
                yield s.problem(
                    "data_items", item_id, f"column {name!r} is not in dataset {dataset.id}"
                )
        column = dataset.column(item.column) if item.column else None
        if (
            column
            and item.aggregation in ("sum", "mean", "quantile")
            and column.type not in _NUMERIC
        ):
            yield s.problem(
                "data_items", item_id, f"cannot {item.aggregation} {column.type} column"
            )
        for name in (item.start_column, item.stop_column):
            col = dataset.column(name) if name else None
            if col and col.type not in _DATES:
                yield s.problem("data_items", item_id, f"{name!r} is not a date or timestamp")
        for cond in item.filter:
            col = dataset.column(cond.column)
            values = cond.value if isinstance(cond.value, tuple) else (cond.value,)
            if col and col.allowed_values and cond.op in ("==", "!=", "in"):
                for v in values:
                    if str(v) not in col.allowed_values:
                        yield s.problem(
                            "data_items", item_id, f"filter value {v!r} not allowed in {col.name}"
                        )
        yield from _returns(s, item_id, item)
        for coll_id in item.collections:
            coll = collections.get(coll_id)
            if coll is None and s.known("collections", coll_id):
                continue
            if coll is None:
                yield s.problem("data_items", item_id, f"unknown collection {coll_id!r}")
            elif item_id not in coll.data_items:
                yield s.problem("data_items", item_id, f"collection {coll_id} does not list it")


def _returns(s: Sources, item_id: str, item: Any) -> Iterator[Problem]:
    """An item's aggregate returns: known aggregate datasets with a numeric column, once each."""
    datasets = s.tables["datasets"]
    seen: set[str] = set()
    for source in item.returns:
        if source.dataset in seen:
            yield s.problem("data_items", item_id, f"return {source.dataset} listed twice")
        seen.add(source.dataset)
        dataset = datasets.get(source.dataset)
        if dataset is None:
            if not s.known("datasets", source.dataset):
                yield s.problem("data_items", item_id, f"unknown return {source.dataset!r}")
            continue
        if dataset.grain == "record" or source.dataset == item.dataset:
            yield s.problem(
                "data_items", item_id, f"return {source.dataset} is not an aggregate return"
            )
        column = dataset.column(source.column)
        if column is None or column.type not in _NUMERIC:
            yield s.problem(
                "data_items",
                item_id,
                f"return {source.dataset} has no numeric column {source.column!r}",
            )
        per = None if source.per is None else dataset.column(source.per)
        if source.per is not None and (per is None or per.type not in _NUMERIC):
            yield s.problem(
                "data_items",
                item_id,
                f"return {source.dataset} has no numeric column {source.per!r}",
            )
        if source.provider_only and dataset.grain != "provider_month":
            yield s.problem(
                "data_items",
                item_id,
                f"return {source.dataset} is provider_only but not provider_month",
            )


def _metrics(s: Sources) -> Iterator[Problem]:
    items = s.tables["data_items"]
    for metric_id, metric in s.tables["metrics"].items():
        known = [items[i] for i in metric.data_item_ids if i in items]
        for item_id in metric.data_item_ids:
            if not s.known("data_items", item_id):
                yield s.problem("metrics", metric_id, f"unknown data item {item_id!r}")
        if metric.breakdowns and any(i.grain != "record" for i in known):
            yield s.problem(
                "metrics",
                metric_id,
                "breakdowns need record-level data items (an aggregate return has no persons)",
            )
        if metric.multiplier == 0:
            yield s.problem("metrics", metric_id, "multiplier is 0")
        if len(set(metric.breakdowns)) != len(metric.breakdowns):
            yield s.problem("metrics", metric_id, "breakdown listed twice")


def _collections(s: Sources) -> Iterator[Problem]:
    datasets = s.tables["datasets"]
    for coll_id, coll in s.tables["collections"].items():
        for item_id in coll.data_items:
            if not s.known("data_items", item_id):
                yield s.problem("collections", coll_id, f"unknown data item {item_id!r}")
        for item_id, n in Counter(coll.data_items).items():
            if n > 1:
                yield s.problem("collections", coll_id, f"data item {item_id} listed {n} times")
        if coll.dataset is None:
            continue
        dataset = datasets.get(coll.dataset)
        if dataset is None and s.known("datasets", coll.dataset):
            continue
        if dataset is None:
            yield s.problem("collections", coll_id, f"unknown dataset {coll.dataset!r}")
        elif dataset.grain != coll.grain:
            yield s.problem(
                "collections",
                coll_id,
                f"grain {coll.grain} but dataset {dataset.id} is {dataset.grain}",
            )


def _contradicts(improvement: str, comparison: str) -> bool:
    """A '>=' target on a metric where lower is better (or the reverse) is a slip."""
    return (improvement == "increase" and comparison in ("<", "<=")) or (
        improvement == "decrease" and comparison in (">", ">=")
    )


def _targets(
    s: Sources, max_national: int, protected: tuple[str, ...] = PROTECTED_DOMAINS
) -> Iterator[Problem]:
    targets, metrics = s.tables["targets"], s.tables["metrics"]
    for target_id, t in targets.items():
        metric = metrics.get(t.metric_id)
        if metric is None and not s.known("metrics", t.metric_id):
            yield s.problem("targets", target_id, f"unknown metric {t.metric_id!r}")
        if metric is not None and _contradicts(metric.improvement, t.comparison):
            yield s.problem(
                "targets",
                target_id,
                f"comparison {t.comparison} contradicts improvement {metric.improvement}",
            )
        if t.icb_code and not s.icb_exists(t.icb_code):
            yield s.problem("targets", target_id, f"unknown ICB {t.icb_code!r}")
        if t.deadline < t.date_set:
            yield s.problem("targets", target_id, "deadline is before date_set")
        first = Period.of(t.date_set).start
        for point in t.trajectory:
            if point.period > t.deadline or point.period < first:
                yield s.problem(
                    "targets",
                    target_id,
                    f"trajectory point {point.period.isoformat()} is outside the target's "
                    f"period ({first.isoformat()} to {t.deadline.isoformat()})",
                )
            if point.period.day != 1:
                yield s.problem(
                    "targets", target_id, f"trajectory period {point.period} is not a month start"
                )
        if t.supersedes:
            old = targets.get(t.supersedes)
            if old is None:
                yield s.problem("targets", target_id, f"supersedes unknown target {t.supersedes!r}")
            elif (old.metric_id, old.icb_code, old.version + 1) != (
                t.metric_id,
                t.icb_code,
                t.version,
            ):
                yield s.problem(
                    "targets",
                    target_id,
                    f"must be version {old.version + 1} of {old.id} for the same metric and ICB",
                )
    yield from _national_limit(s, max_national)
    yield from _protected_areas(s, protected)


def _national_limit(s: Sources, max_national: int) -> Iterator[Problem]:
    """Headline national targets beyond the limit fail; all national targets beyond it warn."""
    national = [(i, t) for i, t in s.tables["targets"].items() if t.scope == "national"]
    for year in sorted({t.planning_year for _, t in national}):
        in_year = [(i, t) for i, t in national if t.planning_year == year]
        headline = [(i, t) for i, t in in_year if t.headline]
        if len(headline) > max_national:
            last_id = headline[-1][0]
            yield s.problem(
                "targets",
                last_id,
                f"{len(headline)} headline national targets in {year}, more than the limit of "
                f"{max_national}",
            )
        if len(in_year) > max_national:
            yield s.problem(
                "targets",
                in_year[-1][0],
                f"{len(in_year)} national targets in {year} (limit {max_national} applies to "
                f"headline targets; {len(headline)} are headline)",
                "warning",
            )


def _protected_areas(s: Sources, protected: tuple[str, ...]) -> Iterator[Problem]:
    """A planning year whose national targets leave a protected domain without any target."""
    metrics = s.tables["metrics"]
    national = [(i, t) for i, t in s.tables["targets"].items() if t.scope == "national"]
    for year in sorted({t.planning_year for _, t in national}):
        in_year = [(i, t) for i, t in national if t.planning_year == year]
        covered = {metrics[t.metric_id].domain for _, t in in_year if t.metric_id in metrics}
        for domain in protected:
            if domain not in covered:
                yield s.problem(
                    "targets",
                    in_year[-1][0],
                    f"no national target in {year} is on a {domain.replace('_', ' ')} metric "
                    "(a protected area)",
                    "warning",
                )


def _cqc(s: Sources) -> Iterator[Problem]:
    """Statements name known themes; each band scale covers 25-100% without gaps or overlaps;
    limiter rules name rating bands."""
    for qs_id, statement in s.tables["cqc_quality_statements"].items():
        if statement.theme_id and not s.known("cqc_themes", statement.theme_id):
            yield s.problem(
                "cqc_quality_statements", qs_id, f"unknown theme {statement.theme_id!r}"
            )
    bands = list(s.tables["cqc_score_bands"].items())
    for scale in sorted({b.scale for _, b in bands}):
        ordered = sorted((b.min_percent, b.max_percent, i) for i, b in bands if b.scale == scale)
        expected = 25
        for low, high, band_id in ordered:
            if low != expected:
                yield s.problem(
                    "cqc_score_bands",
                    band_id,
                    f"{scale} band starts at {low}%, expected {expected}% (gap or overlap)",
                )
            expected = high + 1
        if ordered and ordered[-1][1] != 100:
            yield s.problem("cqc_score_bands", ordered[-1][2], f"{scale} bands stop short of 100%")
    ratings = {b.label for _, b in bands if b.scale == "rating"}
    for rule_id, rule in s.tables["cqc_limiter_rules"].items():
        for name in (rule.applies_to, rule.limit_to):
            if name not in ratings:
                yield s.problem("cqc_limiter_rules", rule_id, f"unknown rating {name!r}")


def _better(improvement: str, a: float, b: float) -> bool:
    """True when `a` is strictly better than `b` for a metric's polarity."""
    return a > b if improvement == "increase" else a < b


def _scored_metric_problems(scored: Any, improvement: str) -> Iterator[str]:
    """Bookends and brackets the wrong way round for the metric's polarity."""
    m = scored.metric
    if improvement == "neutral":
        yield f"metric {m} cannot be scored: neither higher nor lower is better"
        return
    better = "higher" if improvement == "increase" else "lower"
    if (
        scored.standard is not None
        and scored.floor is not None
        and not _better(improvement, scored.standard.value, scored.floor.value)
    ):
        yield (
            f"metric {m}: standard {scored.standard.value:g} must be better than floor "
            f"{scored.floor.value:g} ({better} is better): bookends the wrong way round"
        )
    bounds = [b.bound.value for b in scored.brackets if b.bound is not None]
    if any(not _better(improvement, a, b) for a, b in itertools.pairwise(bounds)):
        shown = ", ".join(f"{v:g}" for v in bounds)
        yield (
            f"metric {m}: bracket bounds {shown} must get worse bracket by bracket "
            f"({better} is better)"
        )


def _rule_sets(s: Sources) -> Iterator[Problem]:
    """Rule sets name known metrics that have a better direction, bookends the right way."""
    metrics = s.tables["metrics"]
    for rule_id, rule_set in s.tables["rule_sets"].items():
        for metric_id in rule_set.metric_ids:
            if not s.known("metrics", metric_id):
                yield s.problem("rule_sets", rule_id, f"unknown metric {metric_id!r}")
        for scored in rule_set.metrics:
            metric = metrics.get(scored.metric)
            if metric is None:
                continue
            for reason in _scored_metric_problems(scored, metric.improvement):
                yield s.problem("rule_sets", rule_id, reason)


def check_references(
    s: Sources,
    max_national_targets: int,
    protected_domains: tuple[str, ...] = PROTECTED_DOMAINS,
) -> list[Problem]:
    """Every cross-entry problem in a validated catalogue."""
    return [
        *_organisations(s),
        *_data_items(s),
        *_metrics(s),
        *_collections(s),
        *_targets(s, max_national_targets, protected_domains),
        *_cqc(s),
        *_rule_sets(s),
    ]
