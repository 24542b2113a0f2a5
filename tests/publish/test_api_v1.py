"""The open-data API over a real (small) demo home: filters, cursors, caching, errors,
reference routes and bulk downloads."""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from oversight.catalogue import load
from oversight.home import Home
from oversight.metrics import published
from oversight.publish import downloads
from oversight.publish.web.app import create_app


@pytest.fixture(scope="module")
def client(demo_home: Home) -> TestClient:
    return TestClient(create_app(demo_home))


def _walk(client: TestClient, url: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        response = client.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200, response.text[:300]
        body = response.json()
        rows += body["results"]
        cursor = body["next"]
        if cursor is None:
            assert len(rows) == body["total"]
            return rows


def test_paging_through_results_returns_every_row_once_in_order(
    client: TestClient, demo_home: Home
) -> None:
    rows = _walk(client, "/api/v1/results?metric=ae_4hr&org=QMJ&breakdown=sex&limit=7")
    expected = published(demo_home).rows(metric="ae_4hr", org="QMJ", breakdown="sex")
    assert len(rows) == len(expected) == 13 * 2
    keys = [(r["period"], r["group"]) for r in rows]
    assert len(set(keys)) == len(keys)
    first = expected.iloc[0]
    assert rows[0]["period"] == f"{first['period']:%Y-%m}"
    assert rows[0]["value"] == pytest.approx(first["value"])
    assert rows[0]["ci_lower"] == pytest.approx(first["ci_lower"])
    assert {"spc_mean", "spc_upl", "spc_point_type", "lineage", "numerator"} <= set(rows[0])


@pytest.mark.parametrize(
    ("query", "level", "org"),
    [("level=england", "england", "ENG"), ("level=region&org=Y56", "region", "Y56")],
)
def test_results_for_england_and_regions_with_a_period_range(
    client: TestClient, query: str, level: str, org: str
) -> None:
    url = (
        f"/api/v1/results?metric=ae_4hr&{query}&breakdown=total"
        "&period_from=2024-01&period_to=2024-03"
    )
    body = client.get(url).json()
    assert body["total"] == 3
    assert [r["period"] for r in body["results"]] == ["2024-01", "2024-02", "2024-03"]
    assert {(r["level"], r["org"], r["breakdown"], r["group"]) for r in body["results"]} == {
        (level, org, "total", "total")
    }


def test_a_planning_year_is_a_period_range(client: TestClient) -> None:
    body = client.get("/api/v1/results?metric=ae_4hr&org=QMJ&breakdown=total"
                      "&period_from=2024/25&period_to=2024/25").json()
    assert [r["period"] for r in body["results"]] == ["2024-04"]


def test_a_cursor_is_refused_for_other_filters_forged_or_altered(client: TestClient) -> None:
    first = client.get("/api/v1/results?metric=ae_4hr&limit=5").json()
    cursor = first["next"]
    other = client.get(f"/api/v1/results?metric=ae_12hr_pct&limit=5&cursor={cursor}")
    assert other.status_code == 400
    assert "other filters" in other.json()["detail"]
    token = cursor.partition(".")[0]
    forged = client.get(f"/api/v1/results?metric=ae_4hr&limit=5&cursor={token}.{'0' * 32}")
    assert forged.status_code == 400 and "not issued by this server" in forged.json()["detail"]
    garbage = client.get("/api/v1/results?metric=ae_4hr&cursor=nonsense")
    assert garbage.status_code == 400 and "malformed" in garbage.json()["detail"]


def test_a_cursor_keeps_its_version_and_a_pruned_one_is_stale(
    demo_home: Home, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import shutil

    copy = Home.at(tmp_path_factory.mktemp("pruned"))
    shutil.copytree(demo_home.results_dir, copy.results_dir)
    client = TestClient(create_app(copy))
    cursor = client.get("/api/v1/results?metric=ae_4hr&org=QMF&limit=5").json()["next"]
    version = published(copy).id
    renamed = version + "-gone"
    (copy.results_dir / version).rename(copy.results_dir / renamed)
    (copy.results_dir / "CURRENT").write_text(renamed + "\n")
    stale = client.get(f"/api/v1/results?metric=ae_4hr&org=QMF&limit=5&cursor={cursor}")
    assert stale.status_code == 400
    assert stale.json()["detail"].startswith(f"cursor is stale: version {version}")


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ("metric=nope", 422, "unknown metric 'nope'"),
        ("org=XXX", 422, "unknown organisation 'XXX'"),
        ("level=ward", 422, "level"),
        ("breakdown=shoe_size", 422, "breakdown"),
        ("period_from=2024-13", 400, "period_from: period must look like"),
        ("period_to=June", 400, "period_to: period must look like"),
        ("period_from=2024-06&period_to=2024-01", 422, "is after period_to"),
        ("limit=0", 422, "greater than or equal to 1"),
        ("limit=1001", 422, "less than or equal to 1000"),
        ("limit=ten", 422, "valid integer"),
    ],
)
def test_bad_filters_say_what_was_wrong(
    client: TestClient, query: str, status: int, words: str
) -> None:
    response = client.get(f"/api/v1/results?{query}")
    assert response.status_code == status, response.text[:300]
    assert words in json.dumps(response.json())
    assert response.headers["cache-control"] == "no-store"


def test_every_get_has_an_etag_and_cache_control_and_answers_304(client: TestClient) -> None:
    for url in ("/api/v1/results?metric=ae_4hr&org=QMJ", "/api/v1/organisations",
                "/api/v1/metrics", "/api/v1/judgements?metric=ae_4hr&org=QMJ",
                "/api/v1/downloads", "/api/v1/metrics/ae_4hr/latest"):
        first = client.get(url)
        assert first.status_code == 200
        tag = first.headers["etag"]
        assert first.headers["cache-control"] == "public, max-age=30"
        assert "Authorization" in first.headers["vary"]
        again = client.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == tag


def test_organisations_carry_levels_and_merger_dates(client: TestClient) -> None:
    orgs = client.get("/api/v1/organisations").json()["organisations"]
    levels = pd.Series([o["level"] for o in orgs]).value_counts().to_dict()
    catalogue = load()
    assert levels == {"england": 1, "region": 7, "provider": len(catalogue.providers),
                      "icb": len(catalogue.icbs) + len(catalogue.merged_icbs)}
    qmj = client.get("/api/v1/organisations/qmj").json()
    assert (qmj["valid_to"], qmj["successor"]) == ("2026-03-31", "Z9B2Z")
    merged = client.get("/api/v1/organisations/Z9B2Z").json()
    assert "QMJ" in merged["predecessors"] and merged["valid_from"] == "2026-04-01"
    assert client.get("/api/v1/organisations/NOPE").status_code == 404


def test_metrics_are_the_data_dictionary(client: TestClient) -> None:
    entry = client.get("/api/v1/metrics/ae_4hr").json()
    assert entry["polarity"] == "increase" and entry["statistic"] == "proportion"
    assert entry["definition"].startswith("Percentage of A&E attendances")
    assert "ecds" in entry["collections"] and entry["release"] == []
    assert len(client.get("/api/v1/metrics").json()["metrics"]) == len(load().metrics)
    assert client.get("/api/v1/metrics/nope").status_code == 404


def test_judgements_and_targets_read_what_the_judge_holds(client: TestClient) -> None:
    body = client.get("/api/v1/judgements?metric=ae_4hr&org=QMJ&period_from=2024-04").json()
    assert body["total"] == 1
    row = body["judgements"][0]
    assert (row["period"], row["target_id"]) == ("2024-04", "2024-25-UEC1")
    assert row["national_status"] in ("met", "missed")
    targets = client.get("/api/v1/targets?metric=ae_4hr&scope=national").json()
    assert "2024-25-UEC1" in {t["id"] for t in targets}


def test_downloads_hold_every_row_of_a_version_in_three_formats(
    client: TestClient, demo_home: Home
) -> None:
    listing = client.get("/api/v1/downloads").json()
    version = published(demo_home).id
    mine = [d for d in listing["downloads"] if d["version"] == version]
    assert {d["format"] for d in mine} == {"csv", "jsonl", "parquet"} and mine[0]["current"]
    expected = published(demo_home).row_count
    parquet = client.get(f"/api/v1/downloads/{version}/results.parquet")
    assert parquet.status_code == 200
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.num_rows == expected
    assert table.column_names == list(client.get(listing["dictionary"]).json()["columns"])
    again = client.get(f"/api/v1/downloads/{version}/results.parquet",
                       headers={"If-None-Match": parquet.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/api/v1/downloads/v1/results.csv").status_code == 404
    assert client.get(f"/api/v1/downloads/{version}/results.xml").status_code == 422


def test_csv_and_json_lines_agree_with_parquet(demo_home: Home) -> None:
    import datetime as dt

    from oversight.publish.access import PUBLIC

    version = published(demo_home).id
    now = dt.datetime.now(dt.UTC)

    def body(fmt: str) -> io.BytesIO:
        return io.BytesIO(b"".join(downloads.stream(demo_home, version, fmt, PUBLIC, now)))

    frames = {
        "csv": pd.read_csv(body("csv"), dtype={"period": str}),
        "jsonl": pd.read_json(body("jsonl"), lines=True, dtype={"period": str}),
    }
    for name, frame in frames.items():
        assert len(frame) == published(demo_home).row_count, name
        assert frame["period"].str.fullmatch(r"\d{4}-\d{2}").all(), name
    assert frames["csv"]["value"].sum() == pytest.approx(frames["jsonl"]["value"].sum())


def test_the_public_files_are_mirrored_in_the_home(
    demo_home: Home, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = downloads.mirror(demo_home)
    assert sorted(p.name for p in folder.iterdir()) == [
        "annotations.csv", "dictionary.json", "manifest.json", "rebases.csv", "results.csv",
        "results.jsonl", "results.parquet"
    ]
    assert pq.read_metadata(folder / "results.parquet").num_rows == published(demo_home).row_count
    assert not list(folder.glob(".*"))
