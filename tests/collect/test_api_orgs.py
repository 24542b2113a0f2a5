"""The organisation a submission is for, and the rows in it, as an attacker would try them:
codes that are paths, lists, None or huge strings; another ICB's rows in an NHS England
return; an ICB after its merger. Every refusal is a plain 400/403/422, never a stored file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from oversight.catalogue import load
from oversight.collect import api, tokens
from oversight.publish.web.routes import ROUTES, mount
from oversight.store import database
from oversight.store.lake import Lake

UCR = b"icb_code,period,ucr_referrals,ucr_within_2_hours\nQMJ,2024-06-01,1000,800\n"
UCR_FIELDS = {"collection": "community_ucr_return", "org": "QMJ", "period": "2024-06"}
GP = "icb_code,period,appointments,appointments_within_2_weeks\n{icb},2024-06-01,1000,800\n"
GP_FIELDS = {"collection": "gp_appointments_return", "org": "QMJ", "period": "2024-06"}


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load()


@pytest.fixture
def setup(tmp_path: Path, catalogue: Any) -> dict[str, Any]:
    engine = database.connect(f"sqlite:///{tmp_path / 'o.db'}")
    svc = api.Services(engine, Lake(tmp_path / "home" / "lake"), catalogue, tmp_path / "in")
    app = FastAPI()
    mount(app, [r for r in ROUTES if r[1].startswith("/api/v1/submissions")])
    app.dependency_overrides[api.services] = lambda: svc
    bearer = {
        "qmj": tokens.create("qmj-bi", "QMJ", engine=engine),
        "qmf": tokens.create("qmf-bi", "QMF", engine=engine),
        "admin": tokens.create("nhse", None, "admin", engine=engine),
    }
    return {
        "client": TestClient(app, raise_server_exceptions=False),
        "svc": svc,
        "tmp": tmp_path,
        **{k: {"Authorization": f"Bearer {v}"} for k, v in bearer.items()},
    }


def _post(setup: dict[str, Any], who: str, body: bytes = UCR, **fields: Any):
    files = {"file": ("data.csv", body, "text/csv")}
    return setup["client"].post(
        "/api/v1/submissions", data={**UCR_FIELDS, **fields}, files=files, headers=setup[who]
    )


def _files_outside_the_lake(setup: dict[str, Any]) -> list[Path]:
    lake = setup["svc"].lake.root
    return [p for p in setup["tmp"].rglob("*.parquet") if not p.is_relative_to(lake)] + list(
        Path("/tmp").glob("x.parquet")
    )


@pytest.mark.parametrize(
    ("org", "fields"),
    [
        ("../../../../x", GP_FIELDS),  # from lake/gp_appointments/2024-06 up to tmp_path
        ("QMJ/../../../../../x", GP_FIELDS),
        ("/tmp/x", UCR_FIELDS),
        ("Q" * 10_000, GP_FIELDS),
    ],
)
def test_a_path_as_org_is_refused_and_writes_nothing(setup, org, fields) -> None:
    body = GP.format(icb="QMJ").encode() if fields is GP_FIELDS else UCR
    response = _post(setup, "admin", body, **{**fields, "org": org})
    assert response.status_code == 400, response.text[:300]
    detail = response.json()["detail"]
    assert "not an organisation code" in detail and len(detail) < 300
    assert _files_outside_the_lake(setup) == []
    assert not any(setup["svc"].lake.root.rglob("*.parquet"))


@pytest.mark.parametrize("org", [None, ["QE1"], {"a": 1}, 7, "None", "Q" * 10_000, "NOSUCH"])
def test_json_org_that_is_not_one_known_code_is_refused_even_in_a_dry_run(setup, org) -> None:
    body = {
        **UCR_FIELDS,
        "org": org,
        "dry_run": True,
        "records": [
            {"icb_code": "QMJ", "period": "2024-06-01", "ucr_referrals": 5, "ucr_within_2_hours": 4}
        ],
    }
    response = setup["client"].post("/api/v1/submissions", json=body, headers=setup["admin"])
    assert response.status_code == 400, response.text[:300]
    assert "org" in response.json()["detail"] or "organisation" in response.json()["detail"]


def test_an_icb_after_its_merger_is_told_its_successor(setup) -> None:
    body = UCR.replace(b"2024-06-01", b"2026-04-01")
    response = _post(setup, "qmj", body, period="2026-04")
    assert response.status_code == 400
    assert response.json()["detail"] == "QMJ merged into Z9B2Z on 2026-04-01; submit for Z9B2Z"


def test_an_icb_token_may_not_send_an_nhs_england_return(setup) -> None:
    """Issue 13: QMJ's token sent gp_appointments rows for QMF, which were accepted and
    replaced QMJ's own figure. NHS England returns are sent by national tokens only."""
    for icb in ("QMF", "QMJ"):
        body = GP.format(icb=icb).encode()
        response = _post(setup, "qmj", body, **GP_FIELDS)
        assert response.status_code == 403, response.text[:300]
        assert "NHS England" in response.json()["detail"]
    assert not (setup["svc"].lake.root / "gp_appointments").exists()


def test_even_a_national_token_stores_rows_only_for_the_org_named(setup) -> None:
    response = _post(setup, "admin", GP.format(icb="QMF").encode(), **GP_FIELDS)
    assert response.status_code == 422, response.text[:300]
    issues = response.json()["report"]["issues"]
    assert {(i["row"], i["column"], i["rule"]) for i in issues} == {
        (1, "icb_code", "codes.org_mismatch")
    }
    assert not (setup["svc"].lake.root / "gp_appointments").exists()
    stored = _post(setup, "admin", GP.format(icb="QMJ").encode(), **GP_FIELDS)
    assert stored.status_code == 201, stored.text[:300]


def test_an_icb_token_may_not_send_another_icbs_rows_in_its_own_return(setup) -> None:
    response = _post(setup, "qmj", UCR.replace(b"\nQMJ,", b"\nQMF,"))
    assert response.status_code == 422
    rules = {(i["row"], i["column"], i["rule"]) for i in response.json()["report"]["issues"]}
    assert (1, "icb_code", "codes.org_mismatch") in rules


@pytest.mark.parametrize("period", ["2024-1e1", "0000-01", "June", "", "2024-13", "2" * 5000])
def test_a_bad_period_is_a_plain_400(setup, period) -> None:
    """Issue 16: '2024-1e1' answered "invalid literal for int() with base 10: '1e1'" and
    '0000-01' a 500."""
    response = _post(setup, "qmj", period=period)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("period must look like 2024-06; got ")
    assert "invalid literal" not in detail and len(detail) < 200


@pytest.mark.parametrize("collection", [["x"], "nope", "c" * 10_000, None])
def test_a_bad_collection_is_a_plain_400(setup, collection) -> None:
    body = {**UCR_FIELDS, "collection": collection, "records": []}
    response = setup["client"].post("/api/v1/submissions", json=body, headers=setup["qmj"])
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("unknown collection") and len(detail) < 200


def test_a_revision_landing_during_validation_is_a_409_not_a_500(setup, monkeypatch) -> None:
    """Another submission for the same org and month was accepted while this one was being
    validated: ingest refuses to overwrite it unseen, and the API says so with 409."""
    assert _post(setup, "qmj").status_code == 201
    from oversight.collect import ingest as ingest_module

    real = ingest_module.revisions.latest
    calls: list[int] = []

    def stale_then_real(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return None if len(calls) == 1 else real(*args, **kwargs)  # first look: nothing yet

    monkeypatch.setattr(ingest_module.revisions, "latest", stale_then_real)
    response = _post(setup, "qmj", UCR.replace(b"1000,800", b"1001,800"))
    assert response.status_code == 409
    assert "was accepted while this one was being validated" in response.json()["detail"]


@pytest.mark.parametrize("role", ["dhsc", "cqc", "nhse"])
def test_a_reading_role_submits_nothing(setup, role) -> None:
    text = tokens.create(f"{role}-reader", None, role, engine=setup["svc"].engine)
    response = setup["client"].post(
        "/api/v1/submissions",
        data=UCR_FIELDS,
        files={"file": ("data.csv", UCR, "text/csv")},
        headers={"Authorization": f"Bearer {text}"},
    )
    assert response.status_code == 403, response.text[:300]
    assert response.json()["detail"] == f"a token of role {role} reads figures; it submits nothing"
    assert not any(setup["svc"].lake.root.rglob("*.parquet"))
