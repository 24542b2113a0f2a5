"""`oversight segment`'s readable output: a summary table, then each organisation's reasons
and what would move it. Pure: results (and organisation names) in, text out.

Lines are at most 80 columns, as `oversight judge` writes them (judge.command.wrapped): a
terminal's width. Words and codes are never split, so only a single word longer than its
room could overrun."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

from oversight.judge.segmentation.result import OrgSegment

WIDTH = 80
#: The summary's Name column is never made narrower than this to fit the width.
NAME_MIN = 16


def _fill(text: str, indent: str = "", more: str = "    ") -> list[str]:
    """`text` as lines of at most WIDTH columns: the first indented by `indent`, the rest by
    `more`."""
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=more,
                         break_long_words=False, break_on_hyphens=False) or [indent.rstrip()]


def _segment(r: OrgSegment) -> str:
    return "not segmented" if r.segment is None else str(r.segment)


def _average(r: OrgSegment) -> str:
    return "-" if r.method != "scored" or r.average is None else f"{r.average:.2f}"


def _rank(r: OrgSegment) -> str:
    return "-" if r.rank is None else f"{r.rank}/{r.ranked_of}"


def summary(results: Sequence[OrgSegment], names: Mapping[str, str]) -> list[str]:
    """One line per organisation: segment, average score, rank, provisional or not. A name
    too long for the width runs on in its own column on the lines below."""
    rows = [("Org", "Name", "Segment", "Average", "Rank", "")]
    rows += [
        (
            r.org,
            names.get(r.org, ""),
            _segment(r),
            _average(r),
            _rank(r),
            "provisional" if r.provisional else "",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    others = sum(widths) - widths[1] + 2 * (len(widths) - 1)
    widths[1] = max(NAME_MIN, min(widths[1], WIDTH - others))
    lines = []
    for row in rows:
        name = textwrap.wrap(row[1], widths[1], break_long_words=False) or [""]
        for i, part in enumerate(name):
            cells = (row[0], part, *row[2:]) if i == 0 else ("", part, "", "", "", "")
            lines.append(
                "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
            )
    return lines


BEST = 1
"""The best segment: an organisation in it has nothing above it to move up to."""


def move_sentences(r: OrgSegment) -> list[str]:
    """"What would move it" in words, from the searched moves: the one definition, shown by
    `oversight segment` and the portal's ICS page alike. At the best segment it says first
    that there is none above it; with no move found, that nothing computed would move it."""
    out = [m.sentence for m in r.moves]
    if r.segment == BEST:
        out.insert(0, f"Segment {BEST} is the best segment: there is none above it to move up to.")
    return out or ["Nothing computed would move it."]


def detail(r: OrgSegment, name: str = "") -> list[str]:
    """One organisation: its head line, why it is in its segment, what would move it."""
    title = f"{r.org} {name}".strip()
    head = f"{title}: segment {_segment(r)}"
    if r.method == "scored":
        head += f", average score {_average(r)}"
    if r.rank is not None:
        head += f", rank {r.rank} of {r.ranked_of}"
    if r.provisional:
        head += " (provisional: unconfirmed numbers decided it, see the reasons)"
    lines = [*_fill(head), "  Why:"]
    for reason in r.reasons:
        lines += _fill(reason, "    - ", "      ")
    lines.append("  What would move it:")
    for move in move_sentences(r):
        lines += _fill(move, "    - ", "      ")
    return lines


def render(results: Sequence[OrgSegment], names: Mapping[str, str] | None = None) -> str:
    """The whole readable output for one quarter and rule set."""
    names = names or {}
    if not results:
        return "No organisation to segment."
    first = results[0]
    head = (
        f"{first.rules} v{first.rules_version}, {first.period}: "
        f"{len(results)} {first.org_type.upper()}{'s' if len(results) != 1 else ''}"
    )
    provisional = sum(1 for r in results if r.provisional)
    if provisional:
        head += f", {provisional} provisional (an unconfirmed number decided the segment)"
    lines = [*_fill(head), "", *summary(results, names)]
    for r in results:
        lines += ["", *detail(r, names.get(r.org, ""))]
    return "\n".join(lines)
