"""The coverage rule on the national page: when only 3 ICBs report, the page says so and
England's figure is labelled partial, instead of "3 of 3 ICBs meet it, England: 100.0%"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oversight.home import Home
from oversight.metrics import published
from oversight.pipeline import compute_and_judge
from oversight.publish.web.app import create_app
from oversight.publish.web.views.national import national_page

pytestmark = pytest.mark.slow
KEEP = {"QMJ", "QMF", "QRV"}


def test_three_reporting_icbs_are_counted_over_42(demo_home: Home, tmp_path: Path) -> None:
    shutil.copytree(demo_home.root, tmp_path / "home")
    home = Home.at(tmp_path / "home")
    latest = max(published(home).periods)
    month = home.lake_dir / "ae_attendances" / f"{latest:%Y-%m}"
    for file in month.glob("*.parquet"):
        if file.stem not in KEEP:
            file.unlink()
    compute_and_judge(home, full=True)
    page = national_page(home, "ae_4hr")
    assert (page.judged_count, page.expected_count) == (3, 42)
    met = page.met_count
    assert page.target_tally == f"{met} of 42 ICBs meet it, {3 - met} miss it; 39 have no data."
    assert page.england_label == "England (partial: 3 of 42 ICBs)"
    client = TestClient(create_app(home))
    html = client.get("/?metric=ae_4hr").text
    assert page.target_tally in html and "England (partial: 3 of 42 ICBs)" in html
    assert "of 3 ICBs meet it" not in html
    # every summary states its coverage: the overview's column, England's and the regions'
    assert "A&amp;E: seen within 4 hours (April 2024): 3 of 42 ICBs have data." in (
        client.get("/").text
    )
    england = client.get("/england").text
    row = england.split('data-metric="ae_4hr"', 1)[1].split("</tr>", 1)[0]
    assert "England (partial: 3 of 42 ICBs)" in row
    london = client.get("/region/Y56").text  # QMJ, QMF and QRV are all London's
    row = london.split('data-metric="ae_4hr"', 1)[1].split("</tr>", 1)[0]
    assert "London (partial: 3 of 5 ICBs)" in row
    body = client.get("/api/v1/metrics/ae_4hr/latest").json()
    assert body["coverage"] == {"reported": 3, "expected": 42}
    assert sum(o["status"] == "no data" for o in body["organisations"]) == 39
