"""Hostile submissions (issue 16 items 3-5): client file names never become paths, deep JSON
is a 400, waiting submissions expire and have a quota, and concurrent confirms of one waiting
submission give one 201 and 409s. Each test failed (500 or worse) before the fix."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from tests.collect.test_limits import FIELDS, csv_bytes, form, post_parts
from typer.testing import CliRunner

from oversight import config
from oversight.catalogue import load
from oversight.cli import app as cli_app
from oversight.collect import api, tokens, waiting
from oversight.collect.upload_names import display_name, stored_name
from oversight.publish.web.routes import ROUTES, mount
from oversight.store import database
from oversight.store.lake import Lake
from oversight.store.models import AuditEvent, Submission, utcnow
from oversight.store.testing import database_url

__all__ = ["database_url"]


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load()


def build(tmp_path: Path, url: str, catalogue: Any, **policy: float) -> dict[str, Any]:
    engine = database.connect(url)
    svc = api.Services(
        engine,
        Lake(tmp_path / "lake"),
        catalogue,
        tmp_path / "incoming",
        waiting.WaitingPolicy(**policy),
    )
    app = FastAPI(lifespan=api.expire_at_startup)  # as create_app makes it
    mount(app, [r for r in ROUTES if r[1].startswith("/api/v1/submissions")])
    app.dependency_overrides[api.services] = lambda: svc
    qmj = {"Authorization": f"Bearer {tokens.create('nhse', None, 'admin', engine=engine)}"}
    return {"app": app, "client": TestClient(app), "svc": svc, "qmj": qmj}


@pytest.fixture
def setup(tmp_path: Path, database_url: str, catalogue: Any) -> dict[str, Any]:
    return build(tmp_path, database_url, catalogue)


# -- item 3: the platform names the stored file; the client's name is cleaned metadata ------

HOSTILE_NAMES = ["..", ".", "/", "foo/..", "gp\x00.csv", "x" * 300 + ".csv", "a\\..\\b.csv"]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=repr)
def test_hostile_multipart_file_names_are_accepted_as_plain_metadata(setup, name) -> None:
    response = post_parts(setup["client"], setup["qmj"], form(name, csv_bytes(1)))
    assert response.status_code == 201, response.text
    sid = response.json()["submission_id"]
    got = setup["client"].get(f"/api/v1/submissions/{sid}", headers=setup["qmj"]).json()
    shown = got["file_name"]
    assert shown == display_name(name)
    assert "\x00" not in shown and "/" not in shown and "\\" not in shown
    assert 0 < len(shown) <= 200 and shown not in {".", ".."}
    incoming = setup["svc"].incoming
    assert [p.name for p in incoming.iterdir()] == []  # the scratch folder is gone


def test_display_names_drop_controls_and_paths_and_keep_the_extension() -> None:
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\Users\\me\\gp.csv") == "gp.csv"
    assert display_name("gp\r\n\x1b[31m.csv") == "gp[31m.csv"
    assert display_name("evil\u202ecsv.exe") == "evilcsv.exe"  # bidi override removed
    assert display_name("") == display_name(None) == "upload"
    long = display_name("y" * 500 + ".xlsx")
    assert len(long) == 200 and long.endswith(".xlsx")


def test_stored_names_are_chosen_by_the_platform() -> None:
    assert stored_name("gp.CSV") == "upload.csv"
    assert stored_name("gp.xlsx") == "upload.xlsx"
    assert stored_name("passwd") == "upload"
    assert stored_name("x.sh") == "upload"


def test_a_waiting_file_is_held_under_the_platform_name(setup) -> None:
    sid = _make_waiting(setup, via_file="../../../etc/cron.d/x.csv")
    held = waiting.held_file(setup["svc"].incoming, sid)
    assert held is not None and held.name == "upload.csv"
    assert held.parent == setup["svc"].incoming / "_pending" / sid


# -- item 4: deep JSON ----------------------------------------------------------------------


def test_json_nested_100000_deep_is_a_plain_400(setup) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    body = '{"collection":"gp_appointments_return","org":"QMJ","period":"2024-06","records":'
    response = setup["client"].post(
        "/api/v1/submissions",
        content=(body + deep + "}").encode(),
        headers={**setup["qmj"], "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "the JSON body is nested too deeply to read"


def test_a_json_file_nested_100000_deep_is_rejected_with_a_format_issue(setup) -> None:
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    response = post_parts(setup["client"], setup["qmj"], form("deep.json", deep))
    assert response.status_code == 422
    issue = response.json()["report"]["issues"][0]
    assert issue["rule"] == "format" and "nested too deeply" in issue["message"]


def test_a_body_that_is_not_json_is_a_plain_400(setup) -> None:
    response = setup["client"].post(
        "/api/v1/submissions",
        content=b'{"records": [1e1,',
        headers={**setup["qmj"], "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("the body is not valid JSON (")


# -- item 5: waiting submissions expire, with a quota ------------------------------------


def _records(month: str, appointments: int) -> dict[str, Any]:
    row = {
        "icb_code": "QMJ",
        "period": f"{month}-01",
        "appointments": appointments,
        "appointments_within_2_weeks": appointments // 2,
    }
    return {**FIELDS, "period": month, "records": [row]}


def _history(setup: dict[str, Any]) -> None:
    months = [f"2023-{m:02d}" for m in range(6, 13)] + [f"2024-{m:02d}" for m in range(1, 6)]
    for i, month in enumerate(months):
        done = setup["client"].post(
            "/api/v1/submissions", json=_records(month, 1000 + i % 3), headers=setup["qmj"]
        )
        assert done.status_code == 201, done.json()


def _make_waiting(setup: dict[str, Any], via_file: str | None = None) -> str:
    """A submission waiting for confirmation (an outlier against 12 months of history)."""
    if not list(setup["svc"].lake.root.glob("gp_appointments/*")):
        _history(setup)
    if via_file is None:
        response = setup["client"].post(
            "/api/v1/submissions", json=_records("2024-06", 9000), headers=setup["qmj"]
        )
    else:
        row = b"QMJ,2024-06-01,9000,4500\n"
        content = b"icb_code,period,appointments,appointments_within_2_weeks\n" + row
        response = post_parts(setup["client"], setup["qmj"], form(via_file, content))
    assert response.status_code == 202, response.text
    return response.json()["submission_id"]


def _age(setup: dict[str, Any], sid: str, days: float) -> None:
    with database.session(setup["svc"].engine) as s:
        s.execute(
            update(Submission)
            .where(Submission.id == sid)
            .values(received_at=utcnow() - timedelta(days=days))
        )


def test_an_expired_submission_loses_its_file_and_confirming_it_is_410(setup) -> None:
    sid = _make_waiting(setup)
    svc = setup["svc"]
    assert waiting.held_file(svc.incoming, sid) is not None
    assert waiting.expire(svc.engine, svc.incoming, svc.waiting) == []  # 0 days old: stays
    _age(setup, sid, 15)
    confirm = setup["client"].post(f"/api/v1/submissions/{sid}/confirm", headers=setup["qmj"])
    assert confirm.status_code == 410
    assert confirm.json()["detail"] == (
        f"submission {sid} waited more than 14 days for confirmation and expired; its file has "
        "been removed: submit it again"
    )
    got = setup["client"].get(f"/api/v1/submissions/{sid}", headers=setup["qmj"]).json()
    assert got["status"] == "expired"
    assert not waiting.held_dir(svc.incoming, sid).exists()
    with database.session(svc.engine) as s:
        audit = s.scalars(select(AuditEvent).where(AuditEvent.subject == sid)).all()
    assert [a.action for a in audit if a.action == "submission.expired"] == ["submission.expired"]
    assert next(a.actor for a in audit if a.action == "submission.expired") == "system:expiry"


def test_each_submit_expires_old_waiting_submissions(setup) -> None:
    sid = _make_waiting(setup)
    _age(setup, sid, 14.5)
    post_parts(setup["client"], setup["qmj"], form("gp.csv", csv_bytes(1)))
    with database.session(setup["svc"].engine) as s:
        assert s.get_one(Submission, sid).status == "expired"
    assert not waiting.held_dir(setup["svc"].incoming, sid).exists()


def test_the_api_expires_waiting_submissions_at_startup(setup) -> None:
    sid = _make_waiting(setup)
    _age(setup, sid, 20)
    orphan = waiting.held_dir(setup["svc"].incoming, "not-a-submission")
    orphan.mkdir(parents=True)
    (orphan / "upload.csv").write_bytes(b"x")
    with TestClient(setup["app"]):  # runs the lifespan: startup
        pass
    with database.session(setup["svc"].engine) as s:
        assert s.get_one(Submission, sid).status == "expired"
    assert not waiting.held_dir(setup["svc"].incoming, sid).exists()
    assert not orphan.exists()


def test_the_portal_expires_waiting_submissions_when_it_starts(tmp_path, catalogue) -> None:
    """create_app's lifespan is the same sweep, over the app's home."""
    from oversight.home import Home
    from oversight.publish.web.app import create_app

    home = Home.at(tmp_path / "home")
    setup = build(home.root, home.database_url, catalogue)
    sid = _make_waiting(setup)
    _age(setup, sid, 20)
    with TestClient(create_app(home)):
        pass
    with database.session(setup["svc"].engine) as s:
        assert s.get_one(Submission, sid).status == "expired"
    assert not waiting.held_dir(home.incoming_dir, sid).exists()


def test_the_expiry_is_configurable(tmp_path, catalogue, monkeypatch) -> None:
    monkeypatch.delenv(config.WAITING_DAYS_ENV, raising=False)
    monkeypatch.delenv(config.WAITING_QUOTA_ENV, raising=False)
    assert config.waiting_policy() == waiting.WaitingPolicy(days=14, quota_mb=1024)
    monkeypatch.setenv(config.WAITING_DAYS_ENV, "2")
    monkeypatch.setenv(config.WAITING_QUOTA_ENV, "5")
    assert config.waiting_policy() == waiting.WaitingPolicy(days=2, quota_mb=5)
    monkeypatch.setenv(config.WAITING_DAYS_ENV, "soon")
    with pytest.raises(ValueError, match="OVERSIGHT_WAITING_DAYS must be a number of days"):
        config.waiting_policy()
    setup = build(tmp_path, f"sqlite:///{tmp_path / 'db'}", catalogue, days=1)
    sid = _make_waiting(setup)
    _age(setup, sid, 1.5)
    svc = setup["svc"]
    assert waiting.expire(svc.engine, svc.incoming, svc.waiting) == [sid]


def test_an_operator_expires_waiting_submissions_from_the_command_line(
    tmp_path, catalogue, monkeypatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.delenv("OVERSIGHT_DATABASE_URL", raising=False)
    database.dispose()
    setup = build(home, f"sqlite:///{home / 'oversight.db'}", catalogue)
    sid = _make_waiting(setup)
    _age(setup, sid, 30)
    result = CliRunner().invoke(cli_app, ["expire-waiting", "--home", str(home)])
    assert result.exit_code == 0, result.output
    assert f"expired {sid}" in result.output
    with database.session(setup["svc"].engine) as s:
        assert s.get_one(Submission, sid).status == "expired"
        actors = s.scalars(select(AuditEvent.actor).where(AuditEvent.subject == sid)).all()
    assert any(a.startswith("cli:") for a in actors)
    assert not waiting.held_dir(home / "incoming", sid).exists()
    database.dispose()


def test_a_full_quota_of_waiting_files_is_413_naming_it(tmp_path, database_url, catalogue):
    setup = build(tmp_path, database_url, catalogue, quota_mb=0.0002)  # ~210 bytes
    first = _make_waiting(setup)
    path = waiting.held_file(setup["svc"].incoming, first)
    assert path is not None
    held = path.stat().st_size
    assert held < 210 < 2 * held
    again = setup["client"].post(
        "/api/v1/submissions", json=_records("2024-06", 9000), headers=setup["qmj"]
    )
    assert again.status_code == 413
    detail = again.json()["detail"]
    assert detail.startswith("organisation QMJ already has ")
    assert "over its 0.0002 MB quota for waiting files" in detail
    sure = setup["client"].post(
        "/api/v1/submissions",
        json={**_records("2024-06", 9000), "confirm": True},
        headers=setup["qmj"],
    )
    assert sure.status_code == 201  # nothing to hold: the quota does not apply


# -- item 4: concurrent confirms ------------------------------------------------------------


def test_concurrent_confirms_of_one_waiting_submission_give_one_201_and_409s(setup) -> None:
    sid = _make_waiting(setup)
    url = f"/api/v1/submissions/{sid}/confirm"
    start = threading.Barrier(4)
    codes: list[int] = []

    def confirm() -> None:
        client = TestClient(setup["app"])
        start.wait()
        codes.append(client.post(url, headers=setup["qmj"]).status_code)

    threads = [threading.Thread(target=confirm) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [201, 409, 409, 409]
    with database.session(setup["svc"].engine) as s:
        assert s.get_one(Submission, sid).status == "confirmed"
        stored = s.scalars(
            select(Submission).where(Submission.period == "2024-06", Submission.created_revision)
        ).all()
    assert len(stored) == 1


def test_a_confirm_that_died_mid_way_expires_instead_of_blocking_for_good(setup) -> None:
    sid = _make_waiting(setup)
    svc = setup["svc"]
    assert waiting.claim(svc.engine, sid)  # a confirming process that was then killed
    assert waiting.expire(svc.engine, svc.incoming, svc.waiting) == []  # a live claim stays
    _age(setup, sid, 15)
    assert waiting.expire(svc.engine, svc.incoming, svc.waiting) == [sid]
    with database.session(svc.engine) as s:
        assert s.get_one(Submission, sid).status == "expired"
    assert not waiting.held_dir(svc.incoming, sid).exists()


def test_an_icb_token_may_not_confirm_a_waiting_national_return(setup) -> None:
    """gp_appointments_return is sent by NHS England: an ICB's token may neither submit it nor
    confirm one waiting, even for its own ICB."""
    sid = _make_waiting(setup)
    icb = tokens.create("qmj", "QMJ", "submitter", engine=setup["svc"].engine)
    confirm = setup["client"].post(
        f"/api/v1/submissions/{sid}/confirm", headers={"Authorization": f"Bearer {icb}"}
    )
    assert confirm.status_code == 403
    assert "sent by NHS England" in confirm.json()["detail"]
    with database.session(setup["svc"].engine) as s:
        assert s.get_one(Submission, sid).status == "pending_confirmation"


def test_a_format_failure_names_the_file_as_the_submitter_named_it(setup) -> None:
    response = post_parts(setup["client"], setup["qmj"], form("../Q1 return.xlsx", b"PK\x03\x04x"))
    assert response.status_code == 422
    issue = response.json()["report"]["issues"][0]
    assert issue["file"] == "Q1 return.xlsx"
    assert issue["message"].startswith("Q1 return.xlsx: ")
    assert "upload" not in issue["message"]


@pytest.mark.parametrize(
    ("parts", "detail"),
    [
        ([("collection", None, b"x")], "multipart submissions need a `file` part"),
        (
            [("file", "a.csv", csv_bytes(1)), ("file", "b.csv", csv_bytes(1))],
            "send exactly one file, in the part named `file`",
        ),
        ([("other", "a.csv", csv_bytes(1))], "send exactly one file, in the part named `file`"),
        ([(f"f{i}", None, b"x") for i in range(40)], "a submission has at most 32 form fields"),
        ([("org", None, b"x" * 70_000)], "form field 'org' is longer than 65536 bytes"),
    ],
    ids=["no file", "two files", "misnamed file", "too many fields", "long field"],
)
def test_multipart_bodies_that_are_not_submissions_are_plain_400s(setup, parts, detail) -> None:
    response = post_parts(setup["client"], setup["qmj"], parts)
    assert response.status_code == 400
    assert response.json()["detail"] == detail


def test_a_multipart_body_without_a_boundary_is_a_plain_400(setup) -> None:
    response = setup["client"].post(
        "/api/v1/submissions",
        content=b"--x\r\n",
        headers={**setup["qmj"], "Content-Type": "multipart/form-data"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "the multipart body has no boundary"
