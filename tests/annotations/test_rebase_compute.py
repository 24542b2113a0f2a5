"""An approved rebase changes the SPC limits wherever the series appears: the results (every
breakdown group), the judgements and the API; reversing it gives the previous limits back at
the next compute; the rebases a version used are recorded with it and reproduce it."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.judge import stage as judge_stage
from oversight.metrics import compute, published, rebase_input
from oversight.publish import chart_marks
from oversight.publish.web import page_cache
from oversight.publish.web.app import create_app
from oversight.store import database

runner = CliRunner()
SPC = ["spc_mean", "spc_lpl", "spc_upl", "spc_point_type", "variation_icon"]


@pytest.fixture
def home(
    demo_home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Home]:
    shutil.copytree(demo_home.root, tmp_path / "home")
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    # Pages may lag a change by up to RECHECK_S (page_cache); this test reads a page right after
    # an annotation its API call had already cached the page without, so it must not lag.
    monkeypatch.setattr(page_cache, "RECHECK_S", 0.0)
    here = Home.at(tmp_path / "home")
    yield here
    database.dispose(here.database_url)


def cli(home: Home, *args: str) -> str:
    result = runner.invoke(app, [*args, "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    return result.output


def qmj(version_home: Home, version: str | None = None) -> pd.DataFrame:
    rows = published(version_home, version).rows(metric="ae_4hr", org="QMJ", breakdown=None)
    return rows.sort_values(["breakdown", "group", "period"]).reset_index(drop=True)


def test_a_rebase_moves_the_limits_everywhere_and_reversing_it_moves_them_back(
    home: Home,
) -> None:
    engine = home.database()
    icb = tokens.create("ncl", "QMJ", "submitter", engine=engine)
    nhse = tokens.create("nhse", None, "nhse", engine=engine)
    first = published(home)
    before = qmj(home)
    total = before[before["breakdown"] == "total"]
    months = list(total["period"])
    cut = months[6]
    assert total["spc_mean"].nunique() == 1  # one set of limits before

    made = json.loads(cli(home, "rebase", "propose", "--metric", "ae_4hr", "--org", "QMJ",
                          "--month", cut.isoformat()[:7], "--reason", "UTC opened", "--json",
                          "--token", icb))
    out = cli(home, "rebase", "approve", made["id"], "--reason", "agreed", "--token", nhse,
              "--compute")
    rebased = published(home)
    assert rebased.id != first.id
    assert "rebases changed on 1 metric x organisation" in (rebased.how or "")
    assert rebased.id in out
    assert rebase_input.recorded(rebased) == [("ae_4hr", "QMJ", cut)]
    after = qmj(home)
    t = after[after["breakdown"] == "total"].set_index("period")
    values = t["value"].astype(float)
    early, late = values[values.index < cut], values[values.index >= cut]
    assert np.allclose(t.loc[early.index, "spc_mean"], early.mean())  # by hand: two means
    assert np.allclose(t.loc[late.index, "spc_mean"], late.mean())
    # every breakdown group of QMJ's ae_4hr starts again; other organisations do not change
    for (bd, grp), part in after.groupby(["breakdown", "group"]):
        have = part.dropna(subset=["spc_mean"])
        if (have["period"] < cut).any() and (have["period"] >= cut).sum() > 1:
            assert have["spc_mean"].nunique() == 2, (bd, grp)
    others = published(home).rows(metric="ae_4hr", org="QOP")
    pd.testing.assert_frame_equal(others[SPC], first.rows(metric="ae_4hr", org="QOP")[SPC])
    # the judgements and the API read the same limits
    judged = judge_stage.judged(home, rebased.id)
    assert judged is not None
    api = TestClient(create_app(home)).get("/api/v1/organisations/QMJ/metrics/ae_4hr").json()
    by_month = {p["period"]: p["spc_lpl"] for p in api["points"]}
    assert by_month == pytest.approx({d.isoformat(): v for d, v in t["spc_lpl"].items()})

    # the charts break the limits where the results do, and say why; downloads say it too
    seen = chart_marks.stamp(home)
    cli(home, "annotate", "add", "--metric", "ae_4hr", "--org", "QMJ", "--date",
        months[2].isoformat(), "--text", "Winter plan", "--token", icb)
    assert chart_marks.stamp(home) != seen
    marks = [m for m in chart_marks.marks_for(home, "QMJ", "ae_4hr")
             if not m.text.startswith("Demo: planted")]
    assert [(m.period, m.kind, m.text) for m in marks] == [
        (months[2], "annotation", "Winter plan"),
        (cut, "rebase", "New process limits: UTC opened"),
    ]
    segments = chart_marks.segment_numbers(months, chart_marks.rebase_months(home, "QMJ",
                                                                             "ae_4hr"))
    assert segments == [0] * 6 + [1] * (len(months) - 6)
    client = TestClient(create_app(home))
    csv = client.get("/api/v1/rebases.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    table = pd.read_csv(io.StringIO(csv.text))
    assert table[["metric", "org", "state", "in_results"]].values.tolist() == [
        ["ae_4hr", "QMJ", "approved", True]]
    notes = pd.read_csv(io.StringIO(client.get("/api/v1/annotations.csv").text))
    assert "Winter plan" in notes["text"].tolist()
    page = client.get("/icb/QMJ/ae_4hr")  # the portal's chart of the series
    assert page.status_code == 200
    assert "Winter plan" in page.text and "New process limits: UTC opened" in page.text

    seen = chart_marks.stamp(home)
    cli(home, "rebase", "reverse", made["id"], "--reason", "UTC closed", "--token", nhse)
    assert chart_marks.stamp(home) != seen
    cli(home, "compute")
    restored = published(home)
    assert rebase_input.recorded(restored) == []
    pd.testing.assert_frame_equal(qmj(home)[SPC], before[SPC])
    assert {m.kind for m in chart_marks.marks_for(home, "QMJ", "ae_4hr")} == {"annotation"}
    page = TestClient(create_app(home)).get("/icb/QMJ/ae_4hr").text
    assert "Winter plan" in page and "New process limits" not in page

    # the version computed with the rebase is reproduced from what it recorded
    again = compute(home, full=True, rebases=rebase_input.recorded(rebased))
    pd.testing.assert_frame_equal(qmj(home, again.id)[SPC], after[SPC])
    assert rebase_input.recorded(again) == [("ae_4hr", "QMJ", cut)]


def test_compute_with_no_store_yet_has_no_rebases(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    assert rebase_input.stored(home) == []
    assert chart_marks.marks_for(home, "QMJ", "ae_4hr") == []
    assert chart_marks.stamp(home) == ()
    assert not (tmp_path / "oversight.db").exists()
    assert dt.date(2024, 6, 1) == rebase_input.normal([("m", "o", "2024-06-30")])[0][2]


def test_segment_numbers_count_the_rebases_on_or_before_each_month() -> None:
    months = [dt.date(2024, m, 1) for m in range(1, 7)]
    cuts = [dt.date(2024, 5, 1), dt.date(2024, 3, 1)]
    assert chart_marks.segment_numbers(months, cuts) == [0, 0, 1, 1, 2, 2]
    assert chart_marks.segment_numbers(months, []) == [0] * 6


def test_the_demo_annotates_where_it_planted_steps_and_trends(demo_home: Home) -> None:
    from oversight.annotations.annotation_store import annotations_for
    from oversight.synth.manifest import read

    planted = [i for i in read(demo_home.lake_dir).injections if i.kind in ("step", "trend")]
    notes = annotations_for(demo_home.database())
    assert sorted((n.metric, n.org, n.on.isoformat()[:7]) for n in notes) == sorted(
        (i.metric_id, i.icb_code, i.start) for i in planted)
    assert {n.author for n in notes} == {"demo"}
    marks = chart_marks.marks_for(demo_home, planted[0].icb_code, planted[0].metric_id)
    assert [m.text for m in marks] == [f"Demo: planted {planted[0].kind}. "
                                       f"{planted[0].description}"]
    database.dispose(demo_home.database_url)
