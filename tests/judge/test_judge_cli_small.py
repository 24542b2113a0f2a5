"""`oversight judge` and `oversight peers` over a small hand-made results version
(tests/judge/stage_support.py): what they print, and exit 2 naming the valid choices. The
same commands over the computed demo are test_judge_command.py (slow)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from tests.judge.stage_support import ICBS, METRICS, REGION, publish_full, rows, write_version
from tests.shared_data import real_file
from typer.testing import CliRunner

from oversight.catalogue import load
from oversight.cli import app
from oversight.home import Home
from oversight.judge import command, stage
from oversight.judge.deprivation_file import DECILE_FILE
from oversight.period import Period

RUNNER = CliRunner()
CAT = load()


def _run(*args: str) -> tuple[int, str]:
    """Exit code and output; wide, so that an error message stays on one line of its box."""
    result = RUNNER.invoke(app, list(args), env={"COLUMNS": "400"})
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """Results published, not judged: the first `oversight judge` judges them."""
    home = Home.at(tmp_path_factory.mktemp("judge-cli") / "home")
    write_version(home, "v1", rows())
    return home


def test_judge_judges_the_published_results_first_then_prints_one_line_each(home: Home) -> None:
    result = RUNNER.invoke(app, ["judge", "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    assert "Judging results v1" in result.stderr and "Judging" not in result.stdout
    assert stage.judged(home, "v1") is not None
    lines = [x for x in result.output.splitlines() if not x.startswith(("    ", "Judging"))]
    heads = sorted(x.split(":")[0] for x in lines)
    orgs = [*ICBS, REGION, "ENG"]
    assert heads == sorted(f"{o} {m} 2024-03" for o in orgs for m in METRICS)
    assert max(len(x) for x in result.output.splitlines()) <= 80
    code, again = _run("judge", "--home", str(home.root))
    assert code == 0 and "Judging" not in again  # judged once


def test_judge_text_of_one_judgement_is_its_summary(home: Home) -> None:
    code, out = _run(
        "judge",
        "--home",
        str(home.root),
        "--org",
        "qmj",
        "--metric",
        "ae_4hr",
        "--period",
        "2024-02",
    )
    assert code == 0, out
    (j,) = stage.judgements(home, org="QMJ", metric="ae_4hr", period="2024-02")
    flags = f" [{', '.join(j.disagreements)}]" if j.disagreements else ""
    assert out == command.wrapped(f"QMJ ae_4hr 2024-02: {j.summary}{flags}") + "\n"


def test_judge_json_is_the_judgements_as_read_back(home: Home) -> None:
    code, out = _run("judge", "--home", str(home.root), "--org", "QMF", "--json")
    assert code == 0, out
    found = stage.judgements(home, org="QMF", period="2024-03")
    assert json.loads(out) == json.loads(json.dumps([j.to_dict() for j in found]))
    assert [i["metric"] for i in json.loads(out)] == list(METRICS)


def test_judge_breakdown_groups_of_the_latest_month(home: Home) -> None:
    code, out = _run(
        "judge",
        "--home",
        str(home.root),
        "--org",
        "QRV",
        "--metric",
        "rtt_18wk",
        "--breakdown",
        "imd_decile",
    )
    assert code == 0, out
    assert [x.split(":")[0] for x in out.splitlines() if not x.startswith("    ")] == [
        "QRV rtt_18wk imd_decile=1 2024-03",
        "QRV rtt_18wk imd_decile=2 2024-03",
    ]
    code, out = _run("judge", "--home", str(home.root), "--breakdown", "imd_decile", "--json")
    assert code == 0 and len(json.loads(out)) == 5 * 2 * 2
    code, out = _run(
        "judge", "--home", str(home.root), "--breakdown", "imd_decile", "--period", "2024-02"
    )
    assert code == 2 and "latest month only, 2024-03" in out


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--org", "QQQ", "ENG, QMF, QMJ, QRV, Y56"),
        ("--metric", "nope", "ae_4hr, rtt_18wk"),
        ("--period", "2023-01", "2024-01, 2024-02, 2024-03"),
        ("--breakdown", "sex", "choose one of: imd_decile"),
    ],
)
def test_unknown_choice_exits_2_naming_the_valid_ones(
    home: Home, option: str, value: str, named: str
) -> None:
    code, out = _run("judge", "--home", str(home.root), option, value)
    assert code == 2, out
    assert repr(value) in out and named in out and "choose one of" in out


def test_judge_before_compute_says_what_to_do(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["judge", "--home", str(tmp_path)])
    assert result.exit_code == 1 and result.stdout == ""
    assert "No computed results under" in result.stderr and "oversight compute" in result.stderr


@pytest.mark.parametrize("layout", ["files", "pieces"])
def test_judge_of_results_without_rows_says_there_is_nothing_to_judge(
    tmp_path: Path, layout: str
) -> None:
    """A version published with no rows (format 1, or format 2 with no metric pieces: the
    public readers found no columns) is judged to nothing and said so, not a traceback."""
    home = Home.at(tmp_path / "home")
    empty = rows().iloc[0:0]
    version = write_version(home, "v1", empty) if layout == "files" else publish_full(home, empty)
    result = RUNNER.invoke(app, ["judge", "--home", str(home.root)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.stdout == ""
    assert f"Results {version.id} hold no rows, so nothing is judged" in result.stderr
    found = stage.judged(home, version.id)
    assert found is not None and found.periods() == []


def test_choices_are_sorted_unique_and_cut_at_the_limit() -> None:
    assert command._choices(["b", "a", "b"]) == "a, b"
    many = [f"x{i:02d}" for i in range(61)]
    assert command._choices(many) == ", ".join(many[:60]) + " … (61 in all)"
    assert command._choices(many[:60]) == ", ".join(many[:60])
    assert command._choices(many, limit=2) == "x00, x01 … (61 in all)"


def test_wrapped_keeps_codes_whole_and_indents_what_runs_on() -> None:
    text = "QMJ ae_4hr 2024-03: " + "word " * 34 + "a-very-long-hyphenated-code-that-is-not-split"
    lines = command.wrapped(text).splitlines()
    assert all(len(x) <= 80 for x in lines[:-1]) and lines[0].startswith("QMJ")
    assert all(x.startswith("    ") for x in lines[1:])
    assert lines[-1].strip().endswith("a-very-long-hyphenated-code-that-is-not-split")
    long = "x" * 100
    assert command.wrapped(f"a {long}").splitlines() == ["a", f"    {long}"]


def test_peers_need_the_deciles_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OVERSIGHT_DEPRIVATION_FILE", raising=False)
    result = RUNNER.invoke(app, ["peers", "--home", str(tmp_path / "h")])
    assert result.exit_code == 1 and result.stdout == ""
    assert DECILE_FILE in result.stderr and str(tmp_path / "h" / "reference") in result.stderr
    code, out = _run("peers", "--home", str(tmp_path / "h"), "--deciles", str(tmp_path / "no.csv"))
    assert code == 1 and "--deciles" in out


def test_peers_of_one_icb_in_the_latest_computed_month(home: Home, tmp_path: Path) -> None:
    deciles = real_file(DECILE_FILE)
    code, out = _run(
        "peers", "--home", str(home.root), "--deciles", str(deciles), "--org", "qmj", "--json"
    )
    assert code == 0, out
    body = json.loads(out)
    assert body["period"] == "2024-03" and body["k"] == 7
    (qmj,) = body["icbs"]
    assert qmj["org"] == "QMJ" and list(qmj["features"]) == body["features"]
    assert len(qmj["peers"]) == 7
    code, text = _run("peers", "--home", str(home.root), "--deciles", str(deciles), "--org", "QMJ")
    assert code == 0, text
    first, features, peers = text.splitlines()
    assert first == (
        f"Peer groups of {len(CAT.icbs_on(dt.date(2024, 3, 1)))} ICBs on 2024-03 "
        "(k = 7); features standardised to mean 0, sd 1, Euclidean distance."
    )
    assert features == "QMJ: " + ", ".join(f"{k} {v:.3f}" for k, v in qmj["features"].items())
    assert peers == "  peers: " + ", ".join(
        f"{p['org']} ({p['distance']:.2f})" for p in qmj["peers"]
    )
    code, out = _run("peers", "--home", str(home.root), "--deciles", str(deciles), "--org", "QQQ")
    assert code == 2 and "no ICB on 2024-03 'QQQ'" in out and "QMJ" in out


def test_peers_month_is_the_option_else_this_month_without_results(tmp_path: Path) -> None:
    deciles = real_file(DECILE_FILE)
    (tmp_path / "reference").mkdir()
    shutil.copy(deciles, tmp_path / "reference" / DECILE_FILE)
    code, out = _run("peers", "--home", str(tmp_path), "--period", "2023-05", "--json")
    assert code == 0, out
    body = json.loads(out)
    assert body["period"] == "2023-05"
    assert len(body["icbs"]) == len(CAT.icbs_on(dt.date(2023, 5, 1)))
    code, out = _run("peers", "--home", str(tmp_path), "--json")
    assert code == 0, out
    assert json.loads(out)["period"] == f"{Period.month_of(dt.date.today()).start:%Y-%m}"
