"""On the synthetic demo: injected changes show in the scores, and in the average."""

from __future__ import annotations

import pandas as pd

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge.segmentation import Inputs, OrgSegment, segment
from oversight.judge.segmentation.inputs import inputs_from_frame
from oversight.judge.segmentation.quarter import quarter_values
from oversight.metrics.results import results
from oversight.period import Kind, Period
from oversight.synth import read_manifest


def _quarters(home: Home) -> tuple[pd.DataFrame, list[Period]]:
    frame = results(home)
    frame = frame[(frame["org_type"] == "icb") & (frame["group"] == "total")]
    months = sorted({Period.month_of(p) for p in frame["period"]})
    whole = [q for q in {m.to(Kind.QUARTER) for m in months} if set(q.months()) <= set(months)]
    return frame, sorted(whole)


def _run(frame: pd.DataFrame, quarter: Period) -> tuple[Inputs, dict[str, OrgSegment]]:
    cat = load()
    inputs = inputs_from_frame(quarter_values(frame, cat.metrics, quarter), quarter, orgs=cat.icbs)
    done = segment(cat.rule_sets["nof-2025"], cat.metrics, inputs, explain_moves=False)
    return inputs, {r.org: r for r in done}


def test_injected_changes_move_the_metric_score_and_the_average(demo_home: Home) -> None:
    cat = load()
    rules = cat.rule_sets["nof-2025"]
    frame, quarters = _quarters(demo_home)
    manifest = read_manifest(demo_home.lake_dir)
    checked = 0
    for injection in manifest.injections:
        if injection.kind not in ("step", "trend") or injection.metric_id not in rules.metric_ids:
            continue
        start = Period.parse_month(injection.start)
        before = max(q for q in quarters if q.end < start.start)
        after = quarters[-1]
        org, metric = injection.icb_code, injection.metric_id
        inputs_before, then = _run(frame, before)
        inputs_after, now = _run(frame, after)
        old, new = then[org].score_of(metric), now[org].score_of(metric)
        assert old.score is not None and new.score is not None
        worse = injection.direction == "deteriorate"
        # Scores rank ICBs against each other, so what every ICB shares (winter) cancels out.
        assert new.score >= old.score if worse else new.score <= old.score, injection.id
        # The average moves accordingly: the earlier quarter with only this value replaced.
        swapped = inputs_before.with_value(org, metric, inputs_after.value(org, metric))
        moved = {r.org: r for r in segment(rules, cat.metrics, swapped, explain_moves=False)}
        swapped_score = moved[org].score_of(metric).score
        assert swapped_score is not None and then[org].average is not None
        step = moved[org].average - then[org].average  # type: ignore[operator]
        expected = (swapped_score - old.score) / then[org].scored_count
        assert abs(step - expected) <= 0.011  # both averages are rounded to 2 decimals
        checked += 1
    assert checked >= 3  # the A&E steps and the ambulance and RTT trends


def test_same_inputs_same_segments_on_the_demo(demo_home: Home) -> None:
    frame, quarters = _quarters(demo_home)
    first = _run(frame, quarters[-1])[1]
    again = _run(frame, quarters[-1])[1]
    assert {o: r.to_dict() for o, r in first.items()} == {o: r.to_dict() for o, r in again.items()}
    assert {r.segment for r in first.values()} == {1, 2, 3, 4}
