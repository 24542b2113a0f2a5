"""Making Data Count's variation and assurance icons as small inline SVGs with words.

Each icon is a coloured ring with a letter and a text alternative, so it carries its meaning
without colour (the letter, and the words for screen readers): variation H/L for special cause
high or low (blue improvement, orange concern, purple neither), a grey dash for common cause;
assurance P (target consistently met), F (consistently missed), ? (hit and miss). The drawings
are defined once per page as symbols (`icon_symbols`) and each icon refers to one, so a table
of 300 icons stays small.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from oversight.publish.signals import COLOURS, Meaning

_TEXT_ON_WHITE = {
    # letters on white need 4.5:1 contrast; the orange ring is the colour cue, the letter darker
    Meaning.IMPROVEMENT: "#005eb8",
    Meaning.CONCERN: "#8a4a00",
    Meaning.NEUTRAL: "#330072",
    Meaning.COMMON: "#425563",
    Meaning.NONE: "#425563",
}

VARIATION = {
    # judge.outcomes.Variation value → (meaning, label)
    "improvement": (Meaning.IMPROVEMENT, "special cause: improvement"),
    "concern": (Meaning.CONCERN, "special cause: concern"),
    "higher": (Meaning.NEUTRAL, "special cause: higher (neither direction is better)"),
    "lower": (Meaning.NEUTRAL, "special cause: lower (neither direction is better)"),
    "common cause": (Meaning.COMMON, "common cause variation"),
}
ASSURANCE = {
    # judge.outcomes.Assurance value → (meaning, letter, label)
    "pass": (Meaning.IMPROVEMENT, "P", "assurance: the target will consistently be met"),
    "fail": (Meaning.CONCERN, "F", "assurance: the target will consistently be missed"),
    "hit and miss": (Meaning.COMMON, "?",
                     "assurance: hit and miss, the target may or may not be met"),
}
SYMBOLS = (
    *((m, letter) for m in (Meaning.IMPROVEMENT, Meaning.CONCERN, Meaning.NEUTRAL)
      for letter in ("H", "L")),
    (Meaning.COMMON, "–"),
    (Meaning.IMPROVEMENT, "P"), (Meaning.CONCERN, "F"), (Meaning.COMMON, "?"),
)
_LETTER_ID = {"H": "h", "L": "l", "–": "dash", "P": "p", "F": "f", "?": "q"}


def _symbol_id(what: Meaning, letter: str) -> str:
    return f"app-icon-{what.value.replace(' ', '-')}-{_LETTER_ID[letter]}"


@lru_cache(maxsize=1)
def icon_symbols() -> Markup:
    """Every icon drawing, once, in a hidden SVG (placed at the top of each page)."""
    parts = []
    for what, letter in SYMBOLS:
        parts.append(
            f'<symbol id="{_symbol_id(what, letter)}" viewBox="0 0 28 28">'
            f'<circle cx="14" cy="14" r="12.5" fill="#ffffff" stroke="{COLOURS[what]}" '
            'stroke-width="3"/><text x="14" y="19" text-anchor="middle" '
            'font-family="Arial, Helvetica, sans-serif" font-size="14" font-weight="700" '
            f'fill="{_TEXT_ON_WHITE[what]}">{escape(letter)}</text></symbol>'
        )
    return Markup('<svg xmlns="http://www.w3.org/2000/svg" style="display:none" '
                  'aria-hidden="true" focusable="false">' + "".join(parts) + "</svg>")


def _svg(kind: str, what: Meaning, letter: str, label: str) -> Markup:
    return Markup(
        f'<svg class="app-icon" viewBox="0 0 28 28" width="28" height="28" role="img" '
        f'aria-label="{escape(label)}" focusable="false" data-icon="{kind}" '
        f'data-meaning="{what.value.replace(" ", "-")}" data-letter="{escape(letter)}">'
        f'<title>{escape(label)}</title><use href="#{_symbol_id(what, letter)}"/></svg>'
    )


@lru_cache(maxsize=64)
def variation_icon(
    variation: str | None, improvement: str = "increase", high: bool | None = None
) -> Markup:
    """The variation icon for a judge's variation outcome; empty for no data. `high` says
    which side a signal is on (H or L); when not known it is taken from the metric's better
    direction (improvement on an "increase" metric is high)."""
    if variation is None or variation not in VARIATION:
        return Markup("")
    what, label = VARIATION[variation]
    if what is Meaning.COMMON:
        return _svg("variation", what, "–", label)
    if high is None:
        up = improvement != "decrease"
        high = {"improvement": up, "concern": not up, "higher": True, "lower": False}[variation]
    return _svg("variation", what, "H" if high else "L", label)


@lru_cache(maxsize=16)
def assurance_icon(assurance: str | None) -> Markup:
    """The assurance icon for a judge's assurance outcome; empty when there is no target."""
    if assurance is None or assurance not in ASSURANCE:
        return Markup("")
    what, letter, label = ASSURANCE[assurance]
    return _svg("assurance", what, letter, label)
