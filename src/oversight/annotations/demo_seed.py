"""The demo's annotations: one on each series where the synthetic NHS planted a step or a
trend, at the month it starts, so the demo's charts show annotations from the first run.

Written by the platform itself (actor `demo`, role `system`), audited like any other; the
demo plants no rebase, because its acceptance checks find the planted steps as special
cause, which a rebase at the step would hide by design.
"""

from __future__ import annotations

from dataclasses import dataclass

from oversight.annotations import annotation_store
from oversight.annotations.access import SYSTEM
from oversight.home import Home

KINDS = ("step", "trend")


@dataclass(frozen=True)
class Demo:
    name: str = "demo"
    role: str = SYSTEM
    org_code: str | None = None
    token_id: str = "demo"


def seed(home: Home) -> list[str]:
    """Annotate the planted steps and trends of the home's synthetic lake; ids added."""
    from oversight.catalogue import load
    from oversight.synth.manifest import read

    manifest = read(home.lake_dir)
    catalogue, engine = load(), home.database()
    added = []
    for planted in manifest.injections:
        if planted.kind not in KINDS or planted.metric_id not in catalogue.metrics:
            continue
        view = annotation_store.add(
            engine, Demo(), catalogue, metric=planted.metric_id, org=planted.icb_code,
            on=planted.start, text=f"Demo: planted {planted.kind}. {planted.description}",
        )
        added.append(view.id)
    return added
