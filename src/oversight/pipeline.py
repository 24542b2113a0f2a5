"""The stages in order: compute the results, judge them, re-check the escalation cases.

The faces that change results (`oversight compute`, the demo, the portal's publishing) call
`compute_and_judge`, so every published results version, full or incremental, gets its
judgements (segments included) and every open case's exit criteria are evaluated against it;
metrics never imports the judge. See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oversight.home import Home
    from oversight.judge.escalation.evaluation import Evaluated
    from oversight.judge.stage import Judgements
    from oversight.metrics.results import ResultsVersion


def compute_and_judge(
    home: Home,
    *,
    deciles: str | Path | None = None,
    catalogue: Any = None,
    on_cases: Callable[[list[Evaluated]], None] | None = None,
    on_published: Callable[[ResultsVersion], None] | None = None,
    **options: Any,
) -> tuple[ResultsVersion, Judgements]:
    """`oversight.metrics.compute(home, **options)`, then `oversight.judge.stage.assess` on the
    version it returns (skipped when that version is already judged: nothing changed), then the
    inequality measures of that version (oversight.judge.assessment.inequality_store), then
    `evaluate_cases` (always: a case opened since may have criteria to check); `on_cases`
    receives that evaluation (the command line prints it); `on_published` the version as soon as
    it is published, before it is judged (the publish queue announces the figures then)."""
    from oversight.metrics.stage import compute

    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
    version = compute(home, catalogue=catalogue, **options)
    if on_published is not None:
        on_published(version)
    done = judge_version(home, version, catalogue, deciles)
    evaluated = evaluate_cases(home)
    if on_cases is not None:
        on_cases(evaluated)
    return version, done


def judge_version(
    home: Home, version: ResultsVersion, catalogue: Any, deciles: str | Path | None = None
) -> Judgements:
    """The judge stage of one published version: `stage.assess` (skipped when it is judged
    already) and its inequality measures. The publish queue runs this after the figures are
    published, as a step of its own, so a judgement never holds back the next figures."""
    from oversight.judge import stage

    done = stage.judged(home, version.id)
    if done is None:
        done = stage.assess(home, version, catalogue=catalogue, deciles=deciles)
    measure_inequality(home, version, catalogue)
    return done


def evaluate_cases(home: Home) -> list[Evaluated]:
    """Every open escalation case's exit criteria against the published results (a case in
    intervention whose criteria all hold moves on, audited as the system); nothing when the
    home has no database yet, as then it has no case (a look does not create one)."""
    if home.database_file is not None and not home.database_file.exists():
        return []
    from oversight.judge.escalation.evaluation import evaluate

    return evaluate(home) or []


def measure_inequality(home: Home, version: ResultsVersion, catalogue: Any) -> None:
    """The inequality measures of a judged version, stored with its judgements (once)."""
    from oversight.judge.assessment import inequality_store

    if not inequality_store.stored(home, version.id):
        inequality_store.write(home, version, catalogue)
