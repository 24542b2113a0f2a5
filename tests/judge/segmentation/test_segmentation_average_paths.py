"""The average of scores off the grid of `decimals` places is the exact decimal mean.

combine.average sums whole units when every score sits on the grid; a score off it (2.345 with
two decimals) must go through decimal arithmetic, or it would be rounded to the grid before the
mean is taken and the mean would come out one unit off.
"""

from __future__ import annotations

from oversight.judge.segmentation.combine import average


def test_a_score_off_the_grid_is_averaged_exactly_then_rounded_half_up() -> None:
    assert average([2.345], 2) == 2.35  # 234.5 units: half up, not round-half-even 234
    assert average([2.349, 2.0], 2) == 2.17  # 4.349 / 2 = 2.1745, not (235 + 200) / 2 units
    assert average([2.349, 2.0, 2.35], 2) == 2.23  # 6.699 / 3 = 2.233
