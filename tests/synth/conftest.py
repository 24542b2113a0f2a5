"""Fixtures: a small generated lake, made once per test session.

Organisations come from the shipped catalogue when it loads; while it is still being built,
from the reference list of ICBs (a stand-in with the same attributes, for tests only).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.shared_data import REFERENCE

from oversight.synth import Manifest, generate

REFERENCE_ICBS = REFERENCE / "icbs.csv"
SCALE, MONTHS, START, SEED = 0.02, 12, "2023-04", 7


@dataclass(frozen=True)
class _ICB:
    code: str
    name: str
    region_code: str
    population: int


@dataclass(frozen=True)
class _Provider:
    code: str
    kind: str


class ReferenceCatalogue:
    """Stand-in for `oversight.catalogue.load()`: 42 ICBs, one acute trust each, one
    ambulance service per region (attached to the region's first ICB)."""

    def __init__(self, path: Path = REFERENCE_ICBS) -> None:
        with path.open() as handle:
            rows = list(csv.DictReader(handle))
        self.icbs = {
            r["code"]: _ICB(r["code"], r["name"], r["region_code"], int(r["population"]))
            for r in rows
        }
        first_in_region: dict[str, str] = {}
        for code in sorted(self.icbs):
            first_in_region.setdefault(self.icbs[code].region_code, code)
        self._ambulance = {icb: f"R{region[1:]}A" for region, icb in first_in_region.items()}

    def providers_of(self, icb_code: str) -> Iterable[Any]:
        providers = [_Provider(f"{icb_code}T1", "acute")]
        if icb_code in self._ambulance:
            providers.append(_Provider(self._ambulance[icb_code], "ambulance"))
        return providers


@pytest.fixture(scope="session")
def catalogue() -> Any:
    """The shipped catalogue if it loads, else the reference stand-in."""
    try:
        from oversight.catalogue import load

        return load()
    except Exception:
        if not REFERENCE_ICBS.exists():
            pytest.skip("neither the catalogue nor the reference ICB list is available")
        return ReferenceCatalogue()


@pytest.fixture(scope="session")
def lake(tmp_path_factory: pytest.TempPathFactory, catalogue: Any) -> tuple[Path, Manifest]:
    out = tmp_path_factory.mktemp("lake")
    manifest = generate(
        out,
        scale=SCALE,
        months=MONTHS,
        start=START,
        seed=SEED,
        progress=False,
        catalogue=catalogue,
    )
    return out, manifest
