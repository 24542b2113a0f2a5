"""The stages in order: compute the results, judge them, re-check the escalation cases.

The faces that change results (`oversight compute`, the demo, the portal's publishing) call
`compute_and_judge`, so every published results version, full or incremental, gets its
judgements (segments included) and every open case's exit criteria are evaluated against it;
metrics never imports the judge. See docs/architecture.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oversight.home import Home
    from oversight.judge.stage import Judgements
    from oversight.metrics.results import ResultsVersion


def compute_and_judge(
    home: Home, *, deciles: str | Path | None = None, catalogue: Any = None, **options: Any
) -> tuple[ResultsVersion, Judgements]:
    """`oversight.metrics.compute(home, **options)`, then `oversight.judge.stage.assess` on the
    version it returns (skipped when that version is already judged: nothing changed), then the
    inequality measures of that version (oversight.judge.assessment.inequality_store)."""
    from oversight.judge import stage
    from oversight.metrics.stage import compute

    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
    version = compute(home, catalogue=catalogue, **options)
    done = stage.judged(home, version.id)
    if done is None:
        done = stage.assess(home, version, catalogue=catalogue, deciles=deciles)
    measure_inequality(home, version, catalogue)
    return version, done


def measure_inequality(home: Home, version: ResultsVersion, catalogue: Any) -> None:
    """The inequality measures of a judged version, stored with its judgements (once)."""
    from oversight.judge.assessment import inequality_store

    if not inequality_store.stored(home, version.id):
        inequality_store.write(home, version, catalogue)
