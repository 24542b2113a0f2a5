"""`oversight judge` and `oversight peers` from the outside: the JSON shape of issue 10, and
exit 2 naming the valid choices for an unknown organisation, metric or month."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.shared_data import real_file
from typer.testing import CliRunner

from oversight.cli import app
from oversight.home import Home
from oversight.judge import stage
from oversight.judge.deprivation_file import DECILE_FILE

pytestmark = pytest.mark.slow
RUNNER = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, list(args))
    return result.exit_code, result.output


def test_judge_json_has_the_fields_of_issue_10(demo_home: Home) -> None:
    code, out = _run("judge", "--home", str(demo_home.root), "--org", "QMJ", "--metric",
                     "ae_4hr", "--json")
    assert code == 0, out
    (item,) = json.loads(out)
    assert (item["org"], item["metric"], item["period"]) == ("QMJ", "ae_4hr", "2024-04")
    assert {"variation", "assurance", "target_id", "sentence"} <= set(item["change"])
    assert {"vs_england", "funnel", "peer_rank", "peer_count", "sentence"} <= set(
        item["position"]
    )
    assert {"target_id", "scope", "status", "trajectory", "sentence"} <= set(item["target"])
    assert item["target"]["scope"] == "national" and item["target"]["status"] in {"met", "missed"}
    assert isinstance(item["disagreements"], list) and item["summary"]
    # the same as reading the artefact
    (j,) = stage.judgements(demo_home, org="QMJ", metric="ae_4hr", period="2024-04")
    assert item == json.loads(json.dumps(j.to_dict()))


def test_judge_text_one_summary_per_judgement(demo_home: Home) -> None:
    code, out = _run("judge", "--home", str(demo_home.root), "--metric", "ae_4hr",
                     "--period", "2023-06")
    assert code == 0, out
    lines = [line for line in out.splitlines() if " ae_4hr 2023-06: " in line]
    assert len(lines) == 42 + 7 + 1  # ICBs, regions, England
    assert max(len(line) for line in out.splitlines()) <= 80
    assert any(line.startswith("    ") for line in out.splitlines())  # summaries run on


def test_judge_text_writes_money_with_the_sign_before_the_pound(demo_home: Home) -> None:
    code, out = _run("judge", "--home", str(demo_home.root), "--metric",
                     "finance_vs_plan", "--org", "QMJ")
    assert code == 0, out
    assert "£-" not in out and "£" in out, out


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [("--org", "QQQ", "QMJ"), ("--metric", "nope", "ae_4hr"), ("--period", "2019-01", "2023-04")],
)
def test_unknown_choice_exits_2_naming_the_valid_ones(
    demo_home: Home, option: str, value: str, named: str
) -> None:
    code, out = _run("judge", "--home", str(demo_home.root), option, value)
    assert code == 2
    assert value in out and named in out and "choose one of" in out


def test_judge_before_compute_says_what_to_do(tmp_path: Path) -> None:
    code, out = _run("judge", "--home", str(tmp_path))
    assert code == 1 and "oversight compute" in out


def test_peers_features_distances_groups(demo_home: Home) -> None:
    deciles = real_file(DECILE_FILE)
    code, out = _run("peers", "--home", str(demo_home.root), "--deciles", str(deciles),
                     "--org", "QMJ", "--period", "2024-04", "--json")
    assert code == 0, out
    body = json.loads(out)
    assert body["period"] == "2024-04" and body["k"] == 7
    (qmj,) = body["icbs"]
    assert set(qmj["features"]) == set(body["features"])
    distances = [p["distance"] for p in qmj["peers"]]
    assert len(distances) == 7 and distances == sorted(distances)
    code, text = _run("peers", "--home", str(demo_home.root), "--deciles", str(deciles))
    assert code == 0 and text.count("  peers: ") == 42
    code, out = _run("peers", "--home", str(demo_home.root), "--deciles", str(deciles),
                     "--org", "QQQ")
    assert code == 2 and "QMJ" in out


def test_peers_find_the_file_in_the_homes_reference_folder(
    demo_home: Home, tmp_path: Path
) -> None:
    deciles = real_file(DECILE_FILE)
    code, out = _run("peers", "--home", str(tmp_path))
    assert code == 1 and "reference" in out
    (tmp_path / "reference").mkdir()
    shutil.copy(deciles, tmp_path / "reference" / DECILE_FILE)
    code, out = _run("peers", "--home", str(tmp_path), "--period", "2024-04", "--json")
    assert code == 0 and len(json.loads(out)["icbs"]) == 42


def test_the_demo_seeds_the_target_register(demo_home: Home) -> None:
    from oversight.catalogue import load

    code, out = _run("target", "list", "--json", "--home", str(demo_home.root))
    assert code == 0, out
    listed = json.loads(out)
    assert len(listed) == len(load().targets)
    local = {t["icb_code"] for t in listed if t["scope"] == "local"}
    assert len(local) == 42  # every ICS has a few of its own
    assert {t["created_by"] for t in listed} == {"demo"}


def test_judge_breakdown_groups_of_the_latest_month(demo_home: Home) -> None:
    code, out = _run("judge", "--home", str(demo_home.root), "--org", "QMJ", "--metric",
                     "ae_4hr", "--breakdown", "imd_decile", "--json")
    assert code == 0, out
    items = json.loads(out)
    assert len(items) >= 5 and {i["period"] for i in items} == {"2024-04"}
    code, out = _run("judge", "--home", str(demo_home.root), "--breakdown", "nope")
    assert code == 2 and "imd_decile" in out
    code, out = _run("judge", "--home", str(demo_home.root), "--breakdown", "imd_decile",
                     "--period", "2023-06")
    assert code == 2 and "latest month only" in " ".join(out.replace("│", " ").split())
