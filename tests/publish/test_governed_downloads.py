"""Annotations and rebases in the bulk downloads (publish.downloads_governed): listed per
version by /api/v1/downloads, described in the data dictionary, mirrored with the results,
and embargoed per caller like the figures (April 2024 under embargo on 5 May 2024: the public
and CQC do not see April's notes; QMJ sees its own; NHS England sees all)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest
from fastapi.testclient import TestClient

from oversight.annotations import annotation_store, rebase_store
from oversight.annotations.export import ANNOTATION_COLUMNS, REBASE_COLUMNS
from oversight.catalogue import load
from oversight.catalogue.models.collections import Release
from oversight.collect import tokens
from oversight.home import Home
from oversight.metrics import published
from oversight.publish import access, downloads
from oversight.publish.web.app import create_app
from oversight.store import database

NOW = dt.datetime(2024, 5, 5, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def home(demo_home: Home, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    """A copy of the demo with a note and an approved rebase in March (public) and in April
    (under embargo) for QMJ and QMF."""
    root = tmp_path_factory.mktemp("governed") / "home"
    shutil.copytree(demo_home.root, root)
    here = Home.at(root)
    engine = here.database()
    cat = load()
    nhse = tokens.authenticate(tokens.create("gd-nhse", None, "nhse", engine=engine), engine)
    second = tokens.authenticate(tokens.create("gd-nhse-b", None, "nhse", engine=engine), engine)
    assert nhse is not None and second is not None
    for org in ("QMJ", "QMF"):
        for month in ("2024-03", "2024-04"):
            annotation_store.add(engine, nhse, cat, metric="ae_4hr", org=org, on=f"{month}-15",
                                 text=f"note {org} {month}")
            made = rebase_store.propose(engine, nhse, cat, metric="rtt_18wk", org=org,
                                        starts=f"{month}-01", reason=f"new pathway {month}")
            rebase_store.decide(engine, second, made.id, "approve", reason="agreed")
    yield here
    database.dispose(here.database_url)


@pytest.fixture(scope="module")
def embargoed() -> Iterator[None]:
    real = load()
    rule = Release(days_after_period_end=10)
    changed = {cid: c.model_copy(update={"release": rule}) if c.dataset else c
               for cid, c in real.collections.items()}
    embargo = access.Embargo.of(dataclasses.replace(real, collections=MappingProxyType(changed)))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(access, "rules", lambda: embargo)
        patch.setattr(access, "clock", lambda: NOW)
        yield


@pytest.fixture(scope="module")
def client(home: Home, embargoed: None) -> TestClient:
    return TestClient(create_app(home))


def _rows(client: TestClient, url: str, token: str | None = None) -> list[dict[str, str]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_the_listing_names_each_versions_annotations_and_rebases(
    client: TestClient, home: Home
) -> None:
    listing = client.get("/api/v1/downloads").json()
    version = published(home).id
    mine = {d["file"]: d for d in listing["downloads"]
            if d["version"] == version and d["file"] != "results"}
    assert set(mine) == {"annotations", "rebases"}
    assert mine["annotations"]["url"] == f"/api/v1/downloads/{version}/annotations.csv"
    assert mine["rebases"]["url"] == f"/api/v1/downloads/{version}/rebases.csv"
    assert all(d["format"] == "csv" and d["current"] for d in mine.values())
    results = [d for d in listing["downloads"] if d["version"] == version
               and d["file"] == "results"]
    assert {d["format"] for d in results} == {"csv", "jsonl", "parquet"}
    words = client.get(listing["dictionary"]).json()
    assert list(words["annotation_columns"]) == ANNOTATION_COLUMNS
    assert list(words["rebase_columns"]) == REBASE_COLUMNS
    assert client.get("/api/v1/downloads/v1/rebases.csv").status_code == 404


def test_the_files_hold_what_each_caller_may_see(client: TestClient, home: Home) -> None:
    version = published(home).id
    engine = home.database()
    qmj = tokens.create("gd-qmj", "QMJ", "submitter", engine=engine)
    nhse = tokens.create("gd-nhse-2", None, "nhse", engine=engine)
    cqc = tokens.create("gd-cqc", None, "cqc", engine=engine)

    def notes(token: str | None) -> set[str]:
        rows = _rows(client, f"/api/v1/downloads/{version}/annotations.csv", token)
        return {r["text"] for r in rows if r["text"].startswith("note ")}

    def rebases(token: str | None) -> set[tuple[str, str, str]]:
        rows = _rows(client, f"/api/v1/downloads/{version}/rebases.csv", token)
        assert {r["in_results"] for r in rows} == {"False"}  # approved after this version
        return {(r["org"], r["starts"][:7], r["state"]) for r in rows}

    march = {"note QMJ 2024-03", "note QMF 2024-03"}
    for public in (None, cqc):
        assert notes(public) == march
        assert rebases(public) == {("QMJ", "2024-03", "approved"), ("QMF", "2024-03", "approved")}
    assert notes(qmj) == march | {"note QMJ 2024-04"}
    assert ("QMJ", "2024-04", "approved") in rebases(qmj)
    assert ("QMF", "2024-04", "approved") not in rebases(qmj)
    assert notes(nhse) == march | {"note QMJ 2024-04", "note QMF 2024-04"}
    assert len(rebases(nhse)) == 4
    header = client.get(f"/api/v1/downloads/{version}/annotations.csv").text.splitlines()[0]
    assert header.split(",") == ANNOTATION_COLUMNS


def test_the_mirror_holds_the_publics_annotations_and_rebases(
    home: Home, embargoed: None
) -> None:
    folder: Path = downloads.mirror(home)
    assert {"annotations.csv", "rebases.csv"} <= {p.name for p in folder.iterdir()}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {"annotations.csv", "rebases.csv"} <= set(manifest["files"])
    with open(folder / "annotations.csv", encoding="utf-8") as f:
        texts = {r["text"] for r in csv.DictReader(f)}
    assert "note QMJ 2024-03" in texts and "note QMJ 2024-04" not in texts
