"""The FunnelPlotR switch to unadjusted limits includes phi = 1 exactly (R: ``phi <= 1``)."""

from __future__ import annotations

import pytest

from oversight.stats.funnel import MSG_NO_OVERDISPERSION, funnel


def test_phi_of_exactly_one_switches_to_unadjusted_limits() -> None:
    # CQC with E = 16: s = 1/(2*sqrt(16)) = 1/8 and z = (sqrt(O/16) - 1) * 8, so
    # O = 20.25 gives sqrt(1.265625) = 1.125, z = +1 and O = 12.25 gives 0.875, z = -1,
    # all exact in binary. Five of each: the type-7 10%/90% quantiles are -1 and +1, so
    # Winsorising changes nothing and phi = (1/10) * 10 = 1 exactly.
    # tau2 = (n*phi - (n-1)) / (sum w - sum w^2 / sum w), w = 1/s^2 = 64: 1 / (640 - 64).
    observed = [20.25, 12.25] * 5
    res = funnel(observed, [16.0] * 10, sr_method="CQC")
    assert res.phi == 1.0
    assert res.tau2 == pytest.approx(1 / 576, rel=1e-12)
    assert not res.draw_adjusted and res.draw_unadjusted
    assert res.messages == (MSG_NO_OVERDISPERSION,)
