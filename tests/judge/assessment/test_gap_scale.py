"""A gap is on the numerators' own scale unless a multiplier is given."""

from __future__ import annotations

import numpy as np

from oversight.judge.assessment.gaps import gap


def test_without_a_multiplier_a_gap_is_on_the_raw_scale() -> None:
    for statistic in ("proportion", "rate"):
        d, lower, upper = gap(statistic, np.array([30.0]), np.array([100.0]),
                              np.array([10.0]), np.array([100.0]))  # fmt: skip
        assert abs(d[0] - 0.2) < 1e-12
        assert lower[0] < 0.2 < upper[0] < 1.0
        scaled = gap(statistic, np.array([30.0]), np.array([100.0]), np.array([10.0]),
                     np.array([100.0]), multiplier=100.0)  # fmt: skip
        assert abs(scaled[0][0] - 20.0) < 1e-9
        assert abs(scaled[1][0] - lower[0] * 100) < 1e-9
