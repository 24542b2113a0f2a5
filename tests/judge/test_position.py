"""Position: against England by interval, on the funnel plot, and rank among peers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from oversight.judge.outcomes import Funnel, VsEngland
from oversight.judge.position import funnel, peer_ranks, vs_england

NAN = float("nan")


# the ICB's figure 72.1 with interval 71.3 to 72.9
@pytest.mark.parametrize(
    ("england", "sign", "expected"),
    [
        (74.9, 1, VsEngland.WORSE),  # England above the interval, higher is better
        (74.9, -1, VsEngland.BETTER),
        (74.9, 0, VsEngland.LOWER),
        (70.0, 1, VsEngland.BETTER),  # England below the interval
        (70.0, -1, VsEngland.WORSE),
        (70.0, 0, VsEngland.HIGHER),
        (72.5, 1, VsEngland.SIMILAR),
        (72.9, 1, VsEngland.SIMILAR),  # exactly on the bound is inside
        (71.3, -1, VsEngland.SIMILAR),
        (NAN, 1, VsEngland.NO_DATA),  # England has no figure
    ],
)
def test_vs_england(england: float, sign: int, expected: VsEngland) -> None:
    out = vs_england(
        np.array([72.1]),
        np.array([71.3]),
        np.array([72.9]),
        np.array([england]),
        np.array([sign]),
        np.array([False]),
    )
    assert list(out) == [expected]


@pytest.mark.parametrize(
    ("value", "lower", "upper"), [(NAN, NAN, NAN), (72.1, NAN, NAN), (72.1, 71.3, NAN)]
)
def test_no_figure_or_no_interval_is_no_data(value: float, lower: float, upper: float) -> None:
    one = [np.array([x]) for x in (value, lower, upper, 80.0, 1)]
    out = vs_england(one[0], one[1], one[2], one[3], one[4], np.array([False]))
    assert list(out) == [VsEngland.NO_DATA]


def test_england_itself_is_not_compared() -> None:
    one = [np.array([x]) for x in (72.1, 71.3, 72.9, 72.1, 1)]
    out = vs_england(one[0], one[1], one[2], one[3], one[4], np.array([True]))
    assert list(out) == [VsEngland.NOT_APPLICABLE]


def test_funnel() -> None:
    position = pd.Series(["above", "below", "within", None, "within", "above"], dtype=object)
    has = np.array([True, True, True, True, False, True])
    drawn = np.array([True, True, True, True, True, False])
    assert list(funnel(position, has, drawn)) == [
        Funnel.HIGH,
        Funnel.LOW,
        Funnel.NONE,
        Funnel.NO_DATA,  # an ICB with a figure that the funnel left off
        Funnel.NO_DATA,  # no figure
        Funnel.NOT_APPLICABLE,  # a region, England, or a metric without a funnel
    ]


MAR = dt.date(2024, 3, 1)


def _rows(values: dict[str, float], sign: int = 1) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "metric_id": "m",
            "period": MAR,
            "breakdown": "total",
            "group": "total",
            "org_code": list(values),
            "value": list(values.values()),
            "sign": sign,
        }
    )


def _pairs(groups: dict[str, list[str]]) -> pd.DataFrame:
    rows = [(MAR, o, p) for o, peers in groups.items() for p in peers]
    return pd.DataFrame(rows, columns=["period", "org_code", "peer_code"])


GROUPS = {"A": ["B", "C", "D"], "B": ["A", "C", "D"], "C": ["A", "B"], "D": ["A"]}


def _ranked(values: dict[str, float], sign: int = 1) -> dict[str, tuple]:
    rows = _rows(values, sign)
    out = peer_ranks(rows, _pairs(GROUPS))
    return {
        code: tuple(None if np.isnan(x) else int(x) for x in out.loc[i])
        for i, code in enumerate(rows["org_code"])
    }


def test_rank_among_peers_higher_is_better() -> None:
    ranked = _ranked({"A": 70.0, "B": 80.0, "C": 60.0, "D": 75.0})
    # (rank, ICB and peers with a figure, ICB and all peers)
    assert ranked == {"A": (3, 4, 4), "B": (1, 4, 4), "C": (3, 3, 3), "D": (1, 2, 2)}


def test_rank_when_lower_is_better_and_for_neutral() -> None:
    values = {"A": 70.0, "B": 80.0, "C": 60.0, "D": 75.0}
    assert _ranked(values, sign=-1)["A"] == (2, 4, 4)
    assert _ranked(values, sign=0)["A"] == (3, 4, 4)  # neutral: 1st is the highest


def test_ties_share_the_better_rank() -> None:
    ranked = _ranked({"A": 70.0, "B": 70.0, "C": 60.0, "D": 80.0})
    assert ranked["A"] == (2, 4, 4) and ranked["B"] == (2, 4, 4)


def test_missing_figures_are_counted_apart_never_ranked() -> None:
    ranked = _ranked({"A": 70.0, "B": NAN, "C": 60.0, "D": NAN})
    assert ranked["A"] == (1, 2, 4)  # 1st of the 2 with a figure; 4 in the group
    assert ranked["B"] == (None, None, 4)  # no figure: no rank
    assert ranked["D"] == (None, None, 2)  # its only peer has no figure: no rank


def test_no_peers_gives_no_ranks() -> None:
    rows = _rows({"A": 1.0})
    out = peer_ranks(rows, pd.DataFrame(columns=["period", "org_code", "peer_code"]))
    assert out.isna().all().all()
