"""Code rules: ICB, provider and region codes exist in the catalogue, exist during the period,
and belong to the organisation that submitted the file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from oversight.collect.organisations import overlaps
from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import Spec

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

UNKNOWN = "codes.unknown"
NOT_VALID = "codes.not_valid_in_period"
ORG_MISMATCH = "codes.org_mismatch"
UNKNOWN_SUBMITTER = "codes.unknown_submitter"
SUBMITTER_NOT_VALID = "codes.submitter_not_valid_in_period"

_COLUMN_KIND = {"icb_code": "ICB", "provider_code": "provider", "region_code": "region"}


@dataclass(frozen=True)
class CodeSets:
    """Per code column: every known code and those existing during the period."""

    known: dict[str, pa.Array]
    valid: dict[str, pa.Array]
    own: dict[str, pa.Array]
    """Codes the submitter may report for (absent = any)."""


def _tables(catalogue: Catalogue) -> dict[str, dict[str, Any]]:
    icbs = {**getattr(catalogue, "icbs", {}), **getattr(catalogue, "merged_icbs", {})}
    return {
        "icb_code": icbs,
        "provider_code": dict(getattr(catalogue, "providers", {})),
        "region_code": dict(getattr(catalogue, "regions", {})),
    }


def _region_icbs(icbs: dict[str, Any], region: str, spec: Spec) -> list[str]:
    out = []
    for code, icb in icbs.items():
        spans = getattr(icb, "memberships", ()) or ()
        if any(
            m.region_code == region and overlaps(m, spec.period_start, spec.period_end)
            for m in spans
        ) or (not spans and getattr(icb, "region_code", None) == region):
            out.append(code)
    return out


def _icb_regions(icb: Any, spec: Spec) -> set[str]:
    """The regions an ICB belonged to during the period."""
    spans = getattr(icb, "memberships", ()) or ()
    if not spans:
        return {getattr(icb, "region_code", "")}
    return {m.region_code for m in spans if overlaps(m, spec.period_start, spec.period_end)}


def _icb_providers(providers: dict[str, Any], icb: str, regions: set[str]) -> list[str]:
    """Providers whose rows an ICB may report: those attached to it, and the regional services
    of its region (an ambulance service attaches to one ICB but serves the whole region)."""
    return sorted(
        code for code, p in providers.items()
        if getattr(p, "icb_code", None) == icb or getattr(p, "region_code", None) in regions
    )


def build_code_sets(sink: IssueSink, catalogue: Catalogue, spec: Spec, org_code: str) -> CodeSets:
    """Resolve code sets once; a submitter the catalogue does not know is a file-level error.

    Every row must belong to the organisation the submission is for, whoever sends the
    collection: a file for QMJ stored under QMJ's name may not carry QMF's rows, even from
    NHS England (they would replace QMJ's figure and add to QMF's), nor rows of a provider
    that is QMF's (issue 13: they would count towards that provider's figures)."""
    tables = _tables(catalogue)
    known = {col: pa.array(sorted(t), pa.string()) for col, t in tables.items()}
    valid = {
        col: pa.array(
            sorted(c for c, e in t.items() if overlaps(e, spec.period_start, spec.period_end)),
            pa.string(),
        )
        for col, t in tables.items()
    }
    own: dict[str, pa.Array] = {}
    kind = next((col for col, t in tables.items() if org_code in t), None)
    if kind is None:
        sink.add(
            UNKNOWN_SUBMITTER,
            None,
            f"organisation {org_code!r} is not in the catalogue",
            value=org_code,
        )
        return CodeSets(known, valid, own)
    entry = tables[kind][org_code]
    if not overlaps(entry, spec.period_start, spec.period_end):
        sink.add(
            SUBMITTER_NOT_VALID,
            None,
            f"organisation {org_code} did not exist in {spec.period_start:%Y-%m}",
            value=org_code,
        )
    if kind == "icb_code":
        own["icb_code"] = pa.array([org_code])
        own["provider_code"] = pa.array(
            _icb_providers(tables["provider_code"], org_code, _icb_regions(entry, spec)),
            pa.string(),
        )
    elif kind == "provider_code":
        own["icb_code"] = pa.array([entry.icb_code])
        own["provider_code"] = pa.array([org_code])
    else:
        own["icb_code"] = pa.array(_region_icbs(tables["icb_code"], org_code, spec), pa.string())
        own["region_code"] = pa.array([org_code])
    return CodeSets(known, valid, own)


def check_codes(
    sink: IssueSink,
    spec: Spec,
    sets: CodeSets,
    typed: dict[str, pa.Array],
    row_offset: int,
    org_code: str,
) -> None:
    for column, kind in _COLUMN_KIND.items():
        values = typed.get(column)
        if values is None or spec.column(column) is None:
            continue
        if _all_valid_and_own(values, sets, column):
            continue  # the usual case, decided on the few distinct codes of the batch
        present = pc.is_valid(values)
        is_known = pc.is_in(values, sets.known[column])
        sink.add_mask(
            pc.and_(present, pc.invert(is_known)),
            UNKNOWN,
            column,
            values,
            row_offset,
            f"not a known {kind} code",
        )
        is_valid = pc.is_in(values, sets.valid[column])
        sink.add_mask(
            pc.and_(is_known, pc.invert(is_valid)),
            NOT_VALID,
            column,
            values,
            row_offset,
            f"{kind} code did not exist in {spec.period_start:%Y-%m}",
        )
        own = sets.own.get(column)
        if own is not None:
            sink.add_mask(
                pc.and_(is_known, pc.invert(pc.is_in(values, own))),
                ORG_MISMATCH,
                column,
                values,
                row_offset,
                f"row belongs to another organisation than the submitter {org_code}",
            )


def _all_valid_and_own(values: pa.Array, sets: CodeSets, column: str) -> bool:
    """True when every code present is valid in the period and the submitter's own: then none
    of the three rules can fail (valid codes are known), and no per-row lookup is needed."""
    distinct = pc.drop_null(pc.unique(values))
    ok = pc.is_in(distinct, sets.valid[column])
    own = sets.own.get(column)
    if own is not None:
        ok = pc.and_(ok, pc.is_in(distinct, own))
    return bool(pc.all(ok).as_py()) if len(distinct) else True
