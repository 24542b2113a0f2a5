"""`oversight target ...` from the outside, on SQLite and PostgreSQL: who may change what, every
bad input refused with exit 2 and nothing stored, the accountability map and metric coverage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oversight.catalogue import load
from oversight.cli import app
from oversight.collect import tokens
from oversight.store.testing import database_url

__all__ = ["database_url"]

LOCAL = [
    "--year", "2025/26", "--metric", "ae_4hr", "--value", "78", "--comparison", ">=",
    "--deadline", "2026-03-31", "--date-set", "2025-04-20",
    "--owner", "Director of Performance", "--rationale", "Two sites already exceed 80%",
]  # fmt: skip
NATIONAL = ["--scope", "national", *LOCAL]


@pytest.fixture
def home(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    return tmp_path / "home"


@pytest.fixture
def keys(home: Path) -> dict[str, str]:
    engine = _engine(home)
    return {
        "admin": tokens.create("ops", None, "admin", engine=engine),
        "nhse": tokens.create("nhse", None, "nhse", engine=engine),
        "QOP": tokens.create("gm", "QOP", engine=engine),
        "QHL": tokens.create("bsol", "QHL", engine=engine),
    }


def _engine(home: Path):
    from oversight import config

    return config.home(home).database()


def run(home: Path, *args: str):
    return CliRunner().invoke(app, [*args, "--home", str(home)])


def stored(home: Path) -> list[dict]:
    done = run(home, "target", "list", "--json")
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def add_local(home: Path, token: str, icb: str, *extra: str):
    return run(home, "target", "add", "--scope", "local", "--icb", icb, *LOCAL, *extra,
               "--token", token)  # fmt: skip


@pytest.mark.parametrize(
    ("who", "scope", "icb", "refusal"),
    [
        ("QOP", "local", "QOP", None),
        ("QOP", "local", "QHL", "this token may change only QOP's local targets, not QHL's"),
        ("QOP", "national", None, "national targets are set by NHS England"),
        ("nhse", "national", None, None),
        ("nhse", "local", "QOP", "an nhse token may not change QOP's local targets"),
        ("admin", "local", "QHL", None),
        ("admin", "national", None, None),
    ],
)
def test_who_may_add_targets(home, keys, who, scope, icb, refusal) -> None:
    if scope == "national":
        done = run(home, "target", "add", *NATIONAL, "--token", keys[who])
    else:
        done = add_local(home, keys[who], icb)
    if refusal is None:
        assert done.exit_code == 0, done.output
        assert "(draft)" in done.stdout
        assert len(stored(home)) == 1
    else:
        assert done.exit_code == 2
        assert refusal in done.output
        assert "Traceback" not in done.output
        assert stored(home) == []


@pytest.mark.parametrize(
    ("who", "refusal"),
    [
        ("QHL", "this token may change only QHL's local targets, not QOP's"),
        ("nhse", "an nhse token may not change QOP's local targets"),
    ],
)
def test_only_the_icb_changes_its_local_target(home, keys, who, refusal) -> None:
    assert add_local(home, keys["QOP"], "QOP").exit_code == 0
    target = "QOP-ae_4hr-2025-26-v1"
    for args in (
        ["publish", target, "--reason", "ok"],
        ["revise", target, "--value", "75", "--date-set", "2025-06-01", "--reason", "ok"],
    ):
        done = run(home, "target", *args, "--token", keys[who])
        assert done.exit_code == 2 and refusal in done.output
    assert (
        run(home, "target", "publish", target, "--reason", "ok", "--token", keys["QOP"]).exit_code
        == 0
    )
    done = run(home, "target", "retire", target, "--reason", "x", "--token", keys[who])
    assert done.exit_code == 2 and refusal in done.output
    assert [t["status"] for t in stored(home)] == ["published"]


def test_national_targets_only_by_nhs_england(home, keys) -> None:
    assert run(home, "target", "add", *NATIONAL, "--token", keys["nhse"]).exit_code == 0
    done = run(
        home, "target", "publish", "2025-26-ae_4hr-v1", "--reason", "ok", "--token", keys["QOP"]
    )
    assert done.exit_code == 2 and "national targets are set by NHS England" in done.output
    done = run(
        home,
        "target",
        "publish",
        "2025-26-ae_4hr-v1",
        "--reason",
        "Guidance",
        "--token",
        keys["nhse"],
    )
    assert done.exit_code == 0 and "is now published" in done.stdout


def test_a_change_needs_a_valid_token(home, keys, monkeypatch) -> None:
    done = add_local(home, "", "QOP")
    assert done.exit_code == 2 and "a token is needed" in done.output
    done = add_local(home, "ovs_nope_nope", "QOP")
    assert done.exit_code == 2 and "the token is not valid" in done.output
    revoked = keys["QOP"].split("_")[1]
    assert tokens.revoke(revoked, _engine(home))
    assert add_local(home, keys["QOP"], "QOP").exit_code == 2
    monkeypatch.setenv("OVERSIGHT_TOKEN", keys["QHL"])  # the environment supplies the token
    done = run(home, "target", "add", "--scope", "local", "--icb", "QHL", *LOCAL)
    assert done.exit_code == 0, done.output
    assert [t["created_by"] for t in stored(home)] == ["token:bsol"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--icb", "QZZ"], "unknown organisation 'QZZ'"),
        (["--metric", "ae_5hr"], "unknown metric 'ae_5hr'"),
        (["--year", "2025-26"], "period must look like 2025/26"),
        (["--value", "120"], "the target value 120 is a percentage: it must be 0 to 100"),
        (["--value", "-4"], "the target value -4 is a percentage: it must be 0 to 100"),
        (
            ["--trajectory", "2025-04:70,2025-06:71"],
            "the trajectory has a gap: no value for 2025-05",
        ),
        (["--trajectory", "2025-03:70"], "the trajectory month 2025-03 is outside"),
        (["--trajectory", "2025-04=70"], "trajectory point '2025-04=70' must look like"),
        (["--deadline", "2025-02-30"], "--deadline must be a date like 2025-04-01"),
        (["--deadline", "2024-03-31"], "is before the planning year 2025/26 starts"),
        (["--date-set", "2026-05-01"], "the date set 2026-05-01 is after the planning year"),
    ],
)
def test_bad_input_exits_2_and_stores_nothing(home, keys, extra, message) -> None:
    done = run(home, "target", "add", "--scope", "local", "--icb", "QOP", *LOCAL, *extra,
               "--token", keys["admin"])  # fmt: skip
    assert done.exit_code == 2
    assert message in " ".join(done.output.split())
    assert "Traceback" not in done.output
    assert stored(home) == []


def test_lifecycle_and_history_from_the_command_line(home, keys) -> None:
    qop = keys["QOP"]
    partners = ["--partner", "Salford Royal", "--partner", "GM Mental Health"]
    done = add_local(home, qop, "QOP", "--trajectory", "2025-04:70,2025-05:71", *partners)
    assert done.exit_code == 0, done.output
    target = "QOP-ae_4hr-2025-26-v1"
    done = run(home, "target", "retire", target, "--reason", "x", "--token", qop)
    assert done.exit_code == 2 and "from draft the allowed step is: publish" in done.output
    done = run(home, "target", "publish", target, "--reason", "", "--token", qop)
    assert done.exit_code == 2 and "a reason is required to publish" in done.output
    assert (
        run(home, "target", "publish", target, "--reason", "Board 1 May", "--token", qop).exit_code
        == 0
    )
    done = run(home, "target", "revise", target, "--value", "76", "--date-set", "2025-10-09",
               "--reason", "Winter pressures", "--token", qop)  # fmt: skip
    assert done.exit_code == 0, done.output
    shown = json.loads(run(home, "target", "show", "QOP-ae_4hr-2025-26-v2", "--json").stdout)
    assert shown["target"]["supersedes"] == target
    assert shown["target"]["partners"] == ["Salford Royal", "GM Mental Health"]
    assert [(h["action"], h["actor"], h["reason"]) for h in shown["history"]] == [
        ("target.add", "token:gm", None),
        ("target.publish", "token:gm", "Board 1 May"),
        ("target.revise", "token:gm", "Winter pressures"),
    ]
    assert [t["status"] for t in stored(home)] == ["published", "draft"]


def test_seed_then_accountability_and_metric_coverage(home, keys) -> None:
    done = run(home, "target", "seed", "--token", keys["nhse"])
    assert done.exit_code == 2 and "only an admin token may seed" in done.output
    done = run(home, "target", "seed", "--token", keys["admin"])
    assert done.exit_code == 0 and f"seeded {len(load().targets)} targets" in done.stdout
    assert "seeded 0 targets" in run(home, "target", "seed", "--token", keys["admin"]).stdout
    assert add_local(home, keys["QHL"], "QHL").exit_code == 0
    assert run(home, "target", "publish", "QHL-ae_4hr-2025-26-v1", "--reason", "ok",
               "--token", keys["QHL"]).exit_code == 0  # fmt: skip
    rows = json.loads(run(home, "target", "list", "--accountability", "--json").stdout)
    assert len(rows) == len(load().targets) + 1
    assert all(r["accountable_body"] and r["owner"] for r in rows)
    qhl = next(r for r in rows if r["target_id"] == "QHL-ae_4hr-2025-26-v1")
    assert (qhl["accountable_body"], qhl["owner"]) == ("icb_board", "Director of Performance")
    coverage = {
        c["metric"]: c
        for c in json.loads(run(home, "target", "list", "--by-metric", "--json").stdout)
    }
    assert (coverage["ae_4hr"]["kind"], coverage["ae_4hr"]["local_count"]) == ("both", 2)
    assert coverage["rtt_over_52wk"]["kind"] == "local"
    assert coverage["cancer_62d"] == {
        "metric": "cancer_62d", "kind": "national", "national": True,
        "local_icbs": [], "local_count": 0,
    }  # fmt: skip
    ambulance = sorted(
        t.icb_code
        for t in load().targets.values()
        if t.metric_id == "ambulance_c2_mean" and t.icb_code is not None
    )
    assert coverage["ambulance_c2_mean"] == {
        "metric": "ambulance_c2_mean", "kind": "both", "national": True,
        "local_icbs": ambulance, "local_count": len(ambulance),
    }  # fmt: skip
    only = json.loads(
        run(home, "target", "list", "--by-metric", "--year", "2025/26", "--json").stdout
    )
    assert {c["metric"]: c["local_count"] for c in only}["ae_4hr"] == 1
    table = run(home, "target", "list", "--accountability").stdout
    assert "Board of" in table and "nhs_england" in table
    done = run(home, "target", "list", "--year", "2025")
    assert done.exit_code == 2 and "period must look like 2025/26" in done.output


def test_token_create_knows_the_nhse_role(home) -> None:
    done = run(home, "token", "create", "--name", "oversight", "--role", "nhse")
    assert done.exit_code == 0, done.output
    assert [t.role for t in tokens.listing(_engine(home))] == ["nhse"]
    done = run(home, "token", "create", "--name", "x", "--role", "nhse", "--org", "QOP")
    assert done.exit_code == 2 and "a token of role nhse is national" in done.output
    done = run(home, "token", "create", "--name", "x", "--role", "chief")
    assert done.exit_code == 2
    assert "role must be one of submitter, nhse, dhsc, cqc, admin" in done.output
