"""`oversight segment` and `segment_published` on the small demo home (issue 11 item 7).

The demo holds April 2023 to April 2024: complete quarters 2023-Q2 to 2024-Q1, nof-2022 in
force for all of them. Most runs name one ICB so only its "what would move you" is searched.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from oversight.cli import app
from oversight.home import Home
from oversight.judge.segmentation import FinancialStatus, OrgSegment
from oversight.judge.segmentation.published import (
    SegmentationChoiceError,
    segment_published,
)
from oversight.period import Period

ORG = "QHM"
LATEST = "2024-Q1"
KEYS = {
    "org",
    "rules",
    "period",
    "segment",
    "average_score",
    "scores",
    "overrides",
    "reasons",
    "what_would_move",
    "provisional",
}


def _cli(home: Home, *args: str) -> Any:
    return CliRunner().invoke(app, ["segment", "--home", str(home.root), *args])


def _json(home: Home, *args: str) -> list[dict[str, Any]]:
    done = _cli(home, *args, "--json")
    assert done.exit_code == 0, done.output
    return list(json.loads(done.stdout))


def _dicts(results: list[OrgSegment]) -> list[dict[str, Any]]:
    return list(json.loads(json.dumps([r.to_dict() for r in results])))


@pytest.fixture(scope="module")
def nof2026_all(demo_home: Home) -> list[OrgSegment]:
    """Every ICB under nof-2026 in the latest quarter, with every move searched (~10 s)."""
    return segment_published(demo_home, rules="nof-2026")


def test_the_cli_json_is_the_python_api(demo_home: Home) -> None:
    got = _json(demo_home, "--rules", "nof-2025", "--org", ORG)
    assert got == _dicts(segment_published(demo_home, rules="nof-2025", org=ORG))
    (one,) = got
    assert set(one) >= KEYS
    assert one["org"] == ORG and one["rules"] == "nof-2025" and one["period"] == LATEST
    assert one["segment"] in (1, 2, 3, 4)
    assert isinstance(one["average_score"], float)
    assert one["scores"] and all({"metric", "value", "score"} <= set(s) for s in one["scores"])
    assert one["reasons"] and one["what_would_move"]
    assert one["reasons"][-1] == (
        "nof-2025 was not in force in 2024-Q1 (in force 2025-Q2 to 2026-Q1); it was applied as "
        "asked, so this is not the segment of record."
    )
    assert all(isinstance(s, str) for s in one["reasons"] + one["what_would_move"])


def test_defaults_are_the_latest_complete_quarter_and_the_rule_set_in_force(
    demo_home: Home,
) -> None:
    (one,) = _json(demo_home, "--org", ORG)
    assert one["period"] == LATEST and one["rules"] == "nof-2022"
    assert one["average_score"] is None and one["scores"] == []
    assert one["segment"] == one["proposed_segment"]
    assert (
        "No NHS England segment decision was recorded for 2024-Q1: the segment shown is the "
        "proposal."
    ) in one["reasons"]
    assert not any("not in force" in r for r in one["reasons"])


def test_nof_2022_flags_come_from_the_judge_outcomes(demo_home: Home) -> None:
    got = segment_published(demo_home, rules="nof-2022", period=LATEST, org=ORG)
    (one,) = got
    flagged = [t for t in one.themes if t.is_flagged]
    assert flagged, "the demo's ICBs miss national targets, so some theme is flagged"
    because = {why for t in flagged for _, whys in t.flagged for why in whys}
    assert because <= {"vs_england worse", "variation concern", "national_status missed"}
    assert one.cut.startswith(f"flags in {len(flagged)} of")


def test_org_filters_to_that_organisations_result_of_the_full_run(
    demo_home: Home, nof2026_all: list[OrgSegment]
) -> None:
    assert len(nof2026_all) == 42
    full = {r.org: r.to_dict() for r in nof2026_all}
    got = _json(demo_home, "--rules", "nof-2026", "--org", ORG.lower())
    assert [g["org"] for g in got] == [ORG]
    assert got == json.loads(json.dumps([full[ORG]]))


def test_same_inputs_same_output(demo_home: Home) -> None:
    # (the test above already compares the JSON of two runs, one filtered, over every ICB)
    first = _cli(demo_home, "--rules", "nof-2026", "--org", ORG)
    second = _cli(demo_home, "--rules", "nof-2026", "--org", ORG)
    assert first.exit_code == 0 and first.stdout == second.stdout


def test_the_text_shows_segment_average_reasons_moves_and_provisional(
    demo_home: Home, nof2026_all: list[OrgSegment]
) -> None:
    done = _cli(demo_home, "--rules", "nof-2026", "--org", ORG)
    assert done.exit_code == 0, done.output
    (mine,) = [r for r in nof2026_all if r.org == ORG]
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    text = " ".join(done.stdout.split())  # lines are wrapped at 80 columns
    assert f"{ORG} NHS North East and North Cumbria" in text
    assert f"segment {mine.segment}, average score {mine.average:.2f}" in text
    for sentence in (*mine.reasons, *(m.sentence for m in mine.moves)):
        assert " ".join(sentence.split()) in text
    assert mine.provisional  # nof-2026's thresholds are placeholders
    assert "provisional: unconfirmed numbers decided it" in text
    assert "decided by unconfirmed numbers: " in text  # the reason, in the reasons


def test_the_change_since_last_quarter_is_under_the_same_rules(
    nof2026_all: list[OrgSegment], demo_home: Home
) -> None:
    (mine,) = [r for r in nof2026_all if r.org == ORG]
    assert mine.change is not None and mine.change.previous_period == Period.parse("2023-Q4")
    (before,) = segment_published(demo_home, rules="nof-2026", period="2023-Q4", org=ORG)
    assert mine.change.previous_segment == before.segment
    assert mine.average is not None and before.average is not None
    assert mine.change.change == pytest.approx(mine.average - before.average, abs=0.006)
    (first,) = segment_published(demo_home, rules="nof-2026", period="2023-Q2", org=ORG)
    assert first.change is None  # no earlier complete quarter


def test_recorded_finance_applies_the_override_and_unrecorded_is_said(
    demo_home: Home, nof2026_all: list[OrgSegment]
) -> None:
    best = next(r for r in nof2026_all if r.segment in (1, 2))
    assert any("No financial status was recorded" in s for s in best.reasons)
    assert any("No capability assessment was recorded" in s for s in best.reasons)
    (capped,) = segment_published(
        demo_home,
        rules="nof-2026",
        org=best.org,
        finance={best.org: FinancialStatus(in_deficit=True)},
    )
    assert capped.segment == 3 and capped.raw_segment == best.segment
    assert [o.kind for o in capped.overrides] == ["financial"]
    assert not any("No financial status was recorded" in s for s in capped.reasons)


@pytest.mark.parametrize(
    ("args", "option", "named"),
    [
        (["--rules", "nof-2099"], "--rules", ["nof-2022", "nof-2025", "nof-2026"]),
        (["--period", "2024-Q2"], "--period", ["only 2024-04", "2023-Q2", LATEST]),
        (["--period", "2022-Q1"], "--period", ["none of its months", "2023-Q2", LATEST]),
        (["--period", "2024-13"], "--period", ["2025-Q3", "2023-Q2", LATEST]),
        (["--org", "XXX"], "--org", ["QHM", "QYG"]),
    ],
)
def test_unknown_inputs_exit_2_naming_the_choices(
    demo_home: Home, args: list[str], option: str, named: list[str]
) -> None:
    done = _cli(demo_home, *args)
    assert done.exit_code == 2
    flat = " ".join(done.output.replace("│", " ").split())
    assert f"Invalid value for {option}" in flat
    for word in named:
        assert word in flat
    assert "Traceback" not in done.output


def test_the_api_raises_a_choice_error_with_the_choices(demo_home: Home) -> None:
    with pytest.raises(SegmentationChoiceError) as raised:
        segment_published(demo_home, period="2024-Q2")
    assert raised.value.option == "period"
    assert raised.value.choices == ("2023-Q2", "2023-Q3", "2023-Q4", LATEST)


def test_a_home_without_results_says_so(tmp_path: Any) -> None:
    done = CliRunner().invoke(app, ["segment", "--home", str(tmp_path)])
    assert done.exit_code == 1
    assert "run `oversight compute` first" in done.output


def test_the_progress_bar_shows_on_a_terminal_after_a_while() -> None:
    import io

    from rich.console import Console

    from oversight.judge.segment_command import _LateBar

    def terminal() -> Console:
        return Console(file=io.StringIO(), force_terminal=True)

    piped = _LateBar(Console(file=io.StringIO()), after=0)
    piped("segmenting", 0, 0)
    assert piped.bar is None
    quick = _LateBar(terminal(), after=3600)
    quick("segmenting", 0, 0)
    assert quick.bar is None
    quick.close()
    slow = _LateBar(terminal(), after=0)
    slow("what would move QHM", 1, 42)
    assert slow.bar is not None
    (task,) = slow.bar.tasks
    assert (task.description, task.completed, task.total) == ("what would move QHM", 1, 42)
    slow.close()
    assert not slow.bar.live.is_started
