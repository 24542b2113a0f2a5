"""Jinja2 environment, with the number formats judgement sentences use (one definition, in
`oversight.judge.formats`, so a page and its sentences never write a figure differently)."""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from oversight.judge.formats import format_month, format_value

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "format_month", "format_value", "make_templates"]


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.filters["value"] = format_value
    templates.env.filters["month"] = format_month
    templates.env.globals["published_manifest"] = _published_manifest
    return templates


def _published_manifest(request: object) -> object:
    """The home's published-data manifest (None: synthetic data), for the page footer."""
    from oversight.publish.web.views.published import published_manifest

    return published_manifest(request)  # type: ignore[arg-type]
