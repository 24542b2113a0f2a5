"""The assessment API from the outside: 401 without a token, 403 for the wrong role or someone
else's draft, 404 unknown, 409 an illegal move, 422 bad input; the whole path; published is
public and immutable. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oversight.collect import tokens
from oversight.home import Home
from oversight.publish.web.app import create_app
from oversight.store import database


@pytest.fixture
def setup(
    database_url: str, tmp_path: Path
) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    home = Home.at(tmp_path / "home", database_url)
    engine = database.connect(database_url)
    made = {n: tokens.create(n, org, role, engine=engine)
            for n, org, role in (("anna", None, "cqc"), ("ben", None, "cqc"),
                                 ("nhse", None, "nhse"), ("ncl", "QMJ", "submitter"))}  # fmt: skip
    headers = {n: {"Authorization": f"Bearer {t}"} for n, t in made.items()}
    yield TestClient(create_app(home)), headers
    database.dispose(database_url)


def _start(client: TestClient, who: dict[str, str]) -> str:
    done = client.post("/api/v1/assessments", headers=who,
                       json={"org": "QMJ", "date": "2025-03-01", "reason": "annual"})  # fmt: skip
    assert done.status_code == 200, done.text
    return str(done.json()["id"])


def test_the_whole_path_over_http(setup: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, who = setup
    aid = _start(client, who["anna"])
    base = f"/api/v1/assessments/{aid}"
    scored = client.post(f"{base}/scores", headers=who["anna"],
                         json={"scores": {"safeguarding": 4, "equity_in_access": 2},
                               "reason": "findings"})  # fmt: skip
    assert scored.status_code == 200, scored.text
    item = {"statement": "equity_in_access", "category": "people_s_experience",
            "source": "feedback", "summary": "Carers report long waits.", "date": "2025-02-01",
            "reason": "feedback read"}  # fmt: skip
    assert client.post(f"{base}/evidence", headers=who["anna"], json=item).status_code == 200
    assert client.get(base).status_code == 403  # a draft is not public
    assert client.post(f"{base}/submit", headers=who["anna"], json={"reason": "ready"}).is_success
    published = client.post(f"{base}/publish", headers=who["ben"], json={"reason": "moderated"})
    assert published.status_code == 200, published.text
    body = client.get(base).json()  # public now
    assert body["status"] == "published" and body["result"]["overall"]["rating"] == "Good"
    assert [a["action"] for a in body["audit"]][-1] == "assessment.published"
    listed = client.get("/api/v1/assessments").json()["assessments"]
    assert [a["id"] for a in listed] == [aid]


def test_refusals_have_their_status(setup: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, who = setup
    assert client.post("/api/v1/assessments", json={"org": "QMJ", "date": "2025-03-01",
                                                    "reason": "x"}).status_code == 401  # fmt: skip
    for other in ("nhse", "ncl"):
        refused = client.post("/api/v1/assessments", headers=who[other],
                              json={"org": "QMJ", "date": "2025-03-01", "reason": "x"})  # fmt: skip
        assert refused.status_code == 403 and "cqc or admin token" in refused.json()["detail"]
    aid = _start(client, who["anna"])
    base = f"/api/v1/assessments/{aid}"
    theirs = client.post(f"{base}/scores", headers=who["ben"],
                         json={"scores": {"safeguarding": 2}, "reason": "x"})  # fmt: skip
    assert theirs.status_code == 403 and "only its assessor (anna)" in theirs.json()["detail"]
    bad = client.post(f"{base}/scores", headers=who["anna"],
                      json={"scores": {"kindness": 2}, "reason": "x"})  # fmt: skip
    assert bad.status_code == 422 and "not a quality statement" in bad.json()["detail"]
    skip = client.post(f"{base}/publish", headers=who["ben"], json={"reason": "x"})
    assert skip.status_code == 409 and "allowed: moderation" in skip.json()["detail"]
    assert client.get("/api/v1/assessments/nope", headers=who["anna"]).status_code == 404
    assert client.post(f"{base}/explode", headers=who["anna"],
                       json={"reason": "x"}).status_code == 404  # fmt: skip
    unknown = client.post("/api/v1/assessments", headers=who["anna"],
                          json={"org": "XYZ", "date": "2025-03-01", "reason": "x"})  # fmt: skip
    assert unknown.status_code == 422


def test_published_is_immutable_over_http(
    setup: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, who = setup
    aid = _start(client, who["anna"])
    base = f"/api/v1/assessments/{aid}"
    client.post(f"{base}/scores", headers=who["anna"],
                json={"scores": {"safeguarding": 3}, "reason": "x"})  # fmt: skip
    client.post(f"{base}/submit", headers=who["anna"], json={"reason": "ready"})
    own = client.post(f"{base}/publish", headers=who["anna"], json={"reason": "self"})
    assert own.status_code == 403 and "may not moderate their own" in own.json()["detail"]
    assert client.post(f"{base}/publish", headers=who["ben"], json={"reason": "ok"}).is_success
    late = client.post(f"{base}/overrides", headers=who["anna"], json={
        "subject": "overall", "rating": "Inadequate", "reason": "x"})  # fmt: skip
    assert late.status_code == 403 and "cannot be changed" in late.json()["detail"]
    new = client.post(f"{base}/revise", headers=who["ben"], json={"reason": "new evidence"})
    assert new.status_code == 200 and new.json()["supersedes"] == aid


def test_equity_view_without_measures_is_404(
    setup: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, _ = setup
    missing = client.get("/api/v1/equity")
    assert missing.status_code == 404 and "no inequality measures" in missing.json()["detail"]
