"""Documentation stays in step with the code: every command is in the README."""

from __future__ import annotations

from pathlib import Path

import typer.main

from oversight.cli import app

ROOT = Path(__file__).resolve().parents[1]


def _command_names() -> set[str]:
    group = typer.main.get_command(app)
    return set(group.commands)  # type: ignore[attr-defined]


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = sorted(n for n in _command_names() if f"`oversight {n}" not in readme)
    assert missing == [], f"commands missing from README.md: {missing}"


def test_readme_gives_the_two_fresh_machine_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "./scripts/setup && .venv/bin/oversight demo" in readme
    assert "    ./scripts/test\n" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "./scripts/test" in ci


def test_every_docs_link_in_the_readme_exists() -> None:
    import re

    readme = (ROOT / "README.md").read_text()
    for target in re.findall(r"\]\((docs/[^)]+)\)", readme):
        assert (ROOT / target).exists(), target
