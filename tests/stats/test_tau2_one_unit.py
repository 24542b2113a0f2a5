"""tau2 for a single unit, as FunnelPlotR's tau_func gives it.

With n = 1 the threshold n*phi < n - 1 never holds (phi >= 0), and the moment estimator's
denominator sum(w) - sum(w^2)/sum(w) is w - w = 0, so R returns Inf (a positive numerator
over zero): one unit says nothing about the spread between units.
"""

from __future__ import annotations

import math

import numpy as np

from oversight.stats import overdispersion as od


def test_one_unit_has_an_unbounded_tau2_as_in_r() -> None:
    s = np.array([0.5])  # w = 4, sum(w^2)/sum(w) = 16/4 = 4 exactly
    with np.errstate(divide="ignore"):
        assert math.isinf(od.tau2(1, 2.0, s))
