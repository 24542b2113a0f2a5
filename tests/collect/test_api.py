"""HTTP submissions: multipart and JSON, status and report by id, bearer tokens scoped to
an ICB (401 without or with a bad token, 403 for another ICB's data). SQLite and PostgreSQL.
The return used is one ICBs send themselves (community_ucr_return); NHS England's own
returns are covered in test_api_orgs.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from oversight.catalogue import load
from oversight.collect import api, revisions, tokens
from oversight.publish.web.routes import ROUTES, mount
from oversight.store import database
from oversight.store.lake import Lake
from oversight.store.testing import database_url

__all__ = ["database_url"]

CSV = b"icb_code,period,ucr_referrals,ucr_within_2_hours\nQMJ,2024-06-01,1000,800\n"
FIELDS = {"collection": "community_ucr_return", "org": "QMJ", "period": "2024-06"}


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load()


@pytest.fixture
def setup(tmp_path: Path, database_url: str, catalogue: Any) -> dict[str, Any]:
    engine = database.connect(database_url)
    svc = api.Services(engine, Lake(tmp_path / "lake"), catalogue, tmp_path / "incoming")
    app = FastAPI()
    mount(app, [r for r in ROUTES if r[1].startswith("/api/v1/submissions")])
    app.dependency_overrides[api.services] = lambda: svc
    return {
        "client": TestClient(app),
        "svc": svc,
        "qmj": {"Authorization": f"Bearer {tokens.create('qmj-bi', 'QMJ', engine=engine)}"},
        "qmf": {"Authorization": f"Bearer {tokens.create('qmf-bi', 'QMF', engine=engine)}"},
    }


def _post_file(client: TestClient, headers: dict[str, str], body: bytes = CSV, **extra: str):
    files = {"file": ("gp.csv", body, "text/csv")}
    return client.post(
        "/api/v1/submissions", data={**FIELDS, **extra}, files=files, headers=headers
    )


def test_multipart_submission_is_stored_and_readable_by_id(setup) -> None:
    client = setup["client"]
    response = _post_file(client, setup["qmj"])
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "accepted" and body["created_revision"]
    rev_id = body["revision"]["id"]
    stored = revisions.get(rev_id, setup["svc"].engine)
    assert stored is not None and stored.submitter == "token:qmj-bi"
    got = client.get(f"/api/v1/submissions/{body['submission_id']}", headers=setup["qmj"])
    assert got.status_code == 200
    assert got.json()["status"] == "accepted" and got.json()["revision_id"] == rev_id
    again = _post_file(client, setup["qmj"])
    assert again.status_code == 200 and again.json()["revision"]["id"] == rev_id
    assert not again.json()["created_revision"]


def test_json_records_submission(setup) -> None:
    records = [
        {
            "icb_code": "QMJ",
            "period": "2024-06-01",
            "ucr_referrals": 10,
            "ucr_within_2_hours": 7,
        }
    ]
    response = setup["client"].post(
        "/api/v1/submissions", json={**FIELDS, "records": records}, headers=setup["qmj"]
    )
    assert response.status_code == 201, response.text
    assert response.json()["revision"]["row_count"] == 1


def test_rejected_submission_reports_every_issue_and_stores_nothing(setup) -> None:
    bad = CSV.replace(b"1000,800", b"1000,1800") + b"QMJ,2024-06-01,=1+1,5\n"
    response = _post_file(setup["client"], setup["qmj"], bad)
    assert response.status_code == 422
    issues = response.json()["report"]["issues"]
    assert {(i["row"], i["column"]) for i in issues} >= {
        (1, "ucr_within_2_hours"),
        (2, "ucr_referrals"),
    }
    assert all({"file", "row", "column", "rule", "value"} <= set(i) for i in issues)
    assert not (setup["svc"].lake.root / "community_ucr").exists()
    sid = response.json()["submission_id"]
    got = setup["client"].get(f"/api/v1/submissions/{sid}", headers=setup["qmj"]).json()
    assert got["status"] == "rejected" and got["report"]["issues"] == issues


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Bearer ovs_abc_def", "Basic x"])
def test_missing_or_bad_token_is_401(setup, header) -> None:
    headers = {"Authorization": header} if header else {}
    response = _post_file(setup["client"], headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert setup["client"].get("/api/v1/submissions/x", headers=headers).status_code == 401


def test_token_of_another_icb_is_403(setup) -> None:
    client = setup["client"]
    assert _post_file(client, setup["qmf"]).status_code == 403
    assert not (setup["svc"].lake.root / "community_ucr").exists()
    sid = _post_file(client, setup["qmj"]).json()["submission_id"]
    assert client.get(f"/api/v1/submissions/{sid}", headers=setup["qmf"]).status_code == 403


def test_revoked_token_is_401_and_admin_token_acts_for_any_icb(setup) -> None:
    engine = setup["svc"].engine
    text = tokens.create("temp", "QMJ", engine=engine)
    assert tokens.revoke(text.split("_")[1], engine)
    assert _post_file(setup["client"], {"Authorization": f"Bearer {text}"}).status_code == 401
    admin = tokens.create("nhse", None, "admin", engine=engine)
    response = _post_file(setup["client"], {"Authorization": f"Bearer {admin}"})
    assert response.status_code == 201


def test_tokens_are_stored_only_hashed(setup) -> None:
    engine = setup["svc"].engine
    text = tokens.create("audit-me", "QMJ", engine=engine)
    secret = text.split("_", 2)[2]
    stored = next(t for t in tokens.listing(engine) if t.name == "audit-me")
    assert secret not in (stored.digest, stored.salt) and len(stored.digest) == 64
    principal = tokens.authenticate(text, engine)
    assert principal is not None and principal.org_code == "QMJ"
    assert tokens.authenticate(text[:-1] + ("A" if text[-1] != "A" else "B"), engine) is None


def test_usage_errors_are_400(setup) -> None:
    client, headers = setup["client"], setup["qmj"]
    files = {"file": ("gp.csv", CSV, "text/csv")}
    bad_period = {**FIELDS, "period": "June"}
    assert (
        client.post(
            "/api/v1/submissions", data=bad_period, files=files, headers=headers
        ).status_code
        == 400
    )
    unknown = {**FIELDS, "collection": "nope"}
    assert (
        client.post("/api/v1/submissions", data=unknown, files=files, headers=headers).status_code
        == 400
    )
    assert client.get("/api/v1/submissions/missing", headers=headers).status_code == 404


@pytest.mark.parametrize("period", ["March", "0000-01", "2024-13", "2024-6", "2024-06-01", ""])
def test_a_bad_period_is_400_with_the_message_and_stores_nothing(setup, period: str) -> None:
    client, headers = setup["client"], setup["qmj"]
    message = f"period must look like 2024-06; got {period!r}"
    multipart = _post_file(client, headers, period=period)
    assert (multipart.status_code, multipart.json()["detail"]) == (400, message)
    records = _records("2024-06", 1000) | {"period": period}
    as_json = client.post("/api/v1/submissions", json=records, headers=headers)
    assert (as_json.status_code, as_json.json()["detail"]) == (400, message)
    assert revisions.revisions_for("community_ucr", engine=setup["svc"].engine) == []


def _records(month: str, appointments: int) -> dict[str, Any]:
    row = {
        "icb_code": "QMJ",
        "period": f"{month}-01",
        "ucr_referrals": appointments,
        "ucr_within_2_hours": appointments // 2,
    }
    return {**FIELDS, "period": month, "records": [row]}


def test_outlier_against_own_history_waits_for_confirm_true(setup) -> None:
    client, qmj = setup["client"], setup["qmj"]
    months = [f"2023-{m:02d}" for m in range(6, 13)] + [f"2024-{m:02d}" for m in range(1, 6)]
    for i, month in enumerate(months):
        done = client.post("/api/v1/submissions", json=_records(month, 1000 + i % 3), headers=qmj)
        assert done.status_code == 201, done.json()
    spike = _records("2024-06", 9000)
    pending = client.post("/api/v1/submissions", json=spike, headers=qmj)
    assert pending.status_code == 202 and pending.json()["status"] == "pending_confirmation"
    rules = [i["rule"] for i in pending.json()["report"]["issues"]]
    assert "outliers.history" in rules
    confirmed = client.post("/api/v1/submissions", json={**spike, "confirm": True}, headers=qmj)
    assert confirmed.status_code == 201 and confirmed.json()["status"] == "accepted"


def test_a_waiting_submission_is_confirmed_by_id_without_sending_it_again(setup) -> None:
    client, qmj, qmf = setup["client"], setup["qmj"], setup["qmf"]
    months = [f"2023-{m:02d}" for m in range(6, 13)] + [f"2024-{m:02d}" for m in range(1, 6)]
    for i, month in enumerate(months):
        done = client.post("/api/v1/submissions", json=_records(month, 1000 + i % 3), headers=qmj)
        assert done.status_code == 201, done.json()
    pending = client.post("/api/v1/submissions", json=_records("2024-06", 9000), headers=qmj)
    assert pending.status_code == 202
    waiting = pending.json()["submission_id"]
    url = f"/api/v1/submissions/{waiting}/confirm"
    assert client.post(url, headers=qmf).status_code == 403
    assert client.post("/api/v1/submissions/nope/confirm", headers=qmj).status_code == 404
    confirmed = client.post(url, headers=qmj)
    assert confirmed.status_code == 201, confirmed.json()
    body = confirmed.json()
    assert body["status"] == "accepted" and body["submission_id"] != waiting
    stored = revisions.get(body["revision"]["id"], engine=setup["svc"].engine)
    assert stored is not None and stored.period == "2024-06" and stored.row_count == 1
    before = client.get(f"/api/v1/submissions/{waiting}", headers=qmj).json()
    assert before["status"] == "confirmed"
    assert before["report"]["confirmed_by"] == body["submission_id"]
    again = client.post(url, headers=qmj)
    assert again.status_code == 409 and "is confirmed" in again.json()["detail"]
    assert not (setup["svc"].incoming / "_pending" / waiting).exists()


def test_a_collection_without_a_dataset_is_a_clear_400(setup) -> None:
    body = {**_records("2024-06", 1000), "collection": "ae_sitrep"}
    response = setup["client"].post("/api/v1/submissions", json=body, headers=setup["qmj"])
    assert response.status_code == 400
    assert "no dataset in the lake" in response.json()["detail"]
