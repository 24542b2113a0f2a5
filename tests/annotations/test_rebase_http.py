"""The annotation and rebase API from the outside, on SQLite and PostgreSQL: 401 without a
token, 403 for a role that may not, 404 unknown, 409 an illegal move, 422 bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from tests.annotations.annotation_support import Team, audit_count, team

from oversight.home import Home
from oversight.publish.web.app import create_app
from oversight.store import database


@pytest.fixture
def home(database_url: str, tmp_path: Path) -> Home:
    return Home.at(tmp_path / "home", database_url)


@pytest.fixture
def engine(home: Home) -> Engine:
    return database.connect(home.database_url)


@pytest.fixture
def people(engine: Engine) -> Team:
    return team(engine)


@pytest.fixture
def client(home: Home) -> TestClient:
    return TestClient(create_app(home))


def auth(people: Team, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {people.text[who]}"}


PROPOSAL = {"metric": "ae_4hr", "org": "QMJ", "month": "2024-06", "reason": "new UTC"}


def test_the_lifecycle_over_http(client: TestClient, people: Team) -> None:
    made = client.post("/api/v1/rebases", json=PROPOSAL, headers=auth(people, "qmj"))
    assert made.status_code == 200, made.text
    rid = made.json()["id"]
    assert client.get("/api/v1/rebases").json() == {"rebases": []}  # the public: not yet
    own = client.get("/api/v1/rebases", headers=auth(people, "qmj")).json()["rebases"]
    assert [r["id"] for r in own] == [rid]
    ok = client.post(f"/api/v1/rebases/{rid}/approve", json={"reason": "agreed"},
                     headers=auth(people, "nhse"))
    assert ok.status_code == 200 and ok.json()["state"] == "approved"
    public = client.get("/api/v1/rebases", params={"metric": "ae_4hr", "org": "QMJ"})
    assert [r["state"] for r in public.json()["rebases"]] == ["approved"]
    back = client.post(f"/api/v1/rebases/{rid}/reverse", json={"reason": "closed"},
                       headers=auth(people, "admin"))
    assert back.status_code == 200 and back.json()["allowed_next"] == []
    trail = client.get(f"/api/v1/rebases/{rid}").json()["audit"]
    assert [e["action"] for e in trail] == ["rebase.propose", "rebase.approve", "rebase.reverse"]
    assert [e["actor"] for e in trail] == ["token:ncl-performance", "token:nhse-oversight",
                                          "token:ops"]


def test_refusals_have_their_status_and_store_nothing(
    client: TestClient, people: Team, engine: Engine
) -> None:
    rid = client.post("/api/v1/rebases", json=PROPOSAL, headers=auth(people, "qmj")).json()["id"]
    before = audit_count(engine)
    checks = [
        ("/api/v1/rebases", PROPOSAL, None, 401, "bearer token"),
        ("/api/v1/rebases", PROPOSAL, "qop", 403, "speaks for QOP"),
        ("/api/v1/rebases", {**PROPOSAL, "org": "Y56"}, "qmj", 403, "NHS England's"),
        (f"/api/v1/rebases/{rid}/approve", {"reason": "x"}, "qmj2", 403, "approver register"),
        (f"/api/v1/rebases/{rid}/approve", {"reason": "x"}, "qop", 404, "no rebase"),
        (f"/api/v1/rebases/{rid}/reverse", {"reason": "x"}, "nhse", 409, "may move only to"),
        (f"/api/v1/rebases/{rid}/delete", {"reason": "x"}, "nhse", 422, ""),
        ("/api/v1/rebases/rb-nope/approve", {"reason": "x"}, "nhse", 404, "no rebase"),
        ("/api/v1/rebases", {**PROPOSAL, "metric": "nope"}, "nhse", 422, "no metric"),
        ("/api/v1/rebases", {**PROPOSAL, "reason": ""}, "nhse", 422, "a reason is needed"),
        ("/api/v1/rebases", {"metric": "ae_4hr"}, "nhse", 422, ""),
        ("/api/v1/annotations", {"metric": "ae_4hr", "org": "QMJ", "date": "2024-06-01",
                                 "text": "x"}, "qop", 403, "may not annotate QMJ's"),
        ("/api/v1/rebase-approvers", {"icb": "QMJ", "token_id": people.who["qmj2"].token_id,
                                      "reason": "x"}, "qmj", 403, "appointed by NHS England"),
        ("/api/v1/rebase-approvers", {"icb": "QMJ", "token_id": people.who["qmj2"].token_id,
                                      "reason": " "}, "nhse", 422, "a reason is needed"),
        ("/api/v1/annotations", {"metric": "ae_4hr", "org": "QMJ", "date": "2024-06-01",
                                 "text": "a\x00b"}, "qmj", 422, "NUL"),
        (f"/api/v1/rebases/{rid}/reject", {"reason": "\x00"}, "nhse", 422, "NUL"),
    ]
    for path, body, who, status, message in checks:
        headers = {} if who is None else auth(people, who)
        answer = client.post(path, json=body, headers=headers)
        assert answer.status_code == status, (path, who, answer.text)
        assert message in str(answer.json()["detail"]), (path, answer.text)
    assert client.post(f"/api/v1/rebases/{rid}/approve", json={"reason": "x"},
                       headers={"Authorization": "Bearer ovs_nope_nope"}).status_code == 401
    for path in ("/api/v1/annotations?metric=%00", "/api/v1/rebases?org=%00",
                 "/api/v1/rebases/%00", "/api/v1/rebase-approvers?icb=%00"):
        assert client.get(path).status_code == 422, path
    assert audit_count(engine) == before


def test_named_approver_and_annotations_over_http(client: TestClient, people: Team) -> None:
    entry = client.post("/api/v1/rebase-approvers", headers=auth(people, "nhse"), json={
        "icb": "qmj", "token_id": people.who["qmj2"].token_id, "reason": "director"})
    assert entry.status_code == 200, entry.text
    listed = client.get("/api/v1/rebase-approvers", params={"icb": "QMJ"}).json()["approvers"]
    assert [a["name"] for a in listed] == ["ncl-director"]
    rid = client.post("/api/v1/rebases", json=PROPOSAL, headers=auth(people, "qmj")).json()["id"]
    ok = client.post(f"/api/v1/rebases/{rid}/approve", json={"reason": "board"},
                     headers=auth(people, "qmj2"))
    assert ok.status_code == 200 and ok.json()["decided_by"] == "token:ncl-director"
    gone = client.post(f"/api/v1/rebase-approvers/{entry.json()['id']}/remove",
                       json={"reason": "left"}, headers=auth(people, "admin"))
    assert gone.status_code == 200 and gone.json()["removed_at"]

    note = client.post("/api/v1/annotations", headers=auth(people, "qmj"), json={
        "metric": "ae_4hr", "org": "QMJ", "date": "2024-06", "text": "UTC opened"})
    assert note.status_code == 200, note.text
    assert note.json()["date"] == "2024-06-01"
    sex = client.post("/api/v1/annotations", headers=auth(people, "qmj"), json={
        "metric": "ae_4hr", "org": "QMJ", "date": "2024-07-02", "text": "female only",
        "breakdown": "sex", "group": "female"})
    assert sex.status_code == 200, sex.text
    total = client.get("/api/v1/annotations", params={
        "metric": "ae_4hr", "org": "QMJ", "breakdown": "total", "group": "total"})
    assert [a["text"] for a in total.json()["annotations"]] == ["UTC opened"]
    female = client.get("/api/v1/annotations", params={
        "metric": "ae_4hr", "org": "QMJ", "breakdown": "sex", "group": "female"})
    assert [a["text"] for a in female.json()["annotations"]] == ["UTC opened", "female only"]
    wd = client.post(f"/api/v1/annotations/{note.json()['id']}/withdraw",
                     json={"reason": "duplicate"}, headers=auth(people, "nhse"))
    assert wd.status_code == 200 and wd.json()["state"] == "withdrawn"
    assert [a["text"] for a in client.get("/api/v1/annotations").json()["annotations"]] == [
        "female only"]


def test_the_downloads_page_lists_the_annotation_and_rebase_files(client: TestClient) -> None:
    page = client.get("/downloads")
    assert page.status_code == 200
    for path in ("/api/v1/annotations.csv", "/api/v1/rebases.csv", "/api/v1/rebases/{rebase_id}"):
        assert f"<code>{path}</code>" in page.text, path
    assert "Every approved and reversed rebase as CSV" in page.text
    empty = client.get("/api/v1/annotations.csv")
    assert empty.status_code == 200 and empty.text.startswith("id,metric,org,breakdown")
