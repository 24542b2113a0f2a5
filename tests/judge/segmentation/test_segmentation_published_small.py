"""Segmentation over a small hand-made results version (no demo): every ICB, the metrics of the
scored rule sets, six months (two complete quarters, 2024-Q2 and 2024-Q3). The judge stage
stores each rule set x quarter (judge.segmentation.artefact); what `oversight segment` shows
from that store is what segmenting the published results afresh gives, a stored quarter rerun
reproduces its bytes, and bad choices name the valid ones."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tests.judge.stage_support import icb_total_row, write_version

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge import stage
from oversight.judge.segmentation import artefact, codec
from oversight.judge.segmentation.published import (
    SegmentationChoiceError,
    complete_quarters,
    segment_published,
)
from oversight.metrics.results import current
from oversight.period import Period

CAT = load()
RULES = ("nof-2022", "nof-2025", "nof-2026")
MONTHS = tuple(dt.date(2024, m, 1) for m in range(4, 10))
Q2, Q3 = Period.parse_quarter("2024-Q2"), Period.parse_quarter("2024-Q3")


def _rows() -> pd.DataFrame:
    """Each ICB x metric a level of its own, rising for two ICBs in three, falling for the
    third; every point common cause, within its funnel."""
    metrics = sorted(
        set(CAT.rule_sets["nof-2025"].metric_ids) | set(CAT.rule_sets["nof-2026"].metric_ids)
    )
    icbs = sorted(i.code for i in CAT.icbs_on(MONTHS[-1]))
    rng = np.random.default_rng(1)
    out: list[dict[str, Any]] = []
    for metric in metrics:
        for k, org in enumerate(icbs):
            base = 40 + (k * 7919 % 41) + rng.normal(0, 1)
            for p, month in enumerate(MONTHS):
                v = float(base + p * (0.5 if k % 3 else -0.5))
                out.append(icb_total_row(metric, org, month, v))
    return pd.DataFrame(out)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home.at(tmp_path_factory.mktemp("segmentation") / "home")
    write_version(home, "v1", _rows())
    version = current(home)
    assert version is not None
    stage.assess(home, version, catalogue=CAT, incremental=False)
    return home


def _segments(home: Home) -> Path:
    found = artefact.current(home)
    assert found is not None
    return found


def _dicts(results: Any) -> list[dict[str, Any]]:
    return list(json.loads(json.dumps([r.to_dict() for r in results])))


def test_every_rule_set_and_complete_quarter_is_stored(home: Home) -> None:
    segments = _segments(home)
    for rules in RULES:
        assert artefact.quarters(segments, rules) == [Q2, Q3]
    stored = artefact.read(segments, "nof-2025", Q3)
    assert stored is not None
    assert (stored.period, stored.rules) == (Q3, "nof-2025")
    assert stored.rule_set() == CAT.rule_sets["nof-2025"]
    assert stored.inputs().period == Q3 and len(stored.inputs().orgs) == 42
    assert [r.org for r in stored.results()] == sorted(i.code for i in CAT.icbs_on(MONTHS[-1]))
    assert artefact.read(segments, "nof-2025", Period.parse_quarter("2024-Q1")) is None


@pytest.mark.parametrize("rules", RULES)
def test_a_stored_quarter_rerun_gives_the_same_results(home: Home, rules: str) -> None:
    segments = _segments(home)
    for quarter in (Q2, Q3):
        stored = artefact.read(segments, rules, quarter)
        assert stored is not None
        again = [codec.dump(r) for r in artefact.rerun(stored)]
        assert again == stored.data["results"]
        assert [codec.load(type(r), codec.dump(r)) for r in stored.results()] == list(
            stored.results()
        )


@pytest.mark.parametrize("rules", RULES)
def test_the_stored_result_is_the_published_results_segmented_afresh(
    home: Home, rules: str
) -> None:
    shown = segment_published(home, rules=rules)
    fresh = segment_published(home, rules=rules, stored=False)
    assert _dicts(shown) == _dicts(fresh)
    assert {r.period for r in shown} == {Q3}  # the latest complete quarter by default
    one = segment_published(home, rules=rules, period="2024-Q2", org=" qmj ")
    assert [r.org for r in one] == ["QMJ"]
    assert _dicts(one) == _dicts(segment_published(home, rules=rules, period=Q2, org="QMJ",
                                                   stored=False))  # fmt: skip


def test_the_segments_the_small_version_gives(home: Home) -> None:
    """Scored rule sets segment every ICB (13 and 18 metrics) and say what changed since the
    quarter before; the flags rule set flags the themes whose metrics miss national targets."""
    scored = {r.org: r for r in segment_published(home, rules="nof-2025")}
    assert {r.segment for r in scored.values()} == {1, 2, 3, 4}
    qmj = scored["QMJ"]
    assert qmj.change is not None and qmj.change.previous_period == Q2
    assert qmj.reasons[0].startswith(f"Segment {qmj.segment} ")
    first = segment_published(home, rules="nof-2025", period="2024-Q2", org="QMJ")[0]
    assert first.change is None  # 2024-Q1 is not complete
    newer = segment_published(home, rules="nof-2026")
    assert {r.segment for r in newer} == {2, 3}
    flags = segment_published(home, rules="nof-2022")
    assert {r.segment for r in flags} == {2}
    assert flags[0].average is None and flags[0].change is None


def test_moves_are_searched_for_the_organisation_asked_about(home: Home) -> None:
    (one,) = segment_published(home, rules="nof-2026", org="QMJ")
    assert one.moves
    assert all(m.sentence for m in one.moves)


def test_bad_choices_name_the_valid_ones(home: Home) -> None:
    with pytest.raises(SegmentationChoiceError, match="unknown rule set 'nof-1999'") as rules:
        segment_published(home, rules="nof-1999")
    assert rules.value.option == "rules" and rules.value.choices == tuple(sorted(CAT.rule_sets))
    for stored in (True, False):
        with pytest.raises(SegmentationChoiceError) as quarter:
            segment_published(home, rules="nof-2025", period="2024-Q4", stored=stored)
        assert quarter.value.option == "period"
        assert "2024-Q2" in str(quarter.value) and "2024-Q3" in str(quarter.value)
        with pytest.raises(SegmentationChoiceError) as org:
            segment_published(home, rules="nof-2025", org="ZZZ", stored=stored)
        assert org.value.option == "org" and "QMJ" in org.value.choices


def test_complete_quarters_need_three_months(home: Home) -> None:
    version = current(home)
    assert version is not None
    frame = version.rows()
    assert complete_quarters(frame, "icb") == [Q2, Q3]
    last = Period.month_of(MONTHS[-1])
    short = frame[[Period.month_of(p) != last for p in frame["period"]]]
    assert complete_quarters(short, "icb") == [Q2]
    assert complete_quarters(frame, "region") == []
