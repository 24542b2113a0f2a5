"""The readable output of `oversight segment`, on small quarters written out in full."""

from __future__ import annotations

from tests.judge.segmentation.segmentation_fixtures import column, metrics, quarter, rule_set

from oversight.judge.segmentation import OrgSegment, segment
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
    assert all(s in text for s in confirmed["B"].reasons)
    assert all(m.sentence in text for m in confirmed["B"].moves)
    assert "provisional" not in text
    unconfirmed = {r.org: r for r in _results(unconfirmed_cut=True)}
    assert "(provisional: unconfirmed numbers decided it" in detail(unconfirmed["B"])[0]


def test_render_heads_with_the_rules_quarter_and_count() -> None:
    text = render(_results(unconfirmed_cut=True))
    assert text.splitlines()[0] == (
        "test-rules v1, 2025-Q3: 5 ICBs, 4 provisional (an unconfirmed number decided the segment)"
    )
    assert "E: segment not segmented" in text
    assert render([]) == "No organisation to segment."
