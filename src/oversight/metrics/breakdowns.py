"""Breakdown dimensions: the person columns every metric can be split by, and their groups.

Record-level datasets carry age band, sex, ethnicity group and IMD decile; the IMD quintile is
derived ((decile + 1) // 2). A null dimension value is its own group, `unknown`, so the groups of
a breakdown always add up to the total.
"""

from __future__ import annotations

import ibis.expr.types as ir

TOTAL = "total"
UNKNOWN = "unknown"

DIMENSIONS: tuple[str, ...] = ("imd_decile", "imd_quintile", "ethnicity_group", "age_band", "sex")
"""Every breakdown a metric may list, in the order results present them."""

BREAKDOWNS: tuple[str, ...] = (TOTAL, *DIMENSIONS)

GROUPS: dict[str, tuple[str, ...]] = {
    TOTAL: (TOTAL,),
    "imd_decile": tuple(str(d) for d in range(1, 11)),
    "imd_quintile": tuple(str(q) for q in range(1, 6)),
    "ethnicity_group": ("Asian", "Black", "Mixed", "White", "Other", "Not known"),
    "age_band": ("0-17", "18-39", "40-64", "65-79", "80+"),
    "sex": ("female", "male"),
}
"""The expected groups of each breakdown (docs/data-model.md); a group with no records still
appears in results (count 0, or an explicit missing value for a ratio or quantile)."""


def dimension_keys(table: ir.Table) -> dict[str, ir.Value]:
    """Each breakdown dimension of a record-level table as a compact grouping key: the IMD
    decile and quintile as integers (null: unknown), the others as strings (null -> unknown).

    Grouping by these and labelling the grouped rows (dimension_group) gives the same groups
    as grouping by the string labels, with less work per record.
    """
    decile = table.imd_decile.cast("int32")
    return {
        "imd_decile": decile,
        "imd_quintile": ((decile + 1) // 2).cast("int32"),
        "ethnicity_group": table.ethnicity_group.cast("string").fill_null(UNKNOWN),
        "age_band": table.age_band.cast("string").fill_null(UNKNOWN),
        "sex": table.sex.cast("string").fill_null(UNKNOWN),
    }


def dimension_group(key: ir.Value) -> ir.StringValue:
    """A dimension_keys key as its group label."""
    return key.cast("string").fill_null(UNKNOWN)


RAW_DIMENSIONS: tuple[str, ...] = ("imd_decile", "ethnicity_group", "age_band", "sex")
"""The person columns as stored; partials group by these and derive the groups in memory."""
