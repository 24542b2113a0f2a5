"""What the assessment commands read from a home, on a hand-made results version: the lineage
keys of exactly the 12 months an Equity in access item covers (across a year end too), the
refusals before anything is computed or measured, and each organisation's latest published
assessment of the framework asked for."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tests.judge.assessment.assessors import ANNA, BEN, DAY, published

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge.assessment import sources
from oversight.judge.assessment import workflow as wf
from oversight.judge.deprivation_file import DECILE_FILE


def _month(k: int) -> dt.date:
    """The k-th month from November 2023."""
    return dt.date(2023 + (10 + k) // 12, (10 + k) % 12 + 1, 1)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    """18 months (November 2023 - April 2025) of QMJ's total ae_4hr rows, each month's row
    with its own lineage key, and QMF's rows with other keys."""
    root = tmp_path / "home"
    folder = root / "results" / "v1"
    folder.mkdir(parents=True)
    rows: list[dict[str, Any]] = [
        {"metric_id": "ae_4hr", "org_type": "icb", "org_code": org, "period": _month(k),
         "breakdown": "total", "group": "total", "value": 70.0, "numerator": 70.0,
         "denominator": 100.0, "revisions": f"{org}-{_month(k):%Y-%m}"}
        for org in ("QMJ", "QMF") for k in range(18)
    ]  # fmt: skip
    rows[0]["revisions"] = None  # a month without lineage adds no key
    pd.DataFrame(rows).to_parquet(folder / "metrics.parquet", index=False)
    months = [f"{_month(k)}" for k in range(18)]
    (folder / "manifest.json").write_text(json.dumps({"version": "v1", "periods": months}))
    (root / "results" / "CURRENT").write_text("v1\n")
    return Home.at(root)


@pytest.mark.parametrize(
    ("period", "first", "last"),
    [
        (dt.date(2025, 4, 1), "2024-05", "2025-04"),
        (dt.date(2024, 12, 1), "2024-01", "2024-12"),  # a calendar year
        (dt.date(2024, 11, 1), "2023-12", "2024-11"),
    ],
)
def test_lineage_is_the_organisation_s_keys_of_the_12_months_to_the_period(
    home: Home, period: dt.date, first: str, last: str
) -> None:
    keys = sources.lineage(home, "v1", "ae_4hr", "QMJ", period)
    assert len(keys) == 12
    assert (keys[0], keys[-1]) == (f"QMJ-{first}", f"QMJ-{last}")
    assert keys == sorted(keys)


def test_a_month_without_lineage_adds_no_key(home: Home) -> None:
    assert sources.lineage(home, "v1", "ae_4hr", "QMJ", dt.date(2024, 10, 1)) == [
        f"QMJ-{_month(k):%Y-%m}" for k in range(1, 12)
    ]


def test_the_icb_s_peers_are_the_7_nearest_in_population_when_deprivation_is_alike(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the deprivation file in the home's reference folder and every ICB's population
    spread alike over the deciles, only population tells ICBs apart: an ICB's peers on a
    month are the 7 others of that month nearest to it in (log) population, nearest first."""
    monkeypatch.delenv("OVERSIGHT_DEPRIVATION_FILE", raising=False)
    catalogue = load()
    month = dt.date(2025, 4, 1)
    assert sources.peers(home, catalogue, "QMJ", month) == []  # no file: no peers
    home.reference_dir.mkdir(parents=True, exist_ok=True)
    lines = ["icb22cdh,imd2019_decile,population_mid2019"] + [
        f"{code},{decile},{1000 * decile}" for code in catalogue.icbs for decile in range(1, 11)
    ]
    (home.reference_dir / DECILE_FILE).write_text("\n".join(lines) + "\n")
    icbs = {i.code: math.log(i.population) for i in catalogue.icbs_on(month)}
    for org in ("QMJ", "QE1"):
        nearest = sorted((c for c in icbs if c != org), key=lambda c: (abs(icbs[c] - icbs[org]), c))
        assert sources.peers(home, catalogue, org, month) == nearest[:7]  # nearest first


def test_nothing_computed_or_measured_is_refused_saying_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="run `oversight compute`"):
        sources.measures(Home.at(tmp_path / "empty"), None)
    monthly = pd.DataFrame({"window": ["month"], "period": [dt.date(2025, 4, 1)]})
    with pytest.raises(FileNotFoundError, match="no 12-month inequality measures yet"):
        sources.latest_period(monthly)
    assert sources.periods(monthly) == []


def test_the_latest_period_is_the_last_month_with_12_month_measures() -> None:
    frame = pd.DataFrame({
        "window": ["12 months", "12 months", "month", "12 months"],
        "period": [dt.date(2025, 3, 1), dt.date(2025, 4, 1), dt.date(2025, 5, 1),
                   dt.date(2025, 3, 1)],
    })  # fmt: skip
    assert sources.latest_period(frame) == dt.date(2025, 4, 1)
    assert sources.periods(frame) == [dt.date(2025, 3, 1), dt.date(2025, 4, 1)]


def test_published_views_are_each_organisation_s_latest_of_the_framework(
    database_url: str, tmp_path: Path
) -> None:
    home = Home.at(tmp_path / "home", database_url)
    engine = home.database()
    assert sources.published_views(home) == {}
    first = published(engine)  # QMJ version 1
    second = wf.revise(engine, BEN, first.id, reason="new evidence")
    assert {o: v["version"] for o, v in sources.published_views(home).items()} == {"QMJ": 1}
    wf.move(engine, BEN, second.id, "moderation", reason="ready")
    wf.move(engine, ANNA, second.id, "published", reason="moderated")
    la = "cqc_local_authority"
    council = wf.start(engine, ANNA, org="E09000007", assessed_on=DAY, reason="x", framework=la)
    wf.score(engine, ANNA, council.id, {"safeguarding": 3}, reason="findings")
    wf.move(engine, ANNA, council.id, "moderation", reason="ready")
    wf.move(engine, BEN, council.id, "published", reason="moderated")
    views = sources.published_views(home)
    assert list(views) == ["QMJ"] and views["QMJ"]["id"] == second.id
    assert views["QMJ"]["version"] == 2 and views["QMJ"]["status"] == "published"
    assert list(sources.published_views(home, la)) == ["E09000007"]
