"""The readable output of `oversight segment`, on small quarters written out in full."""

from __future__ import annotations

import dataclasses

from tests.judge.segmentation.segmentation_fixtures import column, metrics, quarter, rule_set

from oversight.judge.segmentation import OrgSegment, segment
from oversight.judge.segmentation.result import Move
from oversight.judge.segmentation.text import detail, render, summary

SCORED = [{"metric": "ae_4hr"}]


def _results(unconfirmed_cut: bool = False) -> tuple[OrgSegment, ...]:
    values = column("ae_4hr", {"A": 90.0, "B": 80.0, "C": 70.0, "D": 60.0, "E": None})
    rules = rule_set(SCORED, unconfirmed_cut=unconfirmed_cut)
    return segment(rules, metrics(), quarter(values))


def test_summary_lines_up_segment_average_rank_and_provisional() -> None:
    results = _results(unconfirmed_cut=True)
    lines = summary(results, {"A": "Alpha ICB"})
    assert lines[0].split() == ["Org", "Name", "Segment", "Average", "Rank"]
    assert lines[1].split() == ["A", "Alpha", "ICB", "1", "1.00", "1/4", "provisional"]
    assert lines[5].split() == ["E", "not", "segmented", "-", "-"]  # no cut decided it
    at = lines[0].index("Segment")
    assert [line[at] for line in lines[1:]] == ["1", "2", "3", "4", "n"]  # one column


def test_detail_has_reasons_and_moves_and_says_provisional_only_when_it_is() -> None:
    confirmed = {r.org: r for r in _results()}
    text = "\n".join(detail(confirmed["B"], "Bravo ICB"))
    assert text.startswith("B Bravo ICB: segment 2, average score 2.00, rank 2 of 4\n")
    flat = " ".join(text.split())  # lines are wrapped at 80 columns
    assert all(" ".join(s.split()) in flat for s in confirmed["B"].reasons)
    assert all(" ".join(m.sentence.split()) in flat for m in confirmed["B"].moves)
    assert "provisional" not in text
    unconfirmed = {r.org: r for r in _results(unconfirmed_cut=True)}
    head = " ".join(" ".join(detail(unconfirmed["B"])).split())
    assert "(provisional: unconfirmed numbers decided it" in head


def test_render_heads_with_the_rules_quarter_and_count() -> None:
    text = render(_results(unconfirmed_cut=True))
    head = text.split("\n\n")[0]
    assert " ".join(head.split()) == (
        "test-rules v1, 2025-Q3: 5 ICBs, 4 provisional (an unconfirmed number decided the segment)"
    )
    assert head.splitlines()[1].startswith("    ")  # wrapped at 80 columns, run-on indented
    assert "E: segment not segmented" in text
    assert render([]) == "No organisation to segment."


LONG = "NHS Bath and North East Somerset, Swindon and Wiltshire Integrated Care Board"


def test_every_line_fits_80_columns_as_oversight_judge_writes_them() -> None:
    results = _results(unconfirmed_cut=True)
    text = render(results, {"A": LONG, "B": "Bravo ICB"})
    assert max(len(line) for line in text.splitlines()) <= 80
    assert max(len(line) for line in text.splitlines() if "Segment" in line) <= 80
    # nothing is lost: each reason and move reads whole once the lines are joined again
    joined = " ".join(text.split())
    for r in results:
        assert all(" ".join(s.split()) in joined for s in r.reasons)
        assert all(" ".join(m.sentence.split()) in joined for m in r.moves)
    sentences = [s for r in results for s in (*r.reasons, *(m.sentence for m in r.moves))]
    assert any(len(s) > 80 for s in sentences)  # so some had to be wrapped


def test_a_long_name_runs_on_in_its_own_column() -> None:
    lines = summary(_results(), {"A": LONG})
    at = lines[0].index("Name")
    first, more = lines[1], lines[2]
    assert first.split()[:2] == ["A", "NHS"] and first.split()[-3:] == ["1", "1.00", "1/4"]
    assert more[:at].strip() == "" and more[at:].strip()  # the name goes on, nothing else
    assert " ".join(line[at:].split("  ")[0].strip() for line in lines[1:3]) in LONG
    assert lines[3].split()[0] == "B"  # the next organisation follows the name's last line
    assert max(map(len, lines)) <= 80


def test_a_hyphenated_word_at_the_end_of_a_line_is_carried_over_whole() -> None:
    first = "To reach segment 2: lower its bed days from 492.5 to at most 480 for"
    assert len(f"    - {first} out-") <= 80 < len(f"    - {first} out-of-")  # "out-" would fit
    sentence = f"{first} out-of-area placements."
    r = dataclasses.replace(_results()[1], moves=(Move(2, 2, sentence),))
    lines = detail(r)
    moved = lines[lines.index("  What would move it:") + 1 :]
    assert moved == [f"    - {first}", "      out-of-area placements."]
