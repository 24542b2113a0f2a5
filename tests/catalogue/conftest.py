"""Fixtures: a writable copy of the packaged catalogue that a test can break one entry of."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from oversight.catalogue.files import DEFAULT_DIR, FILES

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
from tests.shared_data import REFERENCE  # noqa: E402


def _read(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)


class CatalogueCopy:
    """A copy of the shipped catalogue in a temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(DEFAULT_DIR, root)

    def edit(self, file: str, entry_id: str, change: Callable[[dict[str, Any]], None]) -> None:
        """Apply `change` to the entry `entry_id` of `file` and write the file back."""
        spec = next(s for s in FILES if s.name == file)
        path = self.root / file
        doc = _read(path)
        entry = next(e for e in doc[spec.key] if str(e[spec.id_field]) == entry_id)
        change(entry)
        path.write_text(yaml.dump(doc, Dumper=_DUMPER, sort_keys=False), encoding="utf-8")

    def append(self, file: str, entry: dict[str, Any]) -> None:
        """Add an entry at the end of `file`."""
        spec = next(s for s in FILES if s.name == file)
        path = self.root / file
        doc = _read(path)
        doc[spec.key].append(entry)
        path.write_text(yaml.dump(doc, Dumper=_DUMPER, sort_keys=False), encoding="utf-8")

    def entry(self, file: str, entry_id: str) -> dict[str, Any]:
        """A copy of one entry as written."""
        spec = next(s for s in FILES if s.name == file)
        doc = _read(self.root / file)
        found: dict[str, Any] = next(e for e in doc[spec.key] if str(e[spec.id_field]) == entry_id)
        return found


@pytest.fixture
def catalogue_copy(tmp_path: Path) -> CatalogueCopy:
    return CatalogueCopy(tmp_path / "catalogue")


@pytest.fixture
def reference_dir() -> Path:
    if not (REFERENCE / "icbs.csv").exists():
        pytest.skip(f"reference data not present at {REFERENCE}")
    return REFERENCE
