"""Where the shared public data lives: real NHS statistics and reference facts.

Read from there, never copied into the repository. `OVERSIGHT_SHARED_DATA` points at the folder
holding `real/` and `reference/`; by default it is `../shared/data` beside the checkout, then
`/work/shared/data`. Tests that need a file skip with a clear reason when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]


def _shared_data() -> Path:
    env = os.environ.get("OVERSIGHT_SHARED_DATA")
    if env:
        return Path(env)
    for candidate in (_ROOT.parent / "shared" / "data", Path("/work/shared/data")):
        if candidate.exists():
            return candidate
    return _ROOT.parent / "shared" / "data"


SHARED_DATA = _shared_data()
REAL = SHARED_DATA / "real"
REFERENCE = SHARED_DATA / "reference"


def real_file(name: str) -> Path:
    """A real NHS data file, or a skip naming it when this machine does not have it."""
    import pytest

    path = REAL / name
    if not path.is_file():
        pytest.skip(f"real NHS data file {path} is absent (see shared/data/real/README.md)")
    return path
