"""What the judge's other commands print, on a small home (SQLite; the PostgreSQL side of each
command is tested with its rules elsewhere): `oversight target list|show|add|revise` as text
and JSON, `oversight peer-group list` as text, `oversight segment` and `oversight segment
record` over the small judged version of tests/judge/stage_support.py, and the progress bar
`oversight segment` shows on a terminal."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from tests.judge.stage_support import rows, write_version
from typer.testing import CliRunner

from oversight.catalogue import load
from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.judge import stage
from oversight.judge.segment_command import _LateBar

CAT = load()
LOCAL = [
    "--year",
    "2025/26",
    "--metric",
    "ae_4hr",
    "--value",
    "78",
    "--comparison",
    ">=",
    "--deadline",
    "2026-03-31",
    "--date-set",
    "2025-04-20",
    "--owner",
    "Director of Performance",
    "--rationale",
    "Two sites already exceed 80% and the third has a new front door from June 2025",
]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    url = f"sqlite:///{tmp_path / 'oversight.db'}"
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", url)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    return Home.at(tmp_path / "home", url)


def _run(home: Home, *args: str, columns: int = 400) -> Any:
    return CliRunner().invoke(app, [*args, "--home", str(home.root)], env={"COLUMNS": str(columns)})


def _token(home: Home, name: str, org: str | None, role: str = "submitter") -> str:
    return tokens.create(name, org, role, engine=home.database())


def test_target_add_and_revise_print_the_new_id_or_its_record(home: Home) -> None:
    gm = _token(home, "gm", "QOP")
    done = _run(home, "target", "add", "--scope", "local", "--icb", "QOP", *LOCAL, "--token", gm)
    assert done.exit_code == 0, done.output
    assert done.stdout == "added QOP-ae_4hr-2025-26-v1 (draft)\n"
    target = "QOP-ae_4hr-2025-26-v1"
    assert (
        _run(home, "target", "publish", target, "--reason", "Board", "--token", gm).exit_code == 0
    )
    done = _run(
        home,
        "target",
        "revise",
        target,
        "--value",
        "76",
        "--date-set",
        "2025-10-09",
        "--reason",
        "Winter pressures",
        "--token",
        gm,
    )
    assert done.exit_code == 0, done.output
    assert done.stdout == f"added QOP-ae_4hr-2025-26-v2 (draft), superseding {target}\n"
    done = _run(
        home,
        "target",
        "add",
        "--scope",
        "local",
        "--icb",
        "QOP",
        *LOCAL,
        "--metric",
        "rtt_18wk",
        "--json",
        "--token",
        gm,
    )
    assert done.exit_code == 0, done.output
    record = json.loads(done.stdout)
    assert (record["id"], record["status"], record["value"]) == (
        "QOP-rtt_18wk-2025-26-v1",
        "draft",
        78.0,
    )
    done = _run(
        home,
        "target",
        "revise",
        "QOP-rtt_18wk-2025-26-v1",
        "--value",
        "77",
        "--date-set",
        "2025-10-09",
        "--reason",
        "Typo",
        "--json",
        "--token",
        gm,
    )
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["supersedes"] == "QOP-rtt_18wk-2025-26-v1"


def test_target_show_prints_each_field_and_the_history_with_reasons(home: Home) -> None:
    gm = _token(home, "gm", "QOP")
    _run(home, "target", "add", "--scope", "local", "--icb", "QOP", *LOCAL, "--token", gm)
    target = "QOP-ae_4hr-2025-26-v1"
    _run(home, "target", "publish", target, "--reason", "Board 1 May", "--token", gm)
    shown = json.loads(_run(home, "target", "show", target, "--json").stdout)
    done = _run(home, "target", "show", target, columns=80)
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    fields = [f"{k}: {v}" for k, v in shown["target"].items()]
    assert lines[: len(fields)] == fields  # one line each, however long (no wrapping at 80)
    assert any(len(x) > 80 for x in fields)
    assert lines[len(fields)] == "history:"
    history = lines[len(fields) + 1 :]
    assert [x.split(maxsplit=3)[3] for x in history] == [
        f"target.add {target}",
        f"target.publish {target} because Board 1 May",
    ]
    assert all(x.startswith("  2") and x.split()[2] == "token:gm" for x in history)


def test_target_list_tables(home: Home) -> None:
    admin = _token(home, "ops", None, "admin")
    gm = _token(home, "gm", "QOP")
    assert _run(home, "target", "seed", "--token", admin).exit_code == 0
    _run(home, "target", "add", "--scope", "local", "--icb", "QOP", *LOCAL, "--token", gm)
    listed = json.loads(_run(home, "target", "list", "--json").stdout)
    done = _run(home, "target", "list")
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[-1] == f"{len(listed)} targets"
    national = next(t for t in listed if t["scope"] == "national")
    row = next(x for x in done.stdout.splitlines() if f" {national['id']} " in x)
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells == [
        national["id"],
        "national",
        "-",
        national["metric_id"],
        national["planning_year"],
        f"{national['comparison']} {national['value']:g}",
        national["status"],
        str(national["version"]),
    ]
    local = next(x for x in done.stdout.splitlines() if " QOP-ae_4hr-2025-26-v1 " in x)
    assert [c.strip() for c in local.strip("│ ").split("│")][1:3] == ["local", "QOP"]
    coverage = {
        c["metric"]: c
        for c in json.loads(_run(home, "target", "list", "--by-metric", "--json").stdout)
    }
    done = _run(home, "target", "list", "--by-metric")
    assert done.exit_code == 0, done.output
    ae = next(x for x in done.stdout.splitlines() if x.strip("│ ").startswith("ae_4hr "))
    cells = [c.strip() for c in ae.strip("│ ").split("│")]
    assert cells == [
        "ae_4hr",
        coverage["ae_4hr"]["kind"],
        str(coverage["ae_4hr"]["local_count"]),
        ", ".join(coverage["ae_4hr"]["local_icbs"]),
    ]


def test_peer_group_list_table(home: Home) -> None:
    gm = _token(home, "gm", "QOP")
    add = [
        "peer-group",
        "add",
        "Conurbations",
        "--member",
        "QOP",
        "--member",
        "QHL",
        "--from",
        "2025-04-01",
        "--reason",
        "compare",
        "--token",
        gm,
    ]
    assert _run(home, *add).exit_code == 0
    group = "QOP-conurbations-20250401"
    done = _run(home, "peer-group", "list")
    assert done.exit_code == 0, done.output
    row = next(x for x in done.stdout.splitlines() if group in x)
    assert [c.strip() for c in row.strip("│ ").split("│")] == [
        group,
        "Conurbations",
        "QOP",
        "QOP, QHL",
        "2025-04-01",
        "-",
        "-",
    ]
    assert (
        _run(
            home,
            "peer-group",
            "retire",
            group,
            "--reason",
            "x",
            "--on",
            "2025-07-01",
            "--token",
            gm,
        ).exit_code
        == 0
    )
    row = next(x for x in _run(home, "peer-group", "list").stdout.splitlines() if group in x)
    assert [c.strip() for c in row.strip("│ ").split("│")][-1] == "2025-07-01"
    assert [
        g["id"]
        for g in json.loads(_run(home, "peer-group", "list", "--owner", "QOP", "--json").stdout)
    ] == [group]
    assert json.loads(_run(home, "peer-group", "list", "--owner", "QHL", "--json").stdout) == []
    assert json.loads(_run(home, "peer-group", "list", "--owner", "nhse", "--json").stdout) == []


@pytest.fixture
def judged(home: Home) -> Home:
    stage.assess(home, write_version(home, "v1", rows()), catalogue=CAT)
    return home


def test_segment_prints_the_stored_segments_as_json_or_text(judged: Home) -> None:
    from oversight.judge.segmentation.published import segment_published
    from oversight.judge.segmentation.text import render

    done = _run(judged, "segment", "--rules", "nof-2025", "--org", "QMJ", "--json")
    assert done.exit_code == 0, done.output
    found = segment_published(judged, "nof-2025", None, "QMJ")
    assert json.loads(done.stdout) == json.loads(json.dumps([r.to_dict() for r in found]))
    assert done.stdout.startswith("[\n  {\n    ")  # indented by 2
    done = _run(judged, "segment", "--rules", "nof-2025", "--org", "QMJ")
    assert done.exit_code == 0, done.output
    assert done.stdout == render(found, {c: i.name for c, i in CAT.icbs.items()}) + "\n"
    assert CAT.icbs["QMJ"].name in done.stdout


def test_segment_bad_choices_exit_2_and_no_results_exit_1(judged: Home, tmp_path: Path) -> None:
    done = _run(judged, "segment", "--rules", "nope")
    assert done.exit_code == 2 and "--rules" in done.output and "nof-2025" in done.output
    empty = CliRunner().invoke(app, ["segment", "--home", str(tmp_path / "empty")])
    assert empty.exit_code == 1 and empty.stderr.startswith("Error: ") and empty.stdout == ""


def test_segment_record_says_what_it_recorded_and_remade(judged: Home, tmp_path: Path) -> None:
    nhse = _token(judged, "nhse", None, "nhse")
    args = [
        "segment",
        "record",
        "capability",
        "--org",
        "qmj",
        "--period",
        "2024-Q1",
        "--intensive-support",
        "--reason",
        "Board review",
        "--token",
        nhse,
    ]
    done = _run(judged, *args)
    assert done.exit_code == 0, done.output
    first, second = done.stdout.splitlines()
    assert first.startswith("Recorded capability for QMJ in 2024-Q1 (record ")
    assert first.endswith(") by token:nhse: Board review")
    assert second == "Stored segments made again: 3 file(s)."
    done = _run(
        judged,
        "segment",
        "record",
        "override",
        "--org",
        "QMJ",
        "--period",
        "2023-Q1",
        "--status",
        "both",
        "--reason",
        "Plan",
        "--token",
        nhse,
    )
    assert done.exit_code == 0, done.output
    assert len(done.stdout.splitlines()) == 1  # nothing stored for that quarter
    done = _run(
        judged,
        "segment",
        "record",
        "decision",
        "--org",
        "QMJ",
        "--period",
        "2024-Q1",
        "--segment",
        "3",
        "--rules",
        "nof-2025",
        "--reason",
        "x",
        "--token",
        nhse,
    )
    assert done.exit_code == 2 and "choose one of nof-2022" in done.output
    done = _run(
        judged,
        "segment",
        "record",
        "decision",
        "--org",
        "QMJ",
        "--period",
        "2024-Q1",
        "--segment",
        "3",
        "--reason",
        "Agreed",
        "--token",
        nhse,
    )
    assert done.exit_code == 0 and done.stdout.startswith("Recorded decision for QMJ in 2024-Q1")
    done = _run(
        judged,
        "segment",
        "record",
        "override",
        "--org",
        "QMJ",
        "--period",
        "2024-Q1",
        "--status",
        "broke",
        "--reason",
        "x",
        "--token",
        nhse,
    )
    assert done.exit_code == 2 and "--status must be one of in-deficit" in done.output


# ---- the late progress bar ----


def _terminal() -> Console:
    return Console(file=io.StringIO(), force_terminal=True, width=80)


def test_the_bar_shows_only_on_a_terminal_and_only_once_the_work_takes_a_while() -> None:
    plain = _LateBar(Console(file=io.StringIO(), force_terminal=False), after=0.0)
    plain("quarters", 1, 4)
    assert plain.bar is None
    plain.close()
    waiting = _LateBar(_terminal(), after=60.0)
    waiting("quarters", 1, 4)
    assert waiting.bar is None
    waiting.close()


def test_the_bar_follows_the_work_and_is_removed_when_done() -> None:
    late = _LateBar(_terminal(), after=0.0)
    time.sleep(0.001)
    late("rule sets", 0, 0)  # no total known yet: a spinner, not a finished bar
    assert late.bar is not None and late.bar.live.is_started
    (task,) = late.bar.tasks
    assert (task.description, task.completed, task.total) == ("rule sets", 0, None)
    late("quarters", 1, 4)
    assert (task.description, task.completed, task.total) == ("quarters", 1, 4)
    late.close()
    assert not late.bar.live.is_started
    assert late.bar.live.transient


def test_the_bar_waits_one_second_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    from oversight.judge import segment_command

    now = [100.0]
    monkeypatch.setattr(segment_command.time, "perf_counter", lambda: now[0])
    soon = _LateBar(_terminal())
    now[0] = 100.5
    soon("quarters", 1, 4)
    assert soon.bar is None
    now[0] = 101.0  # exactly one second on
    soon("quarters", 2, 4)
    assert soon.bar is not None
    soon.close()
