"""Every month option of the command line answers a bad month with the period's message and
exit code 2: no traceback, no Python exception text, nothing done."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from oversight.cli import app

COMMANDS = {
    "submit --period": ["submit", "{file}", "--collection", "gp_appointments_return",
                        "--org", "QMJ", "--period", "{bad}"],
    "burden --from": ["burden", "--from", "{bad}"],
    "burden --to": ["burden", "--to", "{bad}"],
    "synth --start": ["synth", "--out", "{out}", "--start", "{bad}"],
    "demo --start": ["demo", "--start", "{bad}", "--no-serve", "--home", "{out}"],
}


def _flat(output: str) -> str:
    """The output without the box rich draws around errors, on one line."""
    return " ".join(output.replace("│", " ").split())


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("bad", ["March", "0000-01", "2024-13", "2024-6"])
def test_a_bad_month_option_exits_2_with_the_message(
    command: str, bad: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERSIGHT_HOME", str(tmp_path / "home"))
    file = tmp_path / "gp.csv"
    file.write_text("icb_code,period,appointments\n")
    out = tmp_path / "out"
    args = [
        a.replace("{file}", str(file)).replace("{bad}", bad).replace("{out}", str(out))
        for a in COMMANDS[command]
    ]
    result = CliRunner().invoke(app, args)
    option = command.split()[1]
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert f"Invalid value for '{option}': period must look like 2024-06; got '{bad}'" in (
        _flat(result.output)
    )
    assert not out.exists() and not (tmp_path / "home").exists()
