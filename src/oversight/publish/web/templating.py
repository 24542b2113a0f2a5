"""Jinja2 environment, with the number formats judgement sentences use (one definition, in
`oversight.judge.formats`, so a page and its sentences never write a figure differently), the
site-wide context every page gets, and NHS.UK frontend's logo inlined in the header."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from oversight.judge.formats import format_month, format_value
from oversight.publish.icons import assurance_icon, icon_symbols, variation_icon
from oversight.publish.signals import describe_point, signal_words
from oversight.publish.web.site import site_context

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
LOGO = STATIC_DIR / "nhsuk" / "nhsuk-logo.svg"
"""Taken from nhsuk-frontend's header template by scripts/build-assets.mjs."""

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "format_month", "format_value", "make_templates"]


@lru_cache(maxsize=1)
def nhs_logo() -> Markup:
    """The NHS logo as inline SVG (so it takes the header's colour); empty if not built."""
    return Markup(LOGO.read_text()) if LOGO.exists() else Markup("")


def format_date(value: object) -> str:
    """A day as people write it: 14 March 2026."""
    if value is None:
        return "–"
    day = getattr(value, "day", None)
    return f"{day} {value:%B %Y}" if day is not None else str(value)


def short_name(name: str) -> str:
    """An ICB's name as a table shows it: "NHS Devon Integrated Care Board" → "Devon"."""
    return name.removeprefix("NHS ").removesuffix(" Integrated Care Board")


COMPARISON_WORDS = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than",
                    "==": "exactly"}


def comparison_words(comparison: str) -> str:
    """A target's comparison in words: ">=" → "at least"."""
    return COMPARISON_WORDS.get(comparison, comparison)


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR), context_processors=[site_context])
    templates.env.filters["value"] = format_value
    templates.env.filters["month"] = format_month
    templates.env.filters["day"] = format_date
    templates.env.filters["short_name"] = short_name
    templates.env.filters["comparison"] = comparison_words
    templates.env.globals["nhs_logo"] = nhs_logo
    templates.env.globals["variation_icon"] = variation_icon
    templates.env.globals["assurance_icon"] = assurance_icon
    templates.env.globals["icon_symbols"] = icon_symbols
    templates.env.filters["signal"] = signal_words
    templates.env.globals["describe_point"] = describe_point
    templates.env.globals["published_manifest"] = _published_manifest
    templates.env.globals["cqc_assessment"] = _cqc_assessment
    return templates


def _published_manifest(request: object) -> object:
    """The home's published-data manifest (None: synthetic data), for the page footer."""
    from oversight.publish.web.views.published import published_manifest

    return published_manifest(request)  # type: ignore[arg-type]


def _cqc_assessment(request: object, code: str) -> object:
    """The ICS's latest published CQC assessment (None without one), for partials/assessment."""
    from oversight.publish.web.views.assessment_panel import published_assessment

    return published_assessment(request.app.state.home, code)  # type: ignore[attr-defined]
