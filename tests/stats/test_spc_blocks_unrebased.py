"""Blocks of series with no rebase: every point is in rebase group 0, whatever memory held.

run_blocks fills its output block by block and copies rebase_group only when some series is
rebased, so without rebases the group must start as zeros, not as whatever a reused buffer
held. Freed buffers of the same size full of -1 are left for the allocator to hand back.
"""

from __future__ import annotations

import numpy as np

from oversight.stats.spc.blocks import run_blocks


def test_no_rebase_means_group_zero_for_every_point_in_every_block() -> None:
    sizes = [12] * 5
    n = sum(sizes)
    starts = np.arange(0, n, 12)
    y = np.tile([4.0, 3, 2, 4, 8, 8, 4, 7, 5, 1, 2, 3], len(sizes))
    for _ in range(3):
        dirty = [np.full(n, -1, dtype=np.int64) for _ in range(64)]
        del dirty
        res = run_blocks(
            y,
            starts,
            np.zeros(n, dtype=bool),
            improvement=1,
            fix_after=np.inf,
            screen=True,
            target=np.full(len(sizes), np.nan),
            block_points=24,
        )
        assert res.rebase_group.tolist() == [0] * n
