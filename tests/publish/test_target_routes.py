"""The target register over HTTP, from the outside, on SQLite and PostgreSQL: anyone reads it;
only the right role adds, publishes or retires; every change is audited with its reason; bad
input is a 4xx with the register's message and stores nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.judge.register_support import TRAJECTORY

from oversight.catalogue import load
from oversight.collect import api, tokens
from oversight.judge import register
from oversight.publish.web.routes import ROUTES, mount
from oversight.store import database
from oversight.store.lake import Lake
from oversight.store.testing import database_url

__all__ = ["database_url"]

LOCAL: dict[str, Any] = {
    "scope": "local",
    "icb_code": "QOP",
    "metric_id": "ae_4hr",
    "planning_year": "2025/26",
    "value": 78.0,
    "comparison": ">=",
    "deadline": "2026-03-31",
    "date_set": "2025-04-20",
    "owner": "Director of Performance, NHS Greater Manchester ICB",
    "rationale": "Two sites already exceed 80%",
    "trajectory": [[m, v] for m, v in TRAJECTORY],
    "partners": ["Manchester University NHS FT"],
}
NATIONAL = {**LOCAL, "scope": "national", "icb_code": None, "trajectory": [], "partners": []}


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load()


@pytest.fixture
def setup(database_url: str, tmp_path: Path, catalogue: Any) -> dict[str, Any]:
    engine = database.connect(database_url)
    svc = api.Services(engine, Lake(tmp_path / "lake"), catalogue, tmp_path / "in")
    app = FastAPI()
    mount(app, [r for r in ROUTES if r[1].startswith("/api/v1/targets")])
    app.dependency_overrides[api.services] = lambda: svc
    keys = {
        "admin": tokens.create("ops", None, "admin", engine=engine),
        "nhse": tokens.create("nhse", None, "nhse", engine=engine),
        "QOP": tokens.create("gm", "QOP", engine=engine),
        "QHL": tokens.create("bsol", "QHL", engine=engine),
    }
    return {
        "client": TestClient(app, raise_server_exceptions=False),
        "engine": engine,
        **{k: {"Authorization": f"Bearer {v}"} for k, v in keys.items()},
    }


def _ids(setup: dict[str, Any]) -> list[str]:
    response = setup["client"].get("/api/v1/targets")
    assert response.status_code == 200
    return [t["id"] for t in response.json()]


def test_anyone_reads_the_register(setup) -> None:
    register.seed(setup["engine"], load())
    client = setup["client"]
    every = client.get("/api/v1/targets").json()
    assert len(every) == len(load().targets)
    local = client.get("/api/v1/targets", params={"scope": "local", "icb": "qmj"}).json()
    assert local and {t["icb_code"] for t in local} == {"QMJ"}
    one = client.get(f"/api/v1/targets/{local[0]['id']}").json()
    assert one["id"] == local[0]["id"] and one["history"][0]["action"] == "target.seed"
    ae = client.get("/api/v1/targets", params={"metric": "ae_4hr", "year": "2025/26"}).json()
    assert ae and {(t["metric_id"], t["planning_year"]) for t in ae} == {("ae_4hr", "2025/26")}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"scope": "regional"}, "scope must be one of national, local"),
        ({"status": "live"}, "status must be one of draft, published, retired"),
        ({"year": "2025-26"}, "period must look like 2025/26"),
    ],
)
def test_a_bad_filter_is_400_naming_the_choices(setup, params, message) -> None:
    response = setup["client"].get("/api/v1/targets", params=params)
    assert response.status_code == 400 and message in response.json()["detail"]


def test_unknown_target_is_404(setup) -> None:
    response = setup["client"].get("/api/v1/targets/nope-v1")
    assert response.status_code == 404 and "no target 'nope-v1'" in response.json()["detail"]
    response = setup["client"].post(
        "/api/v1/targets/nope-v1/publish", json={"reason": "x"}, headers=setup["admin"]
    )
    assert response.status_code == 404


def test_a_change_needs_a_token(setup) -> None:
    client = setup["client"]
    assert client.post("/api/v1/targets", json=LOCAL).status_code == 401
    bad = {"Authorization": "Bearer ovs_nope_nope"}
    assert client.post("/api/v1/targets", json=LOCAL, headers=bad).status_code == 401
    assert _ids(setup) == []


@pytest.mark.parametrize(("who", "allowed"), [("QOP", True), ("admin", True), ("QHL", False),
                                              ("nhse", False)])
def test_only_the_icb_or_admin_adds_and_publishes_its_local_target(setup, who, allowed) -> None:
    client = setup["client"]
    response = client.post("/api/v1/targets", json=LOCAL, headers=setup[who])
    if not allowed:
        assert response.status_code == 403, response.text
        assert "local targets" in response.json()["detail"]
        assert _ids(setup) == []
        # the ICB adds it; the other still may not publish or retire it
        assert client.post("/api/v1/targets", json=LOCAL, headers=setup["QOP"]).status_code == 201
        publish = client.post("/api/v1/targets/QOP-ae_4hr-2025-26-v1/publish",
                              json={"reason": "board agreed"}, headers=setup[who])
        assert publish.status_code == 403
        assert client.get("/api/v1/targets/QOP-ae_4hr-2025-26-v1").json()["status"] == "draft"
        return
    assert response.status_code == 201, response.text
    added = response.json()
    assert (added["id"], added["status"]) == ("QOP-ae_4hr-2025-26-v1", "draft")
    publish = client.post(f"/api/v1/targets/{added['id']}/publish",
                          json={"reason": "board agreed"}, headers=setup[who])
    assert publish.status_code == 200 and publish.json()["status"] == "published"
    retire = client.post(f"/api/v1/targets/{added['id']}/retire",
                         json={"reason": "replaced by the system plan"}, headers=setup[who])
    assert retire.status_code == 200 and retire.json()["status"] == "retired"
    history = client.get(f"/api/v1/targets/{added['id']}").json()["history"]
    assert [h["action"] for h in history] == ["target.add", "target.publish", "target.retire"]
    assert [h["reason"] for h in history][1:] == ["board agreed", "replaced by the system plan"]
    assert {h["actor"] for h in history} == {"token:gm" if who == "QOP" else "token:ops"}


@pytest.mark.parametrize(("who", "allowed"), [("nhse", True), ("admin", True), ("QOP", False)])
def test_national_targets_only_by_nhs_england(setup, who, allowed) -> None:
    response = setup["client"].post("/api/v1/targets", json=NATIONAL, headers=setup[who])
    assert response.status_code == (201 if allowed else 403), response.text
    if not allowed:
        assert "national targets are set by NHS England" in response.json()["detail"]


def test_steps_need_a_reason_and_the_right_state(setup) -> None:
    client = setup["client"]
    added = client.post("/api/v1/targets", json=LOCAL, headers=setup["QOP"]).json()
    path = f"/api/v1/targets/{added['id']}"
    no_reason = client.post(f"{path}/publish", json={}, headers=setup["QOP"])
    assert no_reason.status_code == 422 and "a reason is required" in no_reason.json()["detail"]
    early = client.post(f"{path}/retire", json={"reason": "x"}, headers=setup["QOP"])
    assert early.status_code == 409 and "draft" in early.json()["detail"]
    again = client.post("/api/v1/targets", json=LOCAL, headers=setup["QOP"])
    assert again.status_code == 409 and "already has a target" in again.json()["detail"]
    assert client.get(path).json()["status"] == "draft"


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"value": 120}, 422, "the target value 120 is a percentage: it must be 0 to 100"),
        ({"value": "78"}, 422, "value must be a number"),
        ({"icb_code": "QZZ"}, 422, "unknown organisation 'QZZ'"),
        ({"metric_id": "ae_5hr"}, 422, "unknown metric 'ae_5hr'"),
        ({"trajectory": [["2025-04", 70], ["2025-06", 71]]}, 422, "the trajectory has a gap"),
        ({"trajectory": [["2025-03", 70]]}, 422, "the trajectory month 2025-03 is outside"),
        ({"trajectory": "2025-04:70"}, 422, "trajectory must be a list"),
        ({"deadline": "2025-02-30"}, 422, "deadline must be a date like 2025-04-01"),
        ({"owner": None}, 422, "owner is required"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(setup, change, status, message) -> None:
    response = setup["client"].post(
        "/api/v1/targets", json={**LOCAL, **change}, headers=setup["admin"]
    )
    assert response.status_code == status, response.text
    assert message in " ".join(response.json()["detail"].split())
    assert _ids(setup) == []


@pytest.mark.parametrize("body", [b"[1, 2]", b"not json", b"{" * 100_000])
def test_a_body_that_is_not_an_object_is_400(setup, body) -> None:
    headers = {**setup["admin"], "content-type": "application/json"}
    response = setup["client"].post("/api/v1/targets", content=body, headers=headers)
    assert response.status_code == 400
