"""Property tests: every interval contains its estimate; wider confidence, wider interval."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.stats.funnel import funnel
from oversight.stats.intervals import proportion_ci, rate_ci
from oversight.stats.standardisation import dsr

counts = st.integers(min_value=0, max_value=5000)
sizes = st.integers(min_value=1, max_value=5000)


@st.composite
def x_and_n(draw: st.DrawFn) -> tuple[int, int]:
    n = draw(sizes)
    return draw(st.integers(min_value=0, max_value=n)), n


@settings(max_examples=100, deadline=None)
@given(x_and_n(), st.floats(min_value=0.9, max_value=0.999))
def test_wilson_contains_estimate_and_widens(pair: tuple[int, int], level: float) -> None:
    x, n = pair
    narrow = proportion_ci([x], [n], confidence=0.9)
    wide = proportion_ci([x], [n], confidence=level)
    both = proportion_ci([x], [n], confidence=(0.95, 0.998))
    p = x / n
    assert wide["lowercl"][0] <= p <= wide["uppercl"][0]
    assert wide["lowercl"][0] >= 0 and wide["uppercl"][0] <= 1
    assert wide["lowercl"][0] <= narrow["lowercl"][0] + 1e-12
    assert wide["uppercl"][0] >= narrow["uppercl"][0] - 1e-12
    assert both["lower99_8cl"][0] <= both["lower95_0cl"][0] + 1e-12
    assert both["upper99_8cl"][0] >= both["upper95_0cl"][0] - 1e-12


@settings(max_examples=100, deadline=None)
@given(counts, sizes)
def test_rate_contains_estimate_and_widens(x: int, n: int) -> None:
    out = rate_ci([x], [n], confidence=(0.95, 0.998))
    value = out["value"][0]
    assert out["lower99_8cl"][0] <= out["lower95_0cl"][0] <= value
    assert value <= out["upper95_0cl"][0] <= out["upper99_8cl"][0]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=400), min_size=19, max_size=19),
    st.lists(st.integers(min_value=500, max_value=20000), min_size=19, max_size=19),
)
def test_dsr_contains_estimate_when_published(x: list[int], n: list[int]) -> None:
    out = dsr(x, n, confidence=(0.95, 0.998))
    if sum(x) < 10:
        assert np.isnan(out["value"][0])
        return
    assert out["lower99_8cl"][0] <= out["lower95_0cl"][0] <= out["value"][0]
    assert out["value"][0] <= out["upper95_0cl"][0] <= out["upper99_8cl"][0]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(min_value=20, max_value=3000), min_size=12, max_size=42),
    st.floats(min_value=0.5, max_value=1.5),
)
def test_funnel_998_limits_enclose_95_and_target(expected: list[float], scale: float) -> None:
    e = np.round(np.asarray(expected), 2)
    rng = np.random.default_rng(len(expected))
    o = rng.poisson(e * scale).astype(float) + 1
    for method in ("SHMI", "CQC"):
        res = funnel(o, e, sr_method=method, draw_unadjusted=True)
        u = res.units
        for pre, post in (("LCL", ""), ("OD", "LCL")):
            lo95 = u[f"{pre}95{post}"] if pre == "OD" else u["LCL95"]
            lo99 = u[f"{pre}99{post}"] if pre == "OD" else u["LCL99"]
            assert np.all(lo99 <= lo95 + 1e-12)
            assert np.all(lo95 <= 1.0)
        assert np.all(u["UCL99"] >= u["UCL95"] - 1e-12)
        assert np.all(u["OD99UCL"] >= u["OD95UCL"] - 1e-12)
        assert np.all(u["OD95UCL"] >= 1.0)
