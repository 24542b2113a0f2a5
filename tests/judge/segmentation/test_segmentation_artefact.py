"""Segments stored in the judgements artefact (judge.segmentation.artefact), on the small demo.

The demo's judge stage stores every rule set × complete quarter. An old quarter rerun with its
old rule set reproduces the stored result exactly, a rebuild is byte for byte the same, what
`oversight segment` shows is the stored result, and injected deterioration shows in the stored
scores and averages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from oversight.catalogue import load
from oversight.catalogue.models import RuleSet
from oversight.home import Home
from oversight.judge import stage
from oversight.judge.segmentation import artefact, codec
from oversight.judge.segmentation.published import segment_published
from oversight.judge.segmentation.result import OrgSegment
from oversight.metrics.results import published
from oversight.period import Period
from oversight.synth import read_manifest

QUARTERS = ["2023-Q2", "2023-Q3", "2023-Q4", "2024-Q1"]


def _segments(home: Home) -> Path:
    found = artefact.current(home)
    assert found is not None
    return found


def _stored(home: Home, rules: str, quarter: str) -> artefact.Stored:
    found = artefact.read(_segments(home), rules, Period.parse_quarter(quarter))
    assert found is not None
    return found


def _public(results: list[OrgSegment] | tuple[OrgSegment, ...]) -> list[dict[str, Any]]:
    """The JSON shape without the moves (searched when asked, not stored)."""
    out = json.loads(json.dumps([r.to_dict() for r in results]))
    for one in out:
        one.pop("what_would_move")
    return list(out)


def test_every_rule_set_and_complete_quarter_is_stored(demo_home: Home) -> None:
    segments = _segments(demo_home)
    for rules in ("nof-2022", "nof-2025", "nof-2026"):
        assert [str(q) for q in artefact.quarters(segments, rules)] == QUARTERS
    stored = _stored(demo_home, "nof-2025", "2024-Q1")
    assert stored.data["rules_version"] == 1 and stored.data["in_force"] is False
    one = stored.results()[0]
    assert one.scores and one.average is not None and one.raw_segment is not None
    assert one.rank is not None and one.change is not None  # since 2023-Q4
    flags = _stored(demo_home, "nof-2022", "2024-Q1").results()[0]
    assert flags.themes and flags.proposed_segment is not None and flags.decision is None


def test_rerunning_each_stored_quarter_reproduces_it_exactly(demo_home: Home) -> None:
    segments = _segments(demo_home)
    for rules in ("nof-2022", "nof-2025", "nof-2026"):
        for quarter in artefact.quarters(segments, rules):
            stored = artefact.read(segments, rules, quarter)
            assert stored is not None
            again = [codec.dump(r) for r in artefact.rerun(stored)]
            assert again == stored.data["results"], (rules, quarter)


def test_an_old_quarter_keeps_its_old_rule_set(demo_home: Home) -> None:
    """The catalogue's rule set changes (a new version with threshold cuts): the stored
    quarter, rerun, is still the result under the rule set it was made with."""
    stored = _stored(demo_home, "nof-2025", "2023-Q3")
    old = stored.rule_set()
    cut = load().rule_sets["nof-2026"].cut
    assert cut is not None
    new = RuleSet.model_validate(
        {**old.model_dump(mode="json"), "version": 2, "cut": cut.model_dump(mode="json")}
    )
    under_new = artefact.segment_quarter(new, load().metrics, stored.inputs())
    assert [r.segment for r in under_new] != [r.segment for r in stored.results()]
    assert {r.rules_version for r in under_new} == {2}
    assert [codec.dump(r) for r in artefact.rerun(stored)] == stored.data["results"]


def test_building_again_gives_the_same_bytes(demo_home: Home, tmp_path: Path) -> None:
    version = published(demo_home)
    judged = stage.latest(demo_home, version.id)
    assert judged is not None
    again = artefact.build(
        demo_home, tmp_path, version.metrics_path, judged.frame(), catalogue=load()
    )
    files = sorted(p.relative_to(again) for p in again.rglob("*.json"))
    assert len(files) == 12
    for name in files:
        assert (again / name).read_bytes() == (_segments(demo_home) / name).read_bytes(), name


def test_oversight_segment_shows_the_stored_result(demo_home: Home) -> None:
    stored = _stored(demo_home, "nof-2026", "2023-Q4")
    shown = segment_published(demo_home, rules="nof-2026", period="2023-Q4", org="QHM")
    (mine,) = [r for r in stored.results() if r.org == "QHM"]
    assert _public(shown) == _public([mine])
    assert shown[0].moves  # searched from the stored inputs
    # Segmenting the published results afresh gives the same (the stored result is no relic).
    fresh = segment_published(
        demo_home, rules="nof-2026", period="2023-Q4", org="QHM", stored=False
    )
    assert _public(fresh) == _public(shown)
    assert [m.sentence for m in fresh[0].moves] == [m.sentence for m in shown[0].moves]


def test_injected_deterioration_shows_in_the_stored_scores_and_average(demo_home: Home) -> None:
    """Each ICB with injected deterioration scores worse on that metric in the latest stored
    quarter than in the last stored quarter before the injection began (or was at the worst
    score already), and its average, with
    only that value swapped in, moves by the change in that score over the metrics scored."""
    cat = load()
    manifest = read_manifest(demo_home.lake_dir)
    segments = _segments(demo_home)
    held = artefact.quarters(segments, "nof-2025")
    checked = strictly = 0
    for injection in manifest.injections:
        rules = cat.rule_sets["nof-2025"]
        if injection.kind not in ("step", "trend") or injection.metric_id not in rules.metric_ids:
            continue
        if injection.direction != "deteriorate":
            continue
        start = Period.parse_month(injection.start)
        before_q = max(q for q in held if q.end < start.start)
        before = artefact.read(segments, "nof-2025", before_q)
        after = artefact.read(segments, "nof-2025", held[-1])
        assert before is not None and after is not None
        org, metric = injection.icb_code, injection.metric_id
        then = {r.org: r for r in before.results()}[org]
        now = {r.org: r for r in after.results()}[org]
        old, new = then.score_of(metric).score, now.score_of(metric).score
        assert old is not None and new is not None, injection.id
        # Worse, or already at the worst score (4.00) before it began.
        assert new > old or old == new == 4.0, injection.id
        swapped = before.inputs().with_value(org, metric, after.inputs().value(org, metric))
        moved = {
            r.org: r for r in artefact.segment_quarter(before.rule_set(), cat.metrics, swapped)
        }[org]
        assert moved.average is not None and then.average is not None
        score = moved.score_of(metric).score
        assert score is not None and score >= old
        assert moved.average >= then.average
        expected = (score - old) / then.scored_count
        assert abs((moved.average - then.average) - expected) <= 0.011  # 2-dp rounding
        checked += 1
        strictly += new > old
    assert checked >= 2 and strictly >= 1
