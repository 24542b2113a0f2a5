"""The command line starts without loading a data or web library: `oversight --help` and
`oversight version` stay quick because heavy imports happen where they are used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# pydantic is not listed: Typer itself loads it to run a command.
HEAVY = (
    "alembic",
    "duckdb",
    "fastapi",
    "ibis",
    "numpy",
    "pandas",
    "pyarrow",
    "pyspark",
    "scipy",
    "sqlalchemy",
    "uvicorn",
    "yaml",
)
SRC = Path(__file__).resolve().parents[1] / "src"


def _loaded_after(argv: list[str]) -> list[str]:
    """The heavy top-level packages a fresh interpreter holds after running `oversight ARGV`."""
    code = (
        "import json, sys\n"
        "from oversight.cli import app\n"
        f"sys.argv = ['oversight', *{argv!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    path = os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["version"],
        ["compute", "--help"],
        ["target", "--help"],
        ["peer-group", "--help"],
        ["segment", "--help"],
    ],
)
def test_the_command_line_starts_without_heavy_libraries(argv: list[str]) -> None:
    assert _loaded_after(argv) == []
