"""The Equity in access page and the ICS page's CQC assessment, from the outside: the figures
on the page are the stored measures (inequality_store), the rating shown is the published
assessment's, an ICS without one says "not yet assessed", and a draft never appears. On SQLite
and PostgreSQL (assessments live in the operational database)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from tests.judge.assessment.inequality_rows import rows

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge.assessment import inequality_store
from oversight.judge.assessment import workflow as wf
from oversight.judge.assessment.evidence import Evidence
from oversight.metrics.results import ResultsVersion
from oversight.publish.web.app import create_app
from oversight.store import database
from oversight.store.testing import database_url

__all__ = ["database_url"]

CATALOGUE: Any = load()
ORGS = ("QMJ", "QWE", "QKK")
MEASURED = ("ae_4hr", "cancer_62d")
DAY = dt.date(2025, 3, 1)


class Who:
    def __init__(self, name: str, role: str) -> None:
        self.name, self.role, self.org_code = name, role, None


ANNA, BEN = Who("anna", "cqc"), Who("ben", "cqc")


def _home(root: Path, url: str | None) -> Home:
    """Twelve months of breakdown rows for two evidence metrics in three ICSs and England,
    measured and stored as the published judgements' inequality file."""
    frame = pd.concat([rows(CATALOGUE.metrics, metric=m, orgs=(*ORGS, "ENG"), months=12,
                            slope=0.03 if m == "ae_4hr" else 0.0, size=400, seed=i)
                       for i, m in enumerate(MEASURED)], ignore_index=True)  # fmt: skip
    frame.loc[frame["org_code"] == "ENG", "org_type"] = "england"
    home = Home.at(root, url)
    path = home.results_dir / "v1"
    path.mkdir(parents=True)
    frame.drop(columns=["ci_lower", "ci_upper"]).to_parquet(path / "metrics.parquet")
    frame[[*inequality_store.KEYS, "ci_lower", "ci_upper"]].to_parquet(path / "statistics.parquet")
    (path / "manifest.json").write_text(json.dumps({"parent": None}))
    inequality_store.write(home, ResultsVersion("v1", path), CATALOGUE)
    from oversight.judge.stage import OUTCOMES_DIR

    outcomes = home.judgements_dir / "v1" / OUTCOMES_DIR
    outcomes.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"x": [1]}).to_parquet(outcomes / "ae_4hr.parquet")
    (home.judgements_dir / "v1" / "manifest.json").write_text(json.dumps({"metrics": {}}))
    (home.judgements_dir / "CURRENT").write_text("v1")
    return home


def _publish(home: Home, org: str, scores: dict[str, int], override: str | None = None,
             evidence: bool = False) -> wf.AssessmentView:  # fmt: skip
    engine = home.database()
    a = wf.start(engine, ANNA, org=org, assessed_on=DAY, reason="annual assessment")
    wf.score(engine, ANNA, a.id, scores, reason="site visit findings")
    if override:
        wf.set_override(engine, ANNA, a.id, "overall", override, reason="the system's plan")
    if evidence:
        wf.add_evidence(engine, ANNA, a.id, Evidence("equity_in_access", "people_s_experience",
                        "feedback", "Carers report long waits.", dt.date(2025, 2, 1)),
                        reason="feedback read")  # fmt: skip
    wf.move(engine, ANNA, a.id, "moderation", reason="ready")
    return wf.move(engine, BEN, a.id, "published", reason="moderated")


@pytest.fixture
def home(database_url: str, tmp_path: Path) -> Iterator[Home]:
    yield _home(tmp_path / "home", database_url)
    database.dispose(database_url)


def _table(html: str, marker: str) -> str:
    return html.split(marker, 1)[1].split("</table>", 1)[0]


def _row(html: str, table: str, org: str) -> str:
    part = _table(html, f'data-testid="{table}"')
    found = re.search(rf'<tr class="nhsuk-table__row" data-org="{org}"[^>]*>.*?</tr>', part,
                      flags=re.S)  # fmt: skip
    assert found, f"no row for {org} in {table}"
    return found.group(0)


def _metric_row(html: str, metric: str, org: str) -> str:
    part = _table(html, f'data-metric="{metric}"')
    found = re.search(rf'<tr class="nhsuk-table__row" data-org="{org}"[^>]*>.*?</tr>', part,
                      flags=re.S)  # fmt: skip
    assert found, f"no row for {org} in {metric}"
    return found.group(0)


def test_equity_page_shows_the_stored_measures_and_published_scores(home: Home) -> None:
    done = _publish(home, "QMJ", {"equity_in_access": 2, "safeguarding": 3})
    drafted = wf.start(home.database(), ANNA, org="QWE", assessed_on=DAY, reason="annual")
    wf.score(home.database(), ANNA, drafted.id, {"equity_in_access": 4}, reason="draft scores")
    client = TestClient(create_app(home), raise_server_exceptions=False)
    page = client.get("/equity")
    assert page.status_code == 200, page.text[:500]
    html = page.text
    every = len(CATALOGUE.icbs_on(dt.date(2025, 3, 1)))
    assert f"3 of {every} ICSs have inequality measures" in html
    assert f"1 of {every} have a published CQC assessment" in html
    stored = inequality_store.inequality(home, window="12 months", period="2025-03")
    for metric in MEASURED:
        for org in (*ORGS, "ENG"):
            want = stored[(stored["metric_id"] == metric) & (stored["org_code"] == org)].iloc[0]
            row = _metric_row(html, metric, org)
            assert f'data-sii="{float(want["sii"])}"' in row
            assert f'data-quintile-gap="{float(want["quintile_gap"])}"' in row
            shown = f'{want["sii"]:.1f} points (95% CI {want["sii_lower"]:.1f} to ' \
                    f'{want["sii_upper"]:.1f})'  # fmt: skip
            assert shown in row
    # the injected gradient (A&E, higher is better, rising to the less deprived) is read out
    assert "People in less deprived areas fare better" in _metric_row(html, "ae_4hr", "QMJ")
    # a metric with no stored measures says so rather than showing a figure
    assert "Not enough data to measure" in html.split('data-metric="rtt_18wk"', 1)[1]
    # ratings: the published one; the draft's ICS and the unassessed one are "not yet assessed"
    qmj = _row(html, "equity-ratings", "QMJ")
    assert done.result["overall"]["rating"] in qmj and ">2<" in qmj
    for org in ("QWE", "QKK"):
        assert "Not yet assessed" in _row(html, "equity-ratings", org)
    assert 'href="/equity.csv?period=2025-03"' in html
    assert 'href="/api/v1/equity?period=2025-03"' in html
    assert '<th scope="col"' in html and "<caption" in html


def test_equity_csv_and_bad_periods(home: Home) -> None:
    client = TestClient(create_app(home), raise_server_exceptions=False)
    got = client.get("/equity.csv?period=2025-03")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    table = pd.read_csv(io.StringIO(got.text))
    stored = inequality_store.inequality(home, window="12 months", period="2025-03")
    want = stored.set_index(["metric_id", "org_code"])["sii"]
    measured = table[table["metric_id"].isin(MEASURED) & table["org_code"].isin([*ORGS, "ENG"])]
    assert len(measured) == len(MEASURED) * (len(ORGS) + 1)
    for _, r in measured.iterrows():
        assert r["sii"] == pytest.approx(want[(r["metric_id"], r["org_code"])])
    assert table.loc[~table["org_code"].isin([*ORGS, "ENG"]), "sii"].isna().all()
    assert client.get("/equity?period=2024-01").status_code == 404
    assert client.get("/equity?period=soon").status_code == 400
    assert client.get("/equity.csv?period=soon").status_code == 400


def test_equity_page_without_measures_says_so(database_url: str, tmp_path: Path) -> None:
    client = TestClient(create_app(Home.at(tmp_path, database_url)),
                        raise_server_exceptions=False)  # fmt: skip
    page = client.get("/equity")
    assert page.status_code == 200 and 'data-testid="equity-missing"' in page.text
    database.dispose(database_url)


@pytest.fixture(scope="module")
def ics_home(demo_home: Home, tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A copy of the demo home, so assessments made here do not reach other tests."""
    root = tmp_path_factory.mktemp("cqc-portal") / "home"
    shutil.copytree(demo_home.root, root)
    return Home.at(root)


def test_ics_page_shows_only_the_published_assessment(ics_home: Home) -> None:
    client = TestClient(create_app(ics_home), raise_server_exceptions=False)
    assert 'data-testid="no-assessment"' in client.get("/icb/QMJ").text
    done = _publish(ics_home, "QMJ", {"equity_in_access": 1, "safeguarding": 3,
                                      "learning_culture": 3}, override="Good", evidence=True)
    draft = wf.start(ics_home.database(), ANNA, org="QKK", assessed_on=DAY, reason="annual")
    wf.score(ics_home.database(), ANNA, draft.id, {"safeguarding": 4}, reason="draft scores")
    client = TestClient(create_app(ics_home), raise_server_exceptions=False)  # a fresh page cache
    html = client.get("/icb/QMJ").text
    shown = re.search(r'data-testid="assessment-overall">([^<]+)<', html)
    assert shown and shown.group(1) == done.result["overall"]["rating"] == "Good"
    assert 'data-testid="override"' in html and "because the system&#39;s plan" in html
    calculated = done.result["overall"]["limited"]
    assert f"calculated {calculated}" in html
    for theme in done.result["themes"].values():
        assert theme["account"][0].replace("'", "&#39;") in html
    assert "1 evidence item: 1 feedback." in html and "Carers report long waits." in html
    # the draft's ICS shows no assessment and none of its scores
    other = client.get("/icb/QKK").text
    assert 'data-testid="no-assessment"' in other
    assert 'data-testid="assessment-overall"' not in other


def test_equity_page_leaves_out_embargoed_months(home: Home, monkeypatch: pytest.MonkeyPatch
                                                 ) -> None:  # fmt: skip
    """Public pages: a month whose collections are not released yet is not shown."""
    import dataclasses
    from types import MappingProxyType

    from oversight.catalogue.models.collections import Release
    from oversight.publish import access

    client = TestClient(create_app(home), raise_server_exceptions=False)
    assert client.get("/equity?period=2025-03").status_code == 200
    rule = Release(days_after_period_end=10)
    changed = {cid: c.model_copy(update={"release": rule}) if c.dataset else c
               for cid, c in CATALOGUE.collections.items()}  # fmt: skip
    embargo = access.Embargo.of(dataclasses.replace(CATALOGUE,
                                                    collections=MappingProxyType(changed)))
    monkeypatch.setattr(access, "rules", lambda: embargo)
    monkeypatch.setattr(access, "clock", lambda: dt.datetime(2025, 4, 5, 9, tzinfo=dt.UTC))
    fresh = TestClient(create_app(home), raise_server_exceptions=False)
    assert fresh.get("/equity?period=2025-03").status_code == 404
    assert fresh.get("/equity.csv?period=2025-03").status_code == 404
    assert 'data-testid="equity-missing"' in fresh.get("/equity").text  # no month released


def test_equity_api_holds_back_measures_under_embargo(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 12-month measure ending in a month under embargo is that month's figures: the public
    and CQC do not see it, an ICB sees only its own, NHS England and DHSC see all; the page
    shows the public's view."""
    from tests.publish.test_access import embargoed_catalogue

    from oversight.collect import tokens
    from oversight.publish import access

    embargo = access.Embargo.of(embargoed_catalogue("ecds"))
    assert embargo.released_at("ae_4hr", DAY) and not embargo.released_at("cancer_62d", DAY)
    monkeypatch.setattr(access, "rules", lambda: embargo)
    monkeypatch.setattr(access, "clock", lambda: dt.datetime(2025, 4, 5, tzinfo=dt.UTC))
    engine = home.database()
    bearer = {"public": {}, "icb": tokens.create("eq-qmj", "QMJ", "submitter", engine=engine),
              **{r: tokens.create(f"eq-{r}", None, r, engine=engine)
                 for r in ("nhse", "dhsc", "cqc")}}
    client = TestClient(create_app(home), raise_server_exceptions=False)

    def measured(role: str) -> dict[tuple[str, str], bool]:
        token = bearer[role]
        got = client.get("/api/v1/equity?period=2025-03",
                         headers={"Authorization": f"Bearer {token}"} if token else {})
        assert got.status_code == 200, got.text[:300]
        return {(o["org"], m["metric_id"]): m["sii"] is not None
                for o in got.json()["organisations"] for m in o["metrics"]}

    for role in ("public", "icb", "nhse", "dhsc", "cqc"):
        seen = measured(role)
        for org in (*ORGS, "ENG"):
            assert seen[(org, "cancer_62d")], (role, org)  # not embargoed: everyone
            early = role in ("nhse", "dhsc") or (role == "icb" and org == "QMJ")
            assert seen[(org, "ae_4hr")] is early, (role, org)
    assert 'data-sii=""' in _metric_row(client.get("/equity").text, "ae_4hr", "QMJ")
    table = pd.read_csv(io.StringIO(client.get("/equity.csv").text))
    assert table.loc[table["metric_id"] == "ae_4hr", "sii"].isna().all()
    monkeypatch.setattr(access, "clock", lambda: dt.datetime(2025, 4, 10, 8, 31, tzinfo=dt.UTC))
    assert measured("public")[("QWE", "ae_4hr")]
