"""No input to the submission endpoints gives a 5xx: arbitrary fields (collection, org,
period, flags) and arbitrary records or file contents, JSON and multipart, with hypothesis.
Every 4xx answer is a plain message, not Python's exception text.

Bounded (a few hundred examples in all) so it runs in seconds. Upload limits, multipart
file names and JSON nesting depth are covered where the upload is received (test_api.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from oversight.catalogue import load
from oversight.collect import api, tokens
from oversight.publish.web.routes import ROUTES, mount
from oversight.store import database
from oversight.store.lake import Lake

CATALOGUE = load()
COLLECTIONS = sorted(CATALOGUE.collections)
STORED = sorted(c.id for c in CATALOGUE.collections.values() if c.dataset is not None)
COLUMNS = sorted(
    {c.name for d in CATALOGUE.datasets.values() for c in d.columns if not c.set_by_platform}
)
CODES = ["QMJ", "QMF", "Z9B2Z", "Y56", "QMJ-A1", "NOSUCH", "nhse", "../x", "/tmp/x", ""]
INTERNALS = re.compile(
    r"Traceback|invalid literal|object has no attribute|unhashable|not subscriptable|"
    r"NoneType|KeyError|TypeError|ValueError|ArrowInvalid|Errno|\bline \d+, in\b"
)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.text(max_size=30)
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    text,
)
shallow = st.one_of(scalar, st.lists(scalar, max_size=3), st.dictionaries(text, scalar, max_size=2))
months = st.sampled_from(["2024-06", "2026-04", "2024-13", "0000-01", "2024-1e1", "June", ""])
field_value = st.one_of(shallow, st.sampled_from(COLLECTIONS + CODES), months)


valid_fields = st.fixed_dictionaries(
    {
        "collection": st.sampled_from(STORED),
        "org": st.sampled_from(["QMJ", "QMF", "Y56"]),
        "period": st.sampled_from(["2024-06", "2024-05"]),
    },
    optional={"dry_run": st.sampled_from(["true", "false"])},
)
"""Half the examples send fields that pass, so the records and files themselves are fuzzed."""


def _records() -> st.SearchStrategy[Any]:
    cell = st.one_of(scalar, st.sampled_from(["2024-06-01", "QMJ", "=1+1", "-5", "1e1"]))
    row = st.dictionaries(st.sampled_from([*COLUMNS, "x", ""]), cell, max_size=8)
    return st.one_of(st.lists(row, max_size=4), st.lists(shallow, max_size=3))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("fuzz")
    engine = database.connect(f"sqlite:///{tmp / 'fuzz.db'}")
    svc = api.Services(engine, Lake(tmp / "lake"), CATALOGUE, tmp / "incoming")
    app = FastAPI()
    mount(app, [r for r in ROUTES if r[1].startswith("/api/v1/submissions")])
    app.dependency_overrides[api.services] = lambda: svc
    admin = tokens.create("fuzz-admin", None, "admin", engine=engine)
    icb = tokens.create("fuzz-qmj", "QMJ", engine=engine)
    return {
        "client": TestClient(app, raise_server_exceptions=False),
        "headers": [{"Authorization": f"Bearer {t}"} for t in (admin, icb)],
        "tmp": tmp,
    }


def _assert_plain(response: Any) -> None:
    assert response.status_code < 500, response.text[:500]
    if response.status_code in (400, 403, 404, 409, 413, 415, 422):
        body = response.json()
        detail = body.get("detail", body)
        assert not INTERNALS.search(json.dumps(detail)), detail


@SETTINGS
@given(
    fields=st.one_of(
        valid_fields,
        st.fixed_dictionaries(
            {},
            optional={
                "collection": field_value,
                "org": field_value,
                "period": field_value,
                "dry_run": shallow,
                "confirm": shallow,
            },
        ),
    ),
    records=st.one_of(st.none(), _records(), shallow),
    who=st.integers(0, 1),
)
@example(fields={"collection": "bed_sitrep", "org": "QMJ", "period": "0000-01"}, records=[], who=0)
@example(
    fields={"collection": "bed_sitrep", "org": ["QE1"], "period": "2024-06"}, records=[], who=0
)
@example(fields={"collection": "bed_sitrep", "org": "QMJ", "period": None}, records=[], who=0)
@example(
    fields={"collection": "bed_sitrep", "org": "QMJ", "period": "2024-06"}, records=[[1]], who=1
)
def test_json_submissions_never_fail_with_5xx(client: dict[str, Any], fields, records, who) -> None:
    body = fields if records is None else {**fields, "records": records}
    headers = {**client["headers"][who], "Content-Type": "application/json"}
    content = json.dumps(body).encode()  # NaN and Infinity too, as Python's parser takes them
    response = client["client"].post("/api/v1/submissions", content=content, headers=headers)
    _assert_plain(response)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in [header, *rows]).encode("utf-8", "surrogatepass")


csv_cell = st.one_of(
    st.sampled_from(["QMJ", "QMF", "2024-06-01", "5", "-5", "1e1", "=1+1", "", '"', "\u00a0"]),
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12),
)


@SETTINGS
@given(
    fields=st.one_of(
        valid_fields,
        st.dictionaries(
            st.sampled_from(["collection", "org", "period", "dry_run", "confirm", "x"]),
            st.one_of(st.sampled_from(COLLECTIONS + CODES), months, text),
            max_size=6,
        ),
    ),
    header=st.lists(st.sampled_from([*COLUMNS, "x"]), min_size=1, max_size=6),
    rows=st.lists(st.lists(csv_cell, max_size=6), max_size=4),
    raw=st.one_of(st.none(), st.binary(max_size=200)),
    who=st.integers(0, 1),
)
@example(
    fields={"collection": "bed_sitrep", "org": "QMJ", "period": "2024-1e1"},
    header=["icb_code"],
    rows=[],
    raw=None,
    who=1,
)
@example(
    fields={"collection": "gp_appointments_return", "org": "../../x", "period": "2024-06"},
    header=["icb_code", "period"],
    rows=[["QMJ", "2024-06-01"]],
    raw=None,
    who=0,
)
def test_multipart_submissions_never_fail_with_5xx(
    client: dict[str, Any], fields, header, rows, raw, who
) -> None:
    content = raw if raw is not None else _csv(header, rows)
    response = client["client"].post(
        "/api/v1/submissions",
        data=fields,
        files={"file": ("data.csv", content, "text/csv")},
        headers=client["headers"][who],
    )
    _assert_plain(response)


def test_the_fuzzed_lake_stays_inside_its_root(client: dict[str, Any]) -> None:
    lake = client["tmp"] / "lake"
    outside = [p for p in Path(client["tmp"]).rglob("*.parquet") if not p.is_relative_to(lake)]
    assert outside == []
