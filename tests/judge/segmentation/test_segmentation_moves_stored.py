""""What would move you" stored in the judgements artefact for the quarter the portal shows,
and its words (judge.segmentation.text.move_sentences), one definition for the CLI and pages."""

from __future__ import annotations

from dataclasses import replace

from tests.judge.segmentation.segmentation_fixtures import column, metrics, quarter, rule_set

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge.segmentation import OrgSegment, artefact, segment
from oversight.judge.segmentation.moves import what_would_move
from oversight.judge.segmentation.text import detail, move_sentences
from oversight.period import Period

BEST = "Segment 1 is the best segment: there is none above it to move up to."


def test_only_the_newest_quarter_in_force_holds_the_moves(demo_home: Home) -> None:
    """The demo's quarters (2023-Q2 to 2024-Q1) are all under NoF 2022/23: its 2024-Q1 file
    holds the searched moves, and no other file does (nof-2025/2026 are in force for none)."""
    where = artefact.current(demo_home)
    assert where is not None
    searched = [
        (rules, str(q))
        for rules in ("nof-2022", "nof-2025", "nof-2026")
        for q in artefact.quarters(where, rules)
        if (s := artefact.read(where, rules, q)) is not None and s.moves_searched
    ]
    assert searched == [("nof-2022", "2024-Q1")]
    stored = artefact.read(where, "nof-2022", Period.parse_quarter("2024-Q1"))
    assert stored is not None and stored.data["moves"] is True
    results = stored.results()
    assert any(r.moves for r in results)
    rule_set_, inputs, cat = stored.rule_set(), stored.inputs(), load()
    for r in results:
        # the stored moves are the search's, facts and sentences alike
        assert r.moves == what_would_move(rule_set_, cat.metrics, inputs, replace(r, moves=()))
    assert any("Proposal 2 (from 3) if the flag on" in s for r in results
               for s in move_sentences(r))
    old = artefact.read(where, "nof-2022", Period.parse_quarter("2023-Q4"))
    assert old is not None and not old.moves_searched
    assert all(r.moves == () for r in old.results())


def test_shown_quarter_is_the_newest_complete_quarter_in_force() -> None:
    cat = load()
    quarters = [Period.parse_quarter(q) for q in ("2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3")]
    assert str(artefact.shown_quarter(cat.rule_sets["nof-2022"], quarters)) == "2025-Q1"
    assert str(artefact.shown_quarter(cat.rule_sets["nof-2025"], quarters)) == "2025-Q3"
    assert artefact.shown_quarter(cat.rule_sets["nof-2026"], quarters) is None


def _scored() -> dict[str, OrgSegment]:
    values = column("ae_4hr", {"A": 90.0, "B": 80.0, "C": 70.0, "D": 60.0})
    return {r.org: r for r in segment(rule_set([{"metric": "ae_4hr"}]), metrics(),
                                      quarter(values))}


def test_the_best_segment_says_there_is_none_above_it() -> None:
    results = _scored()
    best = results["A"]
    assert best.segment == 1
    said = move_sentences(best)
    assert said[0] == BEST
    assert said[1:] == [m.sentence for m in best.moves]
    assert any("segment 2" in s for s in said[1:])  # what would move it down is still said
    assert BEST in "\n".join(detail(best))
    second = results["B"]
    assert BEST not in move_sentences(second)
    assert any(s.startswith("To reach segment 1:") for s in move_sentences(second))


def test_no_move_found_says_so() -> None:
    (one,) = segment(rule_set([{"metric": "ae_4hr"}]), metrics(),
                     quarter(column("ae_4hr", {"A": None})))
    assert one.segment is None and one.moves == ()
    assert move_sentences(one) == ["Nothing computed would move it."]
