"""Breakdown groups add up to the total; regions and England are sums of ICBs, never averages."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.metrics.metrics_fixtures import METRICS, REGIONS

from oversight.metrics.breakdowns import UNKNOWN
from oversight.metrics.computation import Computation
from oversight.metrics.rollup import breakdown_codes, rollup, sorted_codes

ADDITIVE = [m.id for m in METRICS if m.id not in ("amb_c2_p90_min",)]


@pytest.mark.parametrize("metric", ADDITIVE)
def test_breakdown_groups_add_up_to_total(tiny: Computation, metric: str) -> None:
    m = tiny.metrics
    m = m[m.metric_id == metric]
    total = m[m.breakdown == "total"].set_index(["org_code", "period"])
    for dim, part in m[m.breakdown != "total"].groupby("breakdown"):
        sums = part.groupby(["org_code", "period"])[["numerator", "denominator"]].sum(min_count=1)
        joined = pd.merge(
            total[["numerator", "denominator"]],
            sums,
            left_index=True,
            right_index=True,
            suffixes=("", "_sum"),
        )
        ok = joined.numerator.notna()
        assert ok.any(), dim
        pd.testing.assert_series_equal(
            joined.numerator[ok], joined.numerator_sum[ok], check_names=False
        )


@pytest.mark.parametrize("metric", ADDITIVE)
def test_region_and_england_are_sums_of_icbs(tiny: Computation, metric: str) -> None:
    m = tiny.metrics
    m = m[(m.metric_id == metric) & m.missing_reason.isna()]
    icb = m[m.org_type == "icb"].assign(region=lambda d: d.org_code.map(REGIONS))
    keys = ["period", "breakdown", "group"]
    for level, by in (("region", "region"), ("england", None)):
        expect = icb.groupby([by, *keys] if by else keys)[["numerator", "denominator"]].sum(
            min_count=1
        )
        got = m[m.org_type == level]
        got = got.rename(columns={"org_code": by}) if by else got
        got = got.set_index([by, *keys] if by else keys)[["numerator", "denominator"]]
        both = pd.merge(got, expect, left_index=True, right_index=True, suffixes=("", "_icbs"))
        assert len(both) > 0
        pd.testing.assert_series_equal(both.numerator, both.numerator_icbs, check_names=False)
        if metric != "ae_12h_count" and metric != "rtt_52w_count":
            pd.testing.assert_series_equal(
                both.denominator, both.denominator_icbs, check_names=False
            )


def test_imd_quintiles_are_one_to_five_each_the_sum_of_its_two_deciles(tiny: Computation) -> None:
    m = tiny.metrics
    m = m[m.missing_reason.isna()]
    deciles = m[m.breakdown == "imd_decile"]
    quintiles = m[m.breakdown == "imd_quintile"]
    assert sorted(deciles.group.unique()) == sorted(str(d) for d in range(1, 11))
    assert sorted(quintiles.group.unique()) == ["1", "2", "3", "4", "5"]
    keys = ["metric_id", "org_code", "period"]
    as_quintile = deciles.assign(group=(deciles.group.astype(int) + 1) // 2)
    expect = as_quintile.groupby([*keys, "group"])[["numerator", "denominator"]].sum(min_count=1)
    got = quintiles.assign(group=quintiles.group.astype(int))
    got = got.set_index([*keys, "group"])[["numerator", "denominator"]]
    both = pd.merge(got, expect, left_index=True, right_index=True, suffixes=("", "_deciles"))
    assert len(both) == len(got) > 0
    pd.testing.assert_series_equal(both.numerator, both.numerator_deciles, check_names=False)
    pd.testing.assert_series_equal(both.denominator, both.denominator_deciles, check_names=False)


def test_breakdown_codes_label_quintiles_from_deciles_and_nulls_as_unknown() -> None:
    partial = pd.DataFrame(
        {
            "imd_decile": [1, 2, 3, 10, 9, None],
            "ethnicity_group": ["White", None, "Asian", "White", "Black", "Asian"],
            "age_band": ["0-17"] * 6,
            "sex": ["female", "male", "female", "male", "female", "male"],
        }
    )
    coded = breakdown_codes(partial)

    def labels(dim: str) -> list[str]:
        codes, groups = coded[dim]
        return [str(groups[c]) for c in codes]

    assert labels("imd_decile") == ["1", "2", "3", "10", "9", UNKNOWN]
    assert labels("imd_quintile") == ["1", "1", "2", "5", "5", UNKNOWN]
    assert labels("ethnicity_group") == ["White", UNKNOWN, "Asian", "White", "Black", "Asian"]
    assert labels("age_band") == ["0-17"] * 6


def test_breakdown_codes_of_coded_records_label_as_the_plain_partial_does() -> None:
    """The quantile records come coded (categoricals, deciles as small integers): their groups
    must be the ones the same values give as plain text and numbers, a null still unknown and
    a category no record has giving no group to any record."""
    ethnicities = ["Asian", "Black", "Mixed", "White"]  # no record is Mixed
    plain = pd.DataFrame(
        {
            "imd_decile": [10, 1, 3, 10, 2],
            "ethnicity_group": ["White", None, "Asian", "White", "Black"],
            "age_band": ["80+", "0-17", "0-17", "18-39", "80+"],
            "sex": ["male", "female", None, "female", "male"],
        }
    )
    coded = plain.assign(
        imd_decile=plain["imd_decile"].astype("int8"),
        ethnicity_group=pd.Categorical(plain["ethnicity_group"], ethnicities),
        age_band=pd.Categorical(plain["age_band"]),
        sex=pd.Categorical(plain["sex"]),
    )
    want, got = breakdown_codes(plain), breakdown_codes(coded)

    def labels(coded: dict, dim: str) -> list[str]:
        codes, groups = coded[dim]
        return [str(g) for g in groups[codes]]

    for dim in want:
        assert labels(got, dim) == labels(want, dim), dim
    assert labels(got, "imd_quintile") == ["5", "1", "2", "5", "1"]
    assert labels(got, "sex") == ["male", "female", UNKNOWN, "female", "male"]


@pytest.mark.parametrize(
    "column",
    [
        pd.Categorical(["QBB", "QAA", "QBB", "QCC"]),  # sorted categories, all used: its codes
        pd.Categorical(["QBB", "QAA", "QBB"], ["QAA", "QBB", "QCC"]),  # QCC unused
        pd.Categorical(["QBB", "QAA", "QCC"], ["QCC", "QBB", "QAA"]),  # in category order
        pd.Series(["QBB", "QAA", "QBB", "QCC"], dtype="str"),
    ],
)
def test_sorted_codes_are_those_of_a_sorted_factorize(column: object) -> None:
    col = pd.Series(column)
    codes, values = sorted_codes(col)
    want_codes, want_values = pd.factorize(col, sort=True)
    assert list(values) == list(want_values)
    assert list(codes) == list(want_codes)


def test_rollup_sums_only_cells_with_rows_and_keeps_all_empty_sums_null() -> None:
    nan = float("nan")
    partial = pd.DataFrame(
        {
            "icb_code": ["QAA", "QAA", "QBB", "QCC"],
            "period": ["2024-01-01", "2024-01-01", "2024-01-01", "2024-02-01"],
            "n": [1.0, nan, nan, 5.0],  # QBB's only value is missing
            "m": [2.0, 3.0, 4.0, 6.0],
        }
    )
    membership = pd.DataFrame(
        {
            # the last two rows name an ICB and a month the partial does not have: ignored
            "icb_code": ["QAA", "QBB", "QCC", "QAA", "QBB", "QCC", "QDD", "QAA"],
            "period": ["2024-01-01"] * 3 + ["2024-02-01"] * 4 + ["2023-12-01"],
            "region_code": ["Y56", "Y58", "Y63", "Y56", "Y58", "Y63", "Y56", "Y63"],
        }
    )
    out = rollup(partial, ["n", "m"], False, membership)
    got = {
        (r.org_type, r.org_code, r.period): (r.n, r.m)
        for r in out.itertuples()
        if r.breakdown == "total"
    }
    assert set(got) == {
        ("icb", "QAA", "2024-01-01"),
        ("icb", "QBB", "2024-01-01"),
        ("icb", "QCC", "2024-02-01"),
        ("region", "Y56", "2024-01-01"),
        ("region", "Y58", "2024-01-01"),
        ("region", "Y63", "2024-02-01"),
        ("england", "ENG", "2024-01-01"),
        ("england", "ENG", "2024-02-01"),
    }  # no row for a place and month without partial rows
    assert got[("icb", "QAA", "2024-01-01")] == (1.0, 5.0)  # the missing value adds nothing
    n_bbb, m_bbb = got[("icb", "QBB", "2024-01-01")]
    assert pd.isna(n_bbb) and m_bbb == 4.0  # a sum over nothing but missing values is null
    assert got[("region", "Y56", "2024-01-01")] == (1.0, 5.0)
    n_y58, m_y58 = got[("region", "Y58", "2024-01-01")]  # QBB alone: still null
    assert pd.isna(n_y58) and m_y58 == 4.0
    assert got[("england", "ENG", "2024-01-01")] == (1.0, 9.0)
    assert got[("england", "ENG", "2024-02-01")] == (5.0, 6.0)
