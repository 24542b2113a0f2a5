"""`oversight spc` reads a CSV, charts each series and prints or writes the points."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from oversight.cli import app


def write_csv(path: Path) -> Path:
    months = pd.date_range("2023-01-01", periods=15, freq="MS")
    rows = [(m.date(), "QMJ", 10 + i % 3) for i, m in enumerate(months)]
    rows += [(m.date(), "QWE", 2 * i) for i, m in enumerate(months)]
    pd.DataFrame(rows, columns=["month", "icb", "value"]).to_csv(path, index=False)
    return path


def test_spc_writes_the_points_and_reports_icons(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv")
    out = tmp_path / "out.csv"
    args = ["spc", str(src), "--value", "value", "--date", "month", "--by", "icb"]
    result = CliRunner().invoke(app, [*args, "--target", "20", "--out", str(out)])
    assert result.exit_code == 0, result.output
    points = pd.read_csv(out)
    assert len(points) == 30 and set(points["f"]) == {"QMJ", "QWE"}
    # QMJ is 10, 11, 12 repeating: mean 165/15 = 11; MRs 1, 1, 2 repeating: 14 of them,
    # sum 18, all below 3.267 × 18/14, so UCL = 11 + 2.66 × 18/14 = 14.42; target 20 is above.
    qmj = points[points["f"] == "QMJ"]
    assert qmj["upl"].iloc[0] == pytest.approx(11 + 2.66 * (18 / 14), rel=1e-15)
    assert "QMJ: variation common_cause, assurance fail" in result.output
    assert "QWE: variation improvement_high" in result.output


def test_spc_prints_a_table_and_rejects_bad_input(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "in.csv")
    ok = CliRunner().invoke(app, ["spc", str(src), "--value", "value", "--date", "month"])
    assert ok.exit_code != 0 and "twice" in ok.output  # two ICBs share dates without --by
    bad = CliRunner().invoke(
        app,
        [
            "spc",
            str(src),
            "--value",
            "value",
            "--date",
            "month",
            "--by",
            "icb",
            "--improvement",
            "up",
        ],
    )
    assert bad.exit_code != 0 and "improvement" in bad.output
    shown = CliRunner().invoke(
        app, ["spc", str(src), "--value", "value", "--date", "month", "--by", "icb"]
    )
    assert shown.exit_code == 0 and "Common" in shown.output
