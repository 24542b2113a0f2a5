"""Peer groups: standardised features, Euclidean distances, the k nearest, per date."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from tests.shared_data import real_file

from oversight.catalogue import load
from oversight.judge.deprivation_file import read_deciles
from oversight.judge.peer_features import FEATURES, icb_features, quintile_populations
from oversight.judge.peers import distances, groups_on, pairs_frame, peer_groups, standardise

# Four ICBs at the corners of a 2 × 4 rectangle, and a feature that is the same everywhere.
# Standardised (mean 1 and 2, population sd 1 and 2): A(-1,-1) B(1,-1) C(-1,1) D(1,1).
TINY = pd.DataFrame(
    {"x": [0.0, 2.0, 0.0, 2.0], "y": [0.0, 0.0, 4.0, 4.0], "same": [5.0] * 4},
    index=["A", "B", "C", "D"],
)


def test_standardise_to_mean_0_sd_1_and_a_constant_feature_to_0() -> None:
    std = standardise(TINY)
    assert std["x"].tolist() == [-1.0, 1.0, -1.0, 1.0]
    assert std["y"].tolist() == [-1.0, -1.0, 1.0, 1.0]
    assert std["same"].tolist() == [0.0] * 4


def test_hand_checked_distances() -> None:
    d = distances(standardise(TINY))
    r8 = math.sqrt(8)
    expected = [[0, 2, 2, r8], [2, 0, r8, 2], [2, r8, 0, 2], [r8, 2, 2, 0]]
    for got, want in zip(d.to_numpy().tolist(), expected, strict=True):
        assert got == pytest.approx(want)
    assert list(d.index) == list(d.columns) == ["A", "B", "C", "D"]


def test_k_nearest_with_ties_broken_by_code() -> None:
    groups = peer_groups(TINY, k=2)
    assert dict(groups.groups) == {
        "A": ("B", "C"),
        "B": ("A", "D"),
        "C": ("A", "D"),
        "D": ("B", "C"),
    }
    assert peer_groups(TINY, k=1).groups["A"] == ("B",)
    assert groups.peers("D") == [("B", 2.0), ("C", 2.0)]
    assert peer_groups(TINY, k=3).peers("A")[-1] == ("D", pytest.approx(math.sqrt(8)))


def test_records_publish_features_and_distances() -> None:
    record = peer_groups(TINY, k=1).to_records()[0]
    assert record == {
        "org": "A",
        "features": {"x": 0.0, "y": 0.0, "same": 5.0},
        "peers": [{"org": "B", "distance": 2.0}],
    }


@pytest.mark.parametrize("k", [0, 4])
def test_impossible_k_is_refused(k: int) -> None:
    with pytest.raises(ValueError, match=r"k must be at least 1|cannot each have"):
        peer_groups(TINY, k=k)


def test_unknown_icb_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="no ICB ZZZ among A, B, C, D"):
        peer_groups(TINY, k=1).peers("ZZZ")


# --- features ---------------------------------------------------------------------------------

DECILES = pd.DataFrame(
    [("P1", d, 100.0) for d in range(1, 11)] + [("P2", 1, 300.0), ("P2", 10, 100.0)],
    columns=["icb_code", "decile", "population"],
)


@dataclass(frozen=True)
class _ICB:
    """The facts icb_features reads, without the catalogue's code-shape rules."""

    code: str
    population: float
    predecessor_codes: tuple[str, ...]


def _icb(code: str, population: float, predecessors: tuple[str, ...] = ()) -> _ICB:
    return _ICB(code, population, predecessors)


def test_quintiles_from_deciles() -> None:
    q = quintile_populations(DECILES)
    assert q.loc["P1"].tolist() == [200.0] * 5
    assert q.loc["P2"].tolist() == [300.0, 0.0, 0.0, 0.0, 100.0]  # absent deciles are empty


def test_features_of_a_merged_icb_combine_its_predecessors_by_population() -> None:
    icbs = {"P1": _icb("P1", 1000), "P2": _icb("P2", 400)}
    merged = _icb("M", 1400, ("P1", "P2"))
    out = icb_features([icbs["P1"], icbs["P2"], merged], quintile_populations(DECILES), icbs)
    assert list(out.columns) == FEATURES
    assert out.loc["P2"].tolist() == pytest.approx([math.log(400), 0.75, 0, 0, 0, 0.25])
    # (200 + 300) / 1400 in the most deprived quintile, (200 + 100) / 1400 in the least
    expected = [math.log(1400), 500 / 1400, 200 / 1400, 200 / 1400, 200 / 1400, 300 / 1400]
    assert out.loc["M"].tolist() == pytest.approx(expected)


def test_an_icb_without_figures_or_predecessors_is_refused() -> None:
    with pytest.raises(ValueError, match="ICB X has no deprivation figures"):
        icb_features([_icb("X", 10)], quintile_populations(DECILES))


# --- real data, by date -----------------------------------------------------------------------


def test_groups_follow_the_2026_merges_by_date() -> None:
    cat = load()
    quintiles = quintile_populations(
        read_deciles(real_file("imd2019_icb22_population_by_decile.csv"))
    )
    before, also_before, after = dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)
    groups = groups_on(cat, [before, also_before, after], quintiles)
    assert groups[before] is groups[also_before]  # the same set of ICBs: computed once
    old, new = groups[before], groups[after]
    # 2026-04: 42 ICBs, 10 merged into 5 and Frimley (QNQ) split up (d32949a): 36
    assert len(old.groups) == 42 and len(new.groups) == 36
    assert "QNQ" in old.groups and "QNQ" not in new.groups
    assert "QMJ" in old.groups and "QMJ" not in new.groups
    assert "Z9B2Z" in new.groups and "Z9B2Z" not in old.groups
    assert all(len(p) == 7 for p in new.groups.values())
    every_new_peer = {p for peers in new.groups.values() for p in peers}
    assert every_new_peer <= set(new.groups)
    assert not {p for peers in old.groups.values() for p in peers} & set(cat.merged_icbs)
    # the merged North West London + North Central London ICB: its predecessors' populations
    z = new.features.loc["Z9B2Z"]
    assert z["log_population"] == pytest.approx(math.log(cat.merged_icbs["Z9B2Z"].population))
    pops = quintiles.loc[["QMJ", "QRV"]].sum()
    assert z["imd_q1_share"] == pytest.approx(pops[1] / pops.sum())
    pairs = pairs_frame(groups)
    assert len(pairs) == 2 * 42 * 7 + 36 * 7
    assert set(pairs.loc[pairs["period"] == after, "org_code"]) == set(new.groups)


@settings(max_examples=60, deadline=None)
@given(
    data=arrays(
        np.float64,
        st.tuples(st.integers(5, 12), st.integers(1, 4)),
        elements=st.integers(-1000, 1000).map(float),  # spreads well above rounding error
    ),
    scale=st.floats(0.1, 100.0),
    shift=st.floats(-1e3, 1e3),
)
def test_groups_are_sound_and_ignore_each_features_units(
    data: np.ndarray, scale: float, shift: float
) -> None:
    """Distances are a metric; a peer is never the ICB itself; measuring a feature in other
    units (scaled and shifted) changes nothing, because every feature is standardised."""
    codes = [f"Q{i:02d}" for i in range(data.shape[0])]
    features = pd.DataFrame(data, index=codes)
    groups = peer_groups(features, k=3)
    d = groups.distances.to_numpy()
    assert np.allclose(d, d.T) and np.allclose(np.diag(d), 0)
    for code, peers in groups.groups.items():
        assert code not in peers and len(set(peers)) == 3
        near = [dist for _, dist in groups.peers(code)]
        assert near == sorted(near)
    moved = features.copy()
    moved[0] = moved[0] * scale + shift
    assert np.allclose(distances(standardise(moved)).to_numpy(), d, atol=1e-6)
