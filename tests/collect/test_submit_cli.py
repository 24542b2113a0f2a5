"""`oversight submit` and `oversight token`: exit codes 0 accepted, 1 rejected, 2 usage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.store import database

GOOD = "icb_code,period,appointments,appointments_within_2_weeks\nQMJ,2024-06-01,1000,800\n"
ARGS = ["--collection", "gp_appointments_return", "--org", "QMJ", "--period", "2024-06"]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OVERSIGHT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OVERSIGHT_DATABASE_URL", raising=False)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    yield tmp_path
    database.dispose()


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_accepted_then_identical(home: Path) -> None:
    good = home / "gp.csv"
    good.write_text(GOOD)
    first = _run("submit", str(good), *ARGS)
    assert first.exit_code == 0, first.output
    assert "accepted: revision" in first.output
    assert (home / "home" / "lake" / "gp_appointments" / "2024-06" / "QMJ.parquet").exists()
    again = _run("submit", str(good), *ARGS)
    assert again.exit_code == 0 and "nothing new" in again.output


def test_rejected_prints_file_row_column_rule_value(home: Path) -> None:
    bad = home / "bad.csv"
    bad.write_text(GOOD.replace("1000,800", "=1+1,800"))
    result = _run("submit", str(bad), *ARGS)
    assert result.exit_code == 1
    assert "bad.csv row 1, column appointments" in result.output
    assert "'=1+1'" in result.output and "rejected" in result.output
    assert not (home / "home" / "lake" / "gp_appointments").exists()


def test_dry_run_stores_nothing(home: Path) -> None:
    good = home / "gp.csv"
    good.write_text(GOOD)
    result = _run("submit", str(good), *ARGS, "--dry-run")
    assert result.exit_code == 0 and "dry run" in result.output
    assert not (home / "home" / "lake" / "gp_appointments").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["missing.csv", *ARGS],
        ["{good}", "--collection", "nope", "--org", "QMJ", "--period", "2024-06"],
        ["{good}", "--collection", "gp_appointments_return", "--org", "QMJ", "--period", "24-6"],
        ["{good}", "--org", "QMJ"],
    ],
)
def test_usage_errors_exit_2(home: Path, args: list[str]) -> None:
    good = home / "gp.csv"
    good.write_text(GOOD)
    result = _run("submit", *[a.replace("{good}", str(good)) for a in args])
    assert result.exit_code == 2, result.output


UCR = "icb_code,period,ucr_referrals,ucr_within_2_hours\nQMJ,2024-06-01,1000,800\n"
UCR_ARGS = ["--collection", "community_ucr_return", "--org", "QMJ", "--period", "2024-06"]


def test_tokens_scope_cli_submissions(home: Path) -> None:
    good = home / "ucr.csv"
    good.write_text(UCR)
    created = _run("token", "create", "--org", "QMF", "--name", "qmf-bi")
    assert created.exit_code == 0
    token = created.stdout.strip()
    assert token.startswith("ovs_")
    other = _run("submit", str(good), *UCR_ARGS, "--token", token)
    assert other.exit_code == 2 and "may submit data only for QMF" in other.output
    assert _run("submit", str(good), *UCR_ARGS, "--token", "ovs_x_y").exit_code == 2
    mine = _run("token", "create", "--org", "QMJ", "--name", "qmj-bi").stdout.strip()
    assert _run("submit", str(good), *UCR_ARGS, "--token", mine).exit_code == 0
    listing = _run("token", "list")
    assert "qmf-bi" in listing.output and token.split("_", 2)[2] not in listing.output


def test_an_icb_token_may_not_send_an_nhs_england_collection(home: Path) -> None:
    good = home / "gp.csv"
    good.write_text(GOOD)
    mine = _run("token", "create", "--org", "QMJ", "--name", "qmj-bi").stdout.strip()
    refused = _run("submit", str(good), *ARGS, "--token", mine)
    assert refused.exit_code == 2 and "sent by NHS England" in refused.output
    national = _run("token", "create", "--admin", "--name", "nhse").stdout.strip()
    assert _run("submit", str(good), *ARGS, "--token", national).exit_code == 0


@pytest.mark.parametrize("org", ["NOSUCH", "../../x", "/tmp/x", "Q" * 10_000])
def test_token_for_an_unknown_organisation_is_refused(home: Path, org: str) -> None:
    result = _run("token", "create", "--org", org, "--name", "x")
    assert result.exit_code == 2, result.output
    assert "organisation" in result.output and "Traceback" not in result.output
    assert "ovs_" not in result.output and len(result.output) < 400
    assert tokens.listing(Home.at(home / "home").database()) == []


def test_token_for_a_merged_icb_warns_and_names_its_successor(home: Path) -> None:
    """Today (after 2026-04-01) QMJ exists only as part of Z9B2Z; its token still works
    for earlier months, so it is issued, with a warning."""
    import datetime as dt

    if dt.date.today() < dt.date(2026, 4, 1):
        pytest.skip("QMJ merges on 2026-04-01")
    result = _run("token", "create", "--org", "QMJ", "--name", "qmj-bi")
    assert result.exit_code == 0
    assert "QMJ merged into Z9B2Z on 2026-04-01" in result.stderr
    assert "issue one for Z9B2Z" in result.stderr
    assert result.stdout.strip().startswith("ovs_")
    fresh = _run("token", "create", "--org", "Z9B2Z", "--name", "wnl-bi")
    assert fresh.exit_code == 0 and "warning" not in fresh.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--org", "../../x"], "not an organisation code"),
        (["--org", "NOSUCH"], "unknown organisation 'NOSUCH'"),
        (["--org", "QMJ", "--period", "2026-05"], "QMJ merged into Z9B2Z on 2026-04-01"),
        (["--period", "2024-1e1"], "period must look like 2024-06"),
        (["--period", "0000-01"], "period must look like 2024-06"),
    ],
)
def test_bad_fields_are_plain_usage_errors(home: Path, args: list[str], message: str) -> None:
    good = home / "ucr.csv"
    good.write_text(UCR)
    fields = {"--collection": "community_ucr_return", "--org": "QMJ", "--period": "2024-06"}
    fields.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = _run("submit", str(good), *[x for kv in fields.items() for x in kv])
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "invalid literal" not in result.output and "Traceback" not in result.output


def _gp(month: str, appointments: int) -> str:
    within = appointments * 8 // 10
    header = "icb_code,period,appointments,appointments_within_2_weeks"
    return f"{header}\nQMJ,{month}-01,{appointments},{within}\n"


def _month(index: int) -> str:
    """2023-06 + index months."""
    year, month = divmod(2023 * 12 + 5 + index, 12)
    return f"{year:04d}-{month + 1:02d}"


def test_an_outlier_against_the_submitters_own_history_needs_confirm(home: Path) -> None:
    normal = [1000, 1010, 990, 1005, 995, 1020, 980, 1000, 1015, 985, 1003, 997]
    for index, appointments in enumerate(normal):  # 2023-06 … 2024-05
        month = _month(index)
        path = home / f"gp-{month}.csv"
        path.write_text(_gp(month, appointments))
        args = ["--collection", "gp_appointments_return", "--org", "QMJ", "--period", month]
        done = _run("submit", str(path), *args)
        assert done.exit_code == 0, done.output
    spike = home / "gp-2024-06.csv"
    spike.write_text(_gp("2024-06", 5000))
    pending = _run("submit", str(spike), *ARGS)
    assert pending.exit_code == 1, pending.output
    assert "rule outliers.history" in pending.output and "--confirm" in pending.output
    assert not (home / "home" / "lake" / "gp_appointments" / "2024-06").exists()
    accepted = _run("submit", str(spike), *ARGS, "--confirm")
    assert accepted.exit_code == 0 and "accepted: revision" in accepted.output
    assert (home / "home" / "lake" / "gp_appointments" / "2024-06" / "QMJ.parquet").exists()


def test_a_month_in_line_with_the_history_needs_no_confirm(home: Path) -> None:
    for index in range(12):
        month = _month(index)
        path = home / f"gp-{month}.csv"
        path.write_text(_gp(month, 1000 + 10 * (index % 3)))
        assert (
            _run(
                "submit",
                str(path),
                "--collection",
                "gp_appointments_return",
                "--org",
                "QMJ",
                "--period",
                month,
            ).exit_code
            == 0
        )
    usual = home / "gp-2024-06.csv"
    usual.write_text(_gp("2024-06", 1010))
    result = _run("submit", str(usual), *ARGS)
    assert result.exit_code == 0 and "outliers.history" not in result.output


def test_shipped_collections_ingest_end_to_end(home: Path) -> None:
    """An aggregate return as CSV and a record-level extract as Parquet, through the CLI."""
    import pyarrow.parquet as pq
    from tests.collect.ingest_support import ae_rows

    from oversight.catalogue import load

    gp = home / "gp.csv"
    gp.write_text(GOOD)
    assert _run("submit", str(gp), *ARGS).exit_code == 0
    table = ae_rows("QMJ", "2024-06", 200, seed=5)
    providers = [p.code for p in load().providers_of("QMJ")]
    codes = [providers[i % len(providers)] for i in range(200)]
    table = table.set_column(
        table.schema.get_field_index("provider_code"),
        "provider_code",
        __import__("pyarrow").array(codes),
    )
    extract = home / "ae.parquet"
    pq.write_table(table, extract)
    args = ["--collection", "ecds", "--org", "QMJ", "--period", "2024-06"]
    result = _run("submit", str(extract), *args)
    assert result.exit_code == 0, result.output
    stored = pq.read_table(home / "home" / "lake" / "ae_attendances" / "2024-06" / "QMJ.parquet")
    assert stored.num_rows == 200
    assert str(stored.schema.field("arrival_time").type) == "timestamp[us]"
    assert set(stored.column("revision_id").to_pylist()) != {None}


def test_a_collection_stored_nowhere_is_a_usage_error(home: Path) -> None:
    gp = home / "gp.csv"
    gp.write_text(GOOD)
    result = _run(
        "submit", str(gp), "--collection", "ae_sitrep", "--org", "QMJ", "--period", "2024-06"
    )
    assert result.exit_code == 2
    assert "'ae_sitrep' has no dataset in the lake" in result.output


def test_submit_and_tokens_work_on_the_home_given_by_option(home: Path) -> None:
    other = home / "other"
    good = home / "gp.csv"
    good.write_text(GOOD)
    where = ["--home", str(other)]
    token = _run("token", "create", "--admin", "--name", "nhse", *where).stdout.strip()
    assert _run("submit", str(good), *ARGS, "--token", token).exit_code == 2  # not this home's
    done = _run("submit", str(good), *ARGS, "--token", token, *where)
    assert done.exit_code == 0, done.output
    assert (other / "lake" / "gp_appointments" / "2024-06" / "QMJ.parquet").exists()
    assert not (home / "home" / "lake").exists()
    token_id = token.split("_")[1]
    assert token_id in _run("token", "list", *where).output
    assert token_id not in _run("token", "list").output
    assert _run("token", "revoke", token_id, *where).exit_code == 0
