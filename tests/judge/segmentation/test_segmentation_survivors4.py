"""Demo-free tests for judge/segmentation mutants the fifth pass's sample (seed 61) left alive
or unreached (issue 18): where nof-2022 outcomes come from when segmenting afresh, results that
cannot be changed once made, which moves are offered (nof-2022 proposals, the capability
review), recorded judgements' words and stored dates, a what-if financial status, refreshing
stored quarters after a recording, and building the stored segmentation again or for a quarter
holding none of the scored metrics."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from tests.judge.segmentation.segmentation_fixtures import Q3, column, metrics, quarter, rule_set
from tests.judge.stage_support import icb_total_row, write_version

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge import stage
from oversight.judge.segmentation import artefact, codec, compute, recorded
from oversight.judge.segmentation.explain import score_sentence
from oversight.judge.segmentation.inputs import (
    CapabilityReview,
    FinancialStatus,
    Inputs,
    SegmentDecision,
)
from oversight.judge.segmentation.moves import final_segment, what_would_move
from oversight.judge.segmentation.published import _inputs, segment_published
from oversight.judge.segmentation.quarter import in_quarter, quarter_values
from oversight.judge.segmentation.recorded import NOTHING, Recordings
from oversight.judge.segmentation.scoring import MetricScore
from oversight.metrics.results import current, published
from oversight.period import Period
from oversight.store import database

CAT = load()


def _flat_rows(rules: str, months: list[dt.date]) -> pd.DataFrame:
    """Every ICB x metric of the rule set a level of its own, the same each month; common
    cause, within its funnel (as a published version's total rows)."""
    icbs = sorted(i.code for i in CAT.icbs_on(months[-1]))
    out: list[dict[str, Any]] = []
    for metric in CAT.rule_sets[rules].metric_ids:
        for k, org in enumerate(icbs):
            v = 40.0 + k
            for month in months:
                out.append(icb_total_row(metric, org, month, v))
    return pd.DataFrame(out)


# ---- published.py ----


def test_nof_2022_outcomes_are_judged_from_the_quarters_rows_when_none_are_stored() -> None:
    rules = CAT.rule_sets["nof-2022"]
    quarter = Period.parse_quarter("2024-Q3")
    frame = _flat_rows("nof-2022", [m.start for m in quarter.months()])
    inputs = _inputs(CAT, rules, frame, None, quarter, NOTHING)
    # QE1 (the first ICB, 40%) misses the national A&E standard: a flag
    assert inputs.outcomes[("QE1", "ae_4hr")]["national_status"] == "missed"
    results = artefact.segment_quarter(rules, CAT.metrics, inputs)
    assert {r.segment for r in results} == {2}
    assert all(any(t.is_flagged for t in r.themes) for r in results)


# ---- result.py ----


def test_a_result_cannot_be_changed_once_made() -> None:
    rules = rule_set([{"metric": "ae_4hr"}])
    (first, *_) = artefact.segment_quarter(
        rules, metrics(), quarter(column("ae_4hr", {"A": 70.0, "B": 80.0}))
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.segment = 1  # type: ignore[misc]
    assert hash(first) == hash(dataclasses.replace(first))


def test_a_results_moves_cannot_be_changed_once_made() -> None:
    rules = rule_set([{"metric": "ae_4hr"}])
    values = column("ae_4hr", {"A": 70.0, "B": 80.0, "C": 90.0, "D": 95.0})
    results = artefact.segment_quarter(rules, metrics(), quarter(values), moves=True)
    move = results[0].moves[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        move.sentence = "another"  # type: ignore[misc]
    assert {hash(r) for r in results}  # a result holding moves is a value like any other


def test_segmenting_afresh_takes_nof_2022_outcomes_from_the_versions_stored_judgements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    q3 = Period.parse_quarter("2024-Q3")
    home = Home.at(tmp_path / "home")
    frame = _flat_rows("nof-2022", [m.start for m in q3.months()])
    write_version(home, "v1", frame)
    # not judged: the quarter's rows are judged here, and most ICBs miss a national standard
    fresh = segment_published(home, rules="nof-2022", stored=False)
    assert {r.segment for r in fresh} == {2}
    # judged: the stored outcomes are read instead (here every one fine, so no flag)
    fine = frame[["metric_id", "org_type", "org_code", "period", "breakdown"]].assign(
        vs_england="similar", variation="common cause", national_status="met"
    )
    monkeypatch.setattr(stage, "judged", lambda *_: SimpleNamespace(frame=lambda: fine))
    judged = segment_published(home, rules="nof-2022", stored=False)
    assert {r.segment for r in judged} == {1}
    assert not any(t.is_flagged for r in judged for t in r.themes)


# ---- moves.py ----

NOF_2022 = CAT.rule_sets["nof-2022"]
Q3_2024 = Period.parse_quarter("2024-Q3")
MISSED = {"national_status": "missed"}  # flags A&E 4 hours (quality, access and outcomes)


def _flag_moves(outcomes: dict[tuple[str, str], dict[str, str]]) -> tuple[int, list[Any]]:
    inputs = Inputs(period=Q3_2024, orgs=("QMF", "QMJ"), outcomes=outcomes)
    result = compute.assemble_flags(NOF_2022, inputs)["QMJ"]
    assert result.proposed_segment is not None
    moves = what_would_move(NOF_2022, CAT.metrics, inputs, result)
    return result.proposed_segment, [(m.to_segment, m.reaches, m.sentence) for m in moves]


def test_a_nof_2022_move_is_offered_only_where_the_proposal_would_change() -> None:
    # one theme flagged (proposal 2): clearing it proposes 1; a second flagged theme still
    # proposes 2 (3 needs three themes), so no worsening move is offered
    proposed, moves = _flag_moves({("QMJ", "ae_4hr"): MISSED})
    assert proposed == 2
    assert moves == [
        (1, 1, "Proposal 1 (from 2) if the flag on A&E: seen within 4 hours cleared, leaving "
         "quality of care, access and outcomes unflagged.")
    ]  # fmt: skip
    # two themes flagged: clearing one still proposes 2; a third flagged theme proposes 3
    concern = {"variation": "concern"}
    proposed, moves = _flag_moves({("QMJ", "ae_4hr"): MISSED,
                                   ("QMJ", "staff_leaver_rate"): concern})  # fmt: skip
    assert proposed == 2
    assert [(to, reached) for to, reached, _ in moves] == [(3, 3)]
    assert moves[0][2].startswith("Proposal 3 (from 2) if any metric of preventing ill health")


ORGS = ("A", "B", "C", "D", "E", "F", "G", "H")
AE = dict(zip(ORGS, (60.0, 64.0, 70.0, 73.0, 80.0, 84.0, 90.0, 93.0), strict=True))
RTT = dict(zip(ORGS, (50.0, 58.0, 55.0, 66.0, 61.0, 70.0, 75.0, 72.0), strict=True))
TWO = [{"metric": "ae_4hr"}, {"metric": "rtt_18wk"}]


def test_only_segment_4_is_offered_the_capability_review_move() -> None:
    inputs = quarter({**column("ae_4hr", AE), **column("rtt_18wk", RTT)})
    results = artefact.segment_quarter(rule_set(TWO), metrics(), inputs, moves=True)
    for r in results:
        review = [m for m in r.moves if m.override == "capability_review"]
        assert [m.to_segment for m in review] == ([5] if r.segment == 4 else []), r.org
    assert {r.segment for r in results} == {1, 2, 3, 4}
    # a rule set without a segment 5 entry offers none, and still searches the rest
    plain = rule_set(TWO).model_copy(update={"intensive_support_from": None})
    for r in artefact.segment_quarter(plain, metrics(), inputs, moves=True):
        assert r.moves and not any(m.override == "capability_review" for m in r.moves)


def test_the_final_segment_of_one_organisation_is_the_whole_quarters() -> None:
    inputs = quarter({**column("ae_4hr", AE), **column("rtt_18wk", RTT)})
    rules = rule_set(TWO)
    for r in artefact.segment_quarter(rules, metrics(), inputs):
        assert final_segment(rules, metrics(), inputs, r.org) == r.segment
    flags = Inputs(period=Q3_2024, orgs=("QMF", "QMJ"), outcomes={("QMJ", "ae_4hr"): MISSED})
    assert final_segment(NOF_2022, CAT.metrics, flags, "QMJ") == 2
    assert final_segment(NOF_2022, CAT.metrics, flags, "QMF") == 1


# ---- inputs.py, codec.py ----


def test_a_recorded_judgement_says_who_recorded_it_when_and_why() -> None:
    review = CapabilityReview(
        "QMJ", Q3, "a director", "failing", True, recorded_on=dt.date(2025, 10, 1)
    )
    assert review.recorded == "recorded by a director on 2025-10-01, reason: failing"
    decision = SegmentDecision("QMJ", Q3, "a director", "agreed", segment=2)
    assert decision.recorded == "recorded by a director, reason: agreed"


def test_dates_are_stored_as_iso_text_and_plain_values_as_they_are() -> None:
    review = CapabilityReview(
        "QMJ", Q3, "a director", "failing", True, recorded_on=dt.date(2025, 10, 1)
    )
    data = codec.dump(review)
    assert data == {
        "org": "QMJ",
        "period": "2025-Q3",
        "decided_by": "a director",
        "reason": "failing",
        "recorded_on": "2025-10-01",
        "intensive_support": True,
    }
    assert json.loads(json.dumps(data)) == data
    assert codec.load(CapabilityReview, data) == review
    assert codec.dump(dt.date(2025, 10, 1)) == "2025-10-01"
    assert [codec.dump(v) for v in (3, 2.5, "x", True, None)] == [3, 2.5, "x", True, None]


def test_a_nof_2022_themes_flags_read_back_from_json_are_those_made() -> None:
    from oversight.judge.segmentation.flags import ThemeFlags

    codec._loader.cache_clear()  # worked out here, not taken from an earlier test
    reasons = ("variation concern", "vs_england worse")
    made = ThemeFlags("people", "People", (("sickness_absence", reasons),))
    back = codec.load(ThemeFlags, json.loads(json.dumps(codec.dump(made))))
    assert back == made and back.flagged[0][1] == reasons


# ---- over a small published version: what-if inputs, refresh, build ----

MONTHS_2026 = [dt.date(2026, m, 1) for m in range(4, 10)]
Q2_2026, Q3_2026 = Period.parse_quarter("2026-Q2"), Period.parse_quarter("2026-Q3")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """nof-2026's metrics for every ICB over 2026-Q2 and 2026-Q3, judged and stored."""
    home = Home.at(tmp_path_factory.mktemp("survivors4") / "home")
    write_version(home, "v1", _flat_rows("nof-2026", MONTHS_2026))
    version = current(home)
    assert version is not None
    stage.assess(home, version, catalogue=CAT, incremental=False)
    return home


def _best(home: Home) -> tuple[str, int]:
    """The ICB of the best segment and average under nof-2026 in 2026-Q2 (as stored), and its
    segment: better than the financial override's cap, 3."""
    results = segment_published(home, rules="nof-2026", period=Q2_2026)
    best = min((r for r in results if r.segment is not None), key=lambda r: (r.segment, r.org))
    assert best.segment is not None and best.segment < 3
    return best.org, best.segment


def test_a_what_if_financial_status_is_applied_in_place_of_the_recorded_ones(home: Home) -> None:
    best, segment = _best(home)
    deficit = {best: FinancialStatus(in_deficit=True)}
    (got,) = segment_published(home, rules="nof-2026", period=Q2_2026, org=best, finance=deficit)
    assert got.raw_segment == segment and got.segment == 3
    assert [(o.kind, o.before, o.after) for o in got.overrides] == [("financial", segment, 3)]


def test_refreshing_a_quarter_makes_it_and_the_next_again_with_the_recordings_now_stored(
    home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = Home.at(Path(shutil.copytree(home.root, tmp_path / "home")))
    best, segment = _best(copy)
    status = FinancialStatus(in_deficit=True, decided_by="a director", reason="overspent")
    monkeypatch.setattr(recorded, "read", lambda *_: Recordings({best: status}, (), ()))
    segments = artefact.current(copy)
    assert segments is not None
    done = artefact.refresh(copy, Q2_2026)
    rules = sorted(p.name for p in segments.iterdir() if p.is_dir())
    assert done == [segments / r / f"{q}.json" for r in rules for q in (Q2_2026, Q3_2026)]
    for q in (Q2_2026, Q3_2026):
        stored = artefact.read(segments, "nof-2026", q)
        assert stored is not None and stored.inputs().finance == {best: status}
        got = next(r for r in stored.results() if r.org == best)
        assert (got.raw_segment, got.segment) == (segment, 3)
    assert got.change is not None and got.change.previous_period == Q2_2026
    assert artefact.refresh(copy, Period.parse_quarter("2026-Q4")) == []  # nothing stored


def _build(home: Home, where: Path, monthly: pd.DataFrame | None = None) -> Path:
    judged = stage.latest(home)
    assert judged is not None
    return artefact.build(
        home,
        where,
        published(home).metrics_path,
        lambda since: stage._flag_outcomes(judged, CAT, since=since),
        catalogue=CAT,
        monthly=monthly,
    )


def test_building_again_into_the_same_folder_replaces_what_was_stored(
    home: Home, tmp_path: Path
) -> None:
    first = _build(home, tmp_path)
    before = {p.relative_to(first): p.read_bytes() for p in first.rglob("*.json")}
    assert len(before) == 2 * len(CAT.rule_sets)
    again = _build(home, tmp_path)
    assert again == first
    assert {p.relative_to(again): p.read_bytes() for p in again.rglob("*.json")} == before
    assert [p.name for p in tmp_path.iterdir()] == [artefact.DIR]  # no staging folder left


def test_a_build_without_the_parents_first_quarter_equals_one_from_scratch(
    home: Home, tmp_path: Path
) -> None:
    """Figures for 2026-Q2 withdrawn: 2026-Q3 is the first quarter left, with nothing before
    it to change from, so it is made again rather than taken from the parent, whose 2026-Q3
    file says how it changed since 2026-Q2 (the figures of 2026-Q3 are the same in both)."""
    parent = _build(home, tmp_path / "parent")
    monthly = artefact.monthly_rows(published(home).metrics_path, ["icb"])
    later = monthly[monthly["period"] >= Q3_2026.start]
    judged = stage.latest(home)
    assert judged is not None

    def built(where: Path, parent_path: Path | None) -> dict[Path, bytes]:
        folder = artefact.build(
            home, where, published(home).metrics_path,
            lambda since: stage._flag_outcomes(judged, CAT, since=since),
            catalogue=CAT, parent_path=parent_path, monthly=later,
        )  # fmt: skip
        return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.json")}

    scratch = built(tmp_path / "scratch", None)
    assert built(tmp_path / "child", parent.parent) == scratch
    assert sorted(p.name for p in scratch) == [f"{Q3_2026}.json"] * len(CAT.rule_sets)
    was = artefact.read(parent, "nof-2026", Q3_2026)
    assert was is not None and all(r.change is not None for r in was.results())
    stored = artefact.read(tmp_path / "child" / artefact.DIR, "nof-2026", Q3_2026)
    assert stored is not None and all(r.change is None for r in stored.results())


def test_a_quarter_without_any_scored_metric_is_stored_with_nobody_segmented(
    home: Home, tmp_path: Path
) -> None:
    monthly = artefact.monthly_rows(published(home).metrics_path, ["icb"])
    q4 = Period.parse_quarter("2026-Q4")
    extra = monthly[monthly["period"] == MONTHS_2026[0]].assign(metric_id="ae_attendances")
    months = [extra.assign(period=m.start) for m in q4.months()]
    built = _build(home, tmp_path, pd.concat([monthly, *months], ignore_index=True))
    assert artefact.quarters(built, "nof-2026") == [Q2_2026, Q3_2026, q4]
    stored = artefact.read(built, "nof-2026", q4)
    assert stored is not None and not stored.inputs().values
    assert {r.segment for r in stored.results()} == {None}


# ---- explain.py ----


def test_a_percentile_score_says_its_percentile_rank_out_of_100() -> None:
    rules = rule_set([{"metric": "ae_4hr"}])
    s = MetricScore("ae_4hr", 80.0, 1.75, "percentile", percentile=0.75)
    assert score_sentence(rules, CAT.metrics["ae_4hr"], s) == (
        "A&E: seen within 4 hours: 80%, percentile rank 75, spread between 1 and 4: score 1.75."
    )


# ---- result.py ----


def test_a_results_json_gives_each_percentile_to_four_decimals() -> None:
    rules = rule_set([{"metric": "ae_4hr"}])
    inputs = quarter(column("ae_4hr", {"A": 70.0, "B": 80.0, "C": 90.0, "D": 95.0}))
    shown = {
        r.org: r.to_dict()["scores"][0]["percentile"]
        for r in artefact.segment_quarter(rules, metrics(), inputs)
    }
    assert shown == {"A": 0.0, "B": 0.3333, "C": 0.6667, "D": 1.0}


def test_a_move_that_changes_no_metric_has_no_size() -> None:
    inputs = quarter(
        {**column("ae_4hr", AE), **column("rtt_18wk", RTT)},
        finance={o: FinancialStatus(in_deficit=True) for o in ORGS},
    )
    results = artefact.segment_quarter(rule_set(TWO), metrics(), inputs, moves=True)
    others = [m for r in results for m in r.moves if m.metric is None]
    assert {m.override for m in others} >= {"financial", "capability_review"}
    assert {m.size for m in others} == {0.0}
    assert all(m.size > 0 for r in results for m in r.moves if m.metric is not None)


# ---- recorded.py, quarter.py, refresh without segments ----


def test_a_segment_decision_is_recorded_for_segments_1_to_5_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'oversight.db'}"
    engine = database.connect(url)
    actor = SimpleNamespace(name="nhse-oversight", role="nhse", org_code=None)
    try:
        for segment in (1, 5):
            row = recorded.record(engine, actor, recorded.DECISION, org="QMJ", period=Q3_2024,
                                  reason="agreed", rules="nof-2022", segment=segment)  # fmt: skip
            assert row.segment == segment
        for segment in (0, 6):
            with pytest.raises(recorded.RecordError, match=f"segment 1 to 5, not {segment}"):
                recorded.record(engine, actor, recorded.DECISION, org="QMJ", period=Q3_2024,
                                reason="agreed", rules="nof-2022", segment=segment)  # fmt: skip
    finally:
        database.dispose(url)


@pytest.mark.parametrize(("in_deficit", "support"), [(True, None), (None, False), (None, None)])
def test_a_financial_override_must_say_both_whether_in_deficit_and_deficit_support(
    tmp_path: Path, in_deficit: bool | None, support: bool | None
) -> None:
    url = f"sqlite:///{tmp_path / 'oversight.db'}"
    engine = database.connect(url)
    actor = SimpleNamespace(name="nhse-oversight", role="nhse", org_code=None)
    try:
        with pytest.raises(recorded.RecordError, match="says whether in deficit and deficit"):
            recorded.record(engine, actor, recorded.OVERRIDE, org="QMJ", period=Q3_2024,
                            reason="overspent", in_deficit=in_deficit,
                            deficit_support=support)  # fmt: skip
        assert recorded.rows(engine) == []  # nothing stored
    finally:
        database.dispose(url)


def test_a_quarters_recordings_are_its_own_and_every_quarters_are_all(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'oversight.db'}"
    engine = database.connect(url)
    actor = SimpleNamespace(name="nhse-oversight", role="nhse", org_code=None)
    q4 = Q3_2024.next()
    try:
        for org, period in (("QMJ", Q3_2024), ("QMF", q4)):
            recorded.record(engine, actor, recorded.OVERRIDE, org=org, period=period,
                            reason="overspent", in_deficit=True, deficit_support=False)  # fmt: skip
        assert [(r.org_code, r.period) for r in recorded.rows(engine)] == [
            ("QMJ", str(Q3_2024)), ("QMF", str(q4))
        ]  # fmt: skip
        assert [r.org_code for r in recorded.rows(engine, q4)] == ["QMF"]
        assert list(recorded.for_quarter(engine, Q3_2024).finance) == ["QMJ"]
    finally:
        database.dispose(url)


def test_a_row_without_a_month_is_in_no_quarter() -> None:
    months = pd.Series([dt.date(2024, 7, 1), None, dt.date(2024, 10, 1)])
    assert in_quarter(months, Q3_2024).tolist() == [True, False, False]


def test_refreshing_a_home_without_stored_segments_remakes_nothing(tmp_path: Path) -> None:
    assert artefact.refresh(Home.at(tmp_path / "home"), Q3_2024) == []


def test_a_ratio_with_numerators_but_no_denominators_is_the_mean_of_its_months() -> None:
    months = [m.start for m in Q3_2024.months()]
    monthly = pd.DataFrame({"org_code": "QMJ", "metric_id": "ae_4hr", "period": months,
                            "value": [70.0, 80.0, 90.0], "numerator": [7.0, 8.0, 9.0]})  # fmt: skip
    got = quarter_values(monthly, {"ae_4hr": CAT.metrics["ae_4hr"]}, Q3_2024)
    assert got[["org", "metric", "value", "months", "pooled"]].values.tolist() == [
        ["QMJ", "ae_4hr", 80.0, 3, False]
    ]


def test_a_segment_decision_object_takes_segments_1_to_5() -> None:
    assert SegmentDecision("QMJ", Q3, "a director", "agreed", segment=1).segment == 1
    with pytest.raises(ValueError, match="must be 1 to 5, got 0"):
        SegmentDecision("QMJ", Q3, "a director", "agreed", segment=0)


def test_reading_many_quarters_of_a_home_without_a_database_creates_none(tmp_path: Path) -> None:
    home = Home.at(tmp_path / "home")
    assert home.database_file is not None
    assert recorded.reader(home)(Q3, None).empty
    assert not home.database_file.exists()


def test_a_summary_of_no_organisations_is_its_head_line() -> None:
    from oversight.judge.segmentation.text import summary

    assert summary([], {}) == ["Org  Name              Segment  Average  Rank"]


def test_a_segment_decision_without_a_segment_is_refused() -> None:
    with pytest.raises(ValueError, match="must be 1 to 5, got 0"):
        SegmentDecision("QMJ", Q3, "a director", "agreed")


def test_a_bad_choice_reads_as_its_message() -> None:
    from oversight.judge.segmentation.published import SegmentationChoiceError

    error = SegmentationChoiceError("--rules", "no rule set nof-1999", ["nof-2025", "nof-2026"])
    assert (str(error), error.option, error.choices) == (
        "no rule set nof-1999", "--rules", ("nof-2025", "nof-2026")
    )  # fmt: skip
