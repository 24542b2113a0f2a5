"""Issue 13: a token scoped to an ICB never stores a row for another organisation, whatever
the collection's submitter and whatever the file says; the refusal names the row and column.
Run for every collection in the catalogue, over HTTP, with a file that is otherwise valid
(the same file for QMJ alone is accepted)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from oversight.catalogue import load
from oversight.catalogue.models import Column
from oversight.collect import api, tokens
from oversight.publish.web.routes import ROUTES, mount
from oversight.store import database
from oversight.store.lake import Lake

CATALOGUE = load()
COLLECTIONS = sorted(CATALOGUE.collections)
STORED = [c for c in COLLECTIONS if CATALOGUE.collections[c].dataset is not None]
RECORD_LEVEL = [c for c in STORED if CATALOGUE.collections[c].grain == "record"]
OWN = {"icb_code": "QMJ", "provider_code": "QMJ-A1", "region_code": "Y56"}
FOREIGN = {"icb_code": "QMF", "provider_code": "QMF-A1"}  # QMF-A1 is attached to QMF


def _code_columns(collection: str) -> list[str]:
    dataset = CATALOGUE.collections[collection].dataset
    if dataset is None:
        return ["icb_code"]
    return [c.name for c in CATALOGUE.datasets[dataset].columns if c.name in FOREIGN]


CASES = [(c, column) for c in COLLECTIONS for column in _code_columns(c)]


def _value(column: Column, row: int) -> str:
    if column.name in OWN:
        return OWN[column.name]
    if column.name == "period":
        return "2024-06-01"
    if column.name == "record_id":
        return str(row)
    if column.allowed_values:
        return column.allowed_values[0]
    if column.type == "date":
        return "2024-06-10"
    if column.type == "timestamp":
        return "2024-06-10T10:00:00"
    if column.type == "bool":
        return "false"
    low = column.min if column.min is not None else 0
    return str(int(low if column.max is not None and column.max < 1 else max(low, 1)))


def _file(collection: str, at_last_row: dict[str, str] | None = None, rows: int = 3) -> bytes:
    """A valid file of `rows` rows for QMJ, the last one changed by `at_last_row`."""
    dataset = CATALOGUE.datasets[CATALOGUE.collections[collection].dataset or ""]
    columns = [c for c in dataset.columns if not c.set_by_platform]
    if dataset.grain != "record":
        rows = 1  # one row per ICB-month
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c.name for c in columns])
    writer.writeheader()
    for n in range(1, rows + 1):
        row = {c.name: _value(c, n) for c in columns}
        writer.writerow({**row, **(at_last_row or {})} if n == rows else row)
    return out.getvalue().encode()


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Any]:
    engine = database.connect(f"sqlite:///{tmp_path / 'o.db'}")
    svc = api.Services(engine, Lake(tmp_path / "lake"), CATALOGUE, tmp_path / "in")
    app = FastAPI()
    mount(app, [r for r in ROUTES if r[1].startswith("/api/v1/submissions")])
    app.dependency_overrides[api.services] = lambda: svc
    made = {
        "qmj": tokens.create("qmj-bi", "QMJ", engine=engine),
        "admin": tokens.create("national", None, "admin", engine=engine),
    }
    return {
        "client": TestClient(app, raise_server_exceptions=False),
        "lake": tmp_path / "lake",
        **{k: {"Authorization": f"Bearer {v}"} for k, v in made.items()},
    }


def _post(setup: dict[str, Any], who: str, collection: str, body: bytes, org: str = "QMJ") -> Any:
    return setup["client"].post(
        "/api/v1/submissions",
        data={"collection": collection, "org": org, "period": "2024-06"},
        files={"file": ("return.csv", body, "text/csv")},
        headers=setup[who],
    )


def _stored_orgs(lake: Path) -> set[str]:
    import pyarrow.parquet as pq

    found: set[str] = set()
    for path in lake.rglob("*.parquet"):
        if "_revisions" in path.parts:
            continue
        table = pq.read_table(path)
        for column in ("icb_code", "provider_code"):
            if column in table.column_names:
                found |= set(table.column(column).to_pylist())
    return found


def _issues(response: Any) -> set[tuple[int, str, str]]:
    return {(i["row"], i["column"], i["rule"]) for i in response.json()["report"]["issues"]}


@pytest.mark.parametrize(("collection", "column"), CASES)
def test_an_icb_token_never_stores_another_organisations_row(
    setup: dict[str, Any], collection: str, column: str
) -> None:
    coll = CATALOGUE.collections[collection]
    if coll.dataset is None:
        response = _post(setup, "qmj", collection, b"icb_code,period\nQMF,2024-06-01\n")
        assert response.status_code == 400  # stored nowhere: nothing to store for anyone
    else:
        response = _post(setup, "qmj", collection, _file(collection, {column: FOREIGN[column]}))
        if coll.submitter == "nhse":
            assert response.status_code == 403, response.text[:300]  # NHS England sends it
        else:
            assert response.status_code == 422, response.text[:300]
            last = 3 if coll.grain == "record" else 1
            assert (last, column, "codes.org_mismatch") in _issues(response)
    assert _stored_orgs(setup["lake"]) == set()


@pytest.mark.parametrize("collection", STORED)
def test_an_icb_token_may_not_name_another_organisation(
    setup: dict[str, Any], collection: str
) -> None:
    for org in ("QMF", "QMF-A1", "Y56"):
        response = _post(setup, "qmj", collection, _file(collection), org=org)
        assert response.status_code in (400, 403), (org, response.text[:300])
    assert _stored_orgs(setup["lake"]) == set()


@pytest.mark.parametrize("collection", STORED)
def test_the_same_file_for_its_own_rows_is_stored(setup: dict[str, Any], collection: str) -> None:
    """The control: without the other organisation's row the file is accepted (from QMJ's
    token, or a national one for a return NHS England sends), so the refusals above are for
    that row and nothing else."""
    who = "admin" if CATALOGUE.collections[collection].submitter == "nhse" else "qmj"
    response = _post(setup, who, collection, _file(collection))
    assert response.status_code == 201, response.text[:400]
    assert _stored_orgs(setup["lake"]) <= {"QMJ", "QMJ-A1"}


@pytest.mark.parametrize("collection", STORED)
def test_even_a_national_token_stores_only_the_named_organisations_rows(
    setup: dict[str, Any], collection: str
) -> None:
    response = _post(setup, "admin", collection, _file(collection, {"icb_code": "QMF"}))
    assert response.status_code == 422, response.text[:300]
    last = 3 if CATALOGUE.collections[collection].grain == "record" else 1
    assert (last, "icb_code", "codes.org_mismatch") in _issues(response)
    assert _stored_orgs(setup["lake"]) == set()


@pytest.mark.parametrize("collection", RECORD_LEVEL)
def test_a_regional_service_of_the_icbs_region_is_its_own(
    setup: dict[str, Any], collection: str
) -> None:
    """An ambulance service attaches to one ICB of its region but serves all of them: QMJ (a
    London ICB) may report the London service's rows, not another region's."""
    london = next(p.code for p in CATALOGUE.providers.values()
                  if p.kind == "ambulance" and p.region_code == "Y56")
    elsewhere = next(p.code for p in CATALOGUE.providers.values()
                     if p.kind == "ambulance" and p.region_code not in (None, "Y56"))
    ok = _post(setup, "qmj", collection, _file(collection, {"provider_code": london}))
    assert ok.status_code == 201, ok.text[:300]
    refused = _post(setup, "qmj", collection, _file(collection, {"provider_code": elsewhere}))
    assert refused.status_code == 422
    assert (3, "provider_code", "codes.org_mismatch") in _issues(refused)
