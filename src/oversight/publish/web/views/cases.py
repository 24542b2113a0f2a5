"""The public view of escalation cases: each organisation's cases as anyone may see them.

The data is `judge.escalation.public.public_cases` (state, public summary, triggers, actions,
exit criteria and their latest evaluation); who changed what and why stays with NHS England
roles (`oversight case show`).
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request


async def org_cases(request: Request, code: str) -> dict[str, Any]:
    """An organisation's cases, oldest first; 404 for a code the catalogue does not know."""
    from oversight.catalogue import load
    from oversight.collect.organisations import OrganisationError, find
    from oversight.judge.escalation.public import public_cases

    try:
        org = find(load(), code.strip().upper())
    except OrganisationError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc
    home = request.app.state.home
    return {"org": org.code, "cases": public_cases(home.database(), org.code)}
