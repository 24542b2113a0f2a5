"""The inequality measures against an injected truth (judge.assessment.acceptance) on a
hand-made measures frame: which windows show the injected gradient, with the boundaries (an
interval touching zero includes it, a lower bound of zero does not exclude it), the medians,
and only ICB rows of the injected metric and window counted."""

from __future__ import annotations

from typing import Any

import pandas as pd

from oversight.judge.assessment.acceptance import outcomes

NAN = float("nan")
COLUMNS = ["metric_id", "org_type", "org_code", "window", "sii", "sii_lower", "sii_upper",
           "ethnic_gap", "ethnic_gap_lower", "ethnic_low_group"]  # fmt: skip


def _sii(metric: str, org: str, window: str, sii: float, low: float, high: float,
         org_type: str = "icb") -> tuple[Any, ...]:  # fmt: skip
    return (metric, org_type, org, window, sii, low, high, NAN, NAN, None)


def _gap(org: str, gap: float, low: float, group: str, metric: str = "ae_4hr",
         org_type: str = "icb") -> tuple[Any, ...]:  # fmt: skip
    return (metric, org_type, org, "month", NAN, NAN, NAN, gap, low, group)


FRAME = pd.DataFrame(
    [
        _sii("ae_4hr", "QMJ", "month", 5.0, 1.0, 9.0),
        _sii("ae_4hr", "QMJ", "month", 3.0, 0.0, 7.0),  # a lower bound of 0 excludes nothing
        _sii("ae_4hr", "QMJ", "month", NAN, NAN, NAN),  # no measure: not a window
        _sii("ae_4hr", "QMF", "month", 0.5, -1.0, 2.0),
        _sii("ae_4hr", "QRV", "month", 4.0, 0.0, 7.0),  # touches zero: includes it
        _sii("ae_4hr", "QOP", "month", 4.0, 1.0, 7.0),
        _sii("ae_4hr", "QHL", "month", -1.0, -2.0, 0.0),  # touches zero: includes it
        _sii("ae_4hr", "QMJ", "12 months", 6.0, 2.0, 10.0),
        _sii("ae_4hr", "QMF", "12 months", -1.0, -3.0, 1.0),
        _sii("ae_4hr", "Y56", "month", 9.0, 8.0, 10.0, org_type="region"),  # not an ICB
        _sii("rtt_18wk", "QMJ", "month", 9.0, 8.0, 10.0),  # another metric
        _sii("rtt_18wk", "QMF", "month", -4.0, -6.0, -2.0),
        _sii("rtt_18wk", "QMF", "month", -1.0, -3.0, 0.0),  # an upper bound of 0: not below
        _gap("QMJ", 4.0, 1.0, "Black"),
        _gap("QMJ", 2.0, 0.0, "Black"),  # a lower bound of 0 is not above zero
        _gap("QMJ", 3.0, 1.0, "Asian"),  # another group lowest
        _gap("QMF", 1.0, 0.5, "Black"),
        _gap("QRV", 2.0, -1.0, "Black"),
        _gap("QMJ", 9.0, 5.0, "Black", metric="rtt_18wk"),  # another metric
        _gap("Y56", 9.0, 5.0, "Black", org_type="region"),  # not an ICB
    ],
    columns=COLUMNS,
)
IMD = {"id": "ae-imd", "kind": "gradient", "breakdown": "imd_decile", "metric_id": "ae_4hr",
       "icb_code": "QMJ", "group_low": "1"}  # fmt: skip
IMD_DOWN = {"id": "rtt-imd", "kind": "gradient", "breakdown": "imd_decile",
            "metric_id": "rtt_18wk", "icb_code": "QMF", "group_low": 10}  # fmt: skip
ETHNIC = {"id": "ae-eth", "kind": "gradient", "breakdown": "ethnicity_group",
          "metric_id": "ae_4hr", "icb_code": "QMJ", "group_low": "Black"}  # fmt: skip
STEP = {"id": "step", "kind": "step", "breakdown": "imd_decile", "metric_id": "ae_4hr",
        "icb_code": "QMJ", "group_low": "1"}  # fmt: skip


def _found(*injections: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    got = outcomes(FRAME, {"injections": list(injections)})
    return {(o["id"], o["window"]): o for o in got}


def test_the_deprivation_gradient_with_decile_1_lowest() -> None:
    found = _found(IMD)
    assert list(found) == [("ae-imd", "12 months"), ("ae-imd", "month")]
    assert found[("ae-imd", "month")] == {
        "id": "ae-imd", "window": "month", "icb": "QMJ", "expected_sign": "+", "windows": 2,
        "injected_excludes_zero_with_sign": 0.5, "median_sii_injected": 4.0,
        "median_sii_others": 2.25, "others_include_zero": 0.75, "other_windows": 4,
    }  # fmt: skip
    pooled = found[("ae-imd", "12 months")]
    assert pooled["windows"] == 1 and pooled["injected_excludes_zero_with_sign"] == 1.0
    assert pooled["others_include_zero"] == 1.0 and pooled["median_sii_others"] == -1.0


def test_the_deprivation_gradient_with_decile_10_lowest() -> None:
    month = _found(IMD_DOWN)[("rtt-imd", "month")]
    assert month["expected_sign"] == "-" and month["windows"] == 2
    assert month["injected_excludes_zero_with_sign"] == 0.5
    assert month["median_sii_injected"] == -2.5
    assert (month["other_windows"], month["others_include_zero"]) == (1, 0.0)
    pooled = _found(IMD_DOWN)[("rtt-imd", "12 months")]
    assert pooled["windows"] == 0 and pooled["other_windows"] == 0
    assert pooled["injected_excludes_zero_with_sign"] is None
    assert pooled["median_sii_injected"] is None and pooled["median_sii_others"] is None
    assert pooled["others_include_zero"] is None


def test_the_ethnicity_gradient() -> None:
    found = _found(ETHNIC)
    assert found[("ae-eth", "month")] == {
        "id": "ae-eth", "window": "month", "icb": "QMJ", "group": "Black", "windows": 3,
        "injected_group_lowest_and_gap_above_zero": 1 / 3, "others_same": 0.5,
        "median_gap_injected": 3.0, "median_gap_others": 1.5,
    }  # fmt: skip
    pooled = found[("ae-eth", "12 months")]
    assert pooled["windows"] == 0 and pooled["injected_group_lowest_and_gap_above_zero"] is None
    assert pooled["median_gap_injected"] is None and pooled["median_gap_others"] is None


def test_only_gradients_of_known_breakdowns_count() -> None:
    other = {**IMD, "id": "sex", "breakdown": "sex"}
    assert outcomes(FRAME, {"injections": [STEP, other]}) == []
    assert outcomes(FRAME, {}) == []
    assert [o["id"] for o in outcomes(FRAME, {"injections": [STEP, ETHNIC, IMD]})] == [
        "ae-eth", "ae-eth", "ae-imd", "ae-imd"]  # fmt: skip
