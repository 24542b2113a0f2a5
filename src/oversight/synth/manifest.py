"""The manifest: what was generated and the truth planted in it, as JSON.

Written to <lake>/_synth/manifest.json. It carries no timestamps, so the same seed gives the
same bytes; `format` is bumped whenever a field changes meaning.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oversight.synth.truth import Injection

FORMAT = 1
MANIFEST_DIR = "_synth"
MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class DatasetSummary:
    rows: int
    files: int


@dataclass(frozen=True)
class Manifest:
    """A generation run: parameters, per-dataset counts and injected truth."""

    seed: int
    scale: float
    start: str
    months: int
    periods: tuple[str, ...]
    icb_codes: tuple[str, ...]
    datasets: dict[str, DatasetSummary]
    injections: tuple[Injection, ...]
    format: int = FORMAT
    generator: str = field(default="oversight.synth")

    @property
    def total_rows(self) -> int:
        return sum(d.rows for d in self.datasets.values())

    def injections_for(self, metric_id: str) -> tuple[Injection, ...]:
        return tuple(i for i in self.injections if i.metric_id == metric_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "generator": self.generator,
            "seed": self.seed,
            "scale": self.scale,
            "start": self.start,
            "months": self.months,
            "periods": list(self.periods),
            "icb_codes": list(self.icb_codes),
            "datasets": {
                k: {"rows": v.rows, "files": v.files} for k, v in sorted(self.datasets.items())
            },
            "injections": [i.to_json() for i in self.injections],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        return cls(
            seed=int(data["seed"]),
            scale=float(data["scale"]),
            start=str(data["start"]),
            months=int(data["months"]),
            periods=tuple(data["periods"]),
            icb_codes=tuple(data["icb_codes"]),
            datasets={k: DatasetSummary(**v) for k, v in data["datasets"].items()},
            injections=tuple(Injection(**i) for i in data["injections"]),
            format=int(data["format"]),
            generator=str(data["generator"]),
        )


def manifest_path(lake: Path) -> Path:
    return lake / MANIFEST_DIR / MANIFEST_NAME


def write(manifest: Manifest, lake: Path) -> Path:
    path = manifest_path(lake)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest.to_json(), indent=2, sort_keys=False) + "\n")
    return path


def read(lake: Path) -> Manifest:
    """The manifest of a generated lake."""
    return Manifest.from_json(json.loads(manifest_path(lake).read_text()))
