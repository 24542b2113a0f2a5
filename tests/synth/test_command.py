"""`oversight synth` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from oversight.cli import app
from oversight.synth import build
from oversight.synth.organisations import from_catalogue


def test_synth_command_writes_the_lake_and_manifest(
    tmp_path: Path, catalogue: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not hasattr(catalogue, "datasets"):  # the shipped catalogue does not load yet
        monkeypatch.setattr(build, "load_icbs", lambda: from_catalogue(catalogue))
    out = tmp_path / "lake"
    args = ["synth", "--out", str(out), "--scale", "0.002", "--months", "2"]
    result = CliRunner().invoke(app, [*args, "--start", "2024-01", "--seed", "5", "--no-progress"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "_synth" / "manifest.json").read_text())
    assert manifest["periods"] == ["2024-01", "2024-02"]
    assert manifest["seed"] == 5
    assert (out / "ae_attendances" / "2024-02" / f"{manifest['icb_codes'][0]}.parquet").exists()
    assert "42 ICBs" in result.output


def test_synth_command_rejects_a_bad_start_month(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "--out", str(tmp_path), "--start", "2024-13"])
    assert result.exit_code == 2
    assert "period must look like 2024-06; got '2024-13'" in result.output


def test_synth_command_writes_into_the_lake_of_the_home_given(tmp_path: Path) -> None:
    args = ["synth", "--scale", "0.001", "--months", "1", "--start", "2024-01", "--no-progress"]
    result = CliRunner().invoke(app, [*args, "--workers", "1", "--home", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "lake" / "_synth" / "manifest.json").exists()
    both = CliRunner().invoke(app, [*args, "--home", str(tmp_path), "--out", str(tmp_path)])
    assert both.exit_code == 2 and "not both" in both.output
