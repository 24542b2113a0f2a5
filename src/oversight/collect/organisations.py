"""Organisation codes entering the system (API, CLI, tokens): one code, known to the catalogue,
of a kind the collection is sent by, and in existence during the period.

Every code that reaches the lake or a token passes here first, so a code is never a path, a
list, or a name nobody knows, and an ICB that has merged says where its data now goes.
Reads the catalogue by attribute (regions, icbs, merged_icbs, providers, collections), so
small test catalogues work as well as the real one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from oversight.period import MonthLike, Period

if TYPE_CHECKING:
    from oversight.catalogue import ICB, Catalogue, Provider, Region

MAX_CODE_LENGTH = 16
_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_SHOWN = 40


class OrganisationError(ValueError):
    """An organisation code that may not be used; the message is for the person who sent it."""


@dataclass(frozen=True)
class Organisation:
    code: str
    kind: str  # "icb", "region" or "provider"
    entry: Region | ICB | Provider


def overlaps(entry: object, start: dt.date, end: dt.date) -> bool:
    """An organisation with valid_from/valid_to (inclusive) exists on some day of the month;
    an entry without them (a region) always exists."""
    valid_from = getattr(entry, "valid_from", None)
    valid_to = getattr(entry, "valid_to", None)
    return (valid_from is None or valid_from <= end) and (valid_to is None or valid_to >= start)


def shown(value: object) -> str:
    """A value quoted for a message, cut short so a huge one is not echoed back."""
    text = repr(value)
    return text if len(text) <= _SHOWN else f"{text[:_SHOWN]}...' ({len(str(value)):,} characters)"


def find(catalogue: Catalogue, code: object) -> Organisation:
    """The catalogue's organisation with this code; OrganisationError if it is not one code
    of plain letters, digits and hyphens, or the catalogue does not know it."""
    if code is None or code == "":
        raise OrganisationError("org is required: the code of the organisation, e.g. QMJ")
    if not isinstance(code, str):
        raise OrganisationError(
            f"org must be one organisation code such as QMJ, not a {type(code).__name__}"
        )
    if len(code) > MAX_CODE_LENGTH or not _SHAPE.fullmatch(code):
        raise OrganisationError(
            f"org {shown(code)} is not an organisation code (letters, digits and hyphens, "
            f"at most {MAX_CODE_LENGTH} characters, e.g. QMJ)"
        )
    tables = (
        ("region", getattr(catalogue, "regions", {})),
        ("icb", getattr(catalogue, "icbs", {})),
        ("icb", getattr(catalogue, "merged_icbs", {})),
        ("provider", getattr(catalogue, "providers", {})),
    )
    for kind, table in tables:
        if code in table:
            return Organisation(code, kind, table[code])
    raise OrganisationError(
        f"unknown organisation {shown(code)}: not an ICB, region or provider in the catalogue"
    )


def check_submission_org(
    catalogue: Catalogue, code: object, collection: str, period: MonthLike
) -> str:
    """The code, when it may send `collection` for the month `period` (a month Period, a day
    in it, or its text), else OrganisationError saying why."""
    org = find(catalogue, code)
    submitter = getattr(catalogue.collections[collection], "submitter", None)
    if org.kind == "provider" and submitter != "provider":
        raise OrganisationError(
            f"{org.code} is a provider; collection {collection} is sent per ICB or region"
        )
    month = Period.month_of(period)
    if not overlaps(org.entry, month.start, month.end):
        raise OrganisationError(_not_in_period(catalogue, org, month.start))
    return org.code


def check_token_org(catalogue: Catalogue, code: object, today: dt.date) -> str | None:
    """Refuses a code the catalogue does not know (OrganisationError); a warning when the
    organisation no longer exists `today` (its token can still send earlier periods)."""
    org = find(catalogue, code)
    valid_to = getattr(org.entry, "valid_to", None)
    if valid_to is None or valid_to >= today:
        return None
    after = valid_to + dt.timedelta(days=1)
    successors = _successors(catalogue, org)
    fate = _fate(org.code, successors, after)
    later = f"issue one for {_either(successors)} for later periods" if successors else ""
    return f"{fate}; a token for {org.code} can submit only periods before {after:%Y-%m}" + (
        f"; {later}" if later else ""
    )


def _not_in_period(catalogue: Catalogue, org: Organisation, start: dt.date) -> str:
    valid_from = getattr(org.entry, "valid_from", None)
    valid_to = getattr(org.entry, "valid_to", None)
    if valid_to is not None and valid_to < start:
        successors = _successors(catalogue, org)
        fate = _fate(org.code, successors, valid_to + dt.timedelta(days=1))
        return f"{fate}; submit for {_either(successors)}" if successors else fate
    predecessors = tuple(getattr(org.entry, "predecessor_codes", ()) or ())
    formed = f"it was formed on {valid_from:%Y-%m-%d}" if valid_from else "it did not exist yet"
    if predecessors:
        return (
            f"{org.code} did not exist in {start:%Y-%m} ({formed} from "
            f"{_joined(predecessors, 'and')}); submit for {_either(predecessors)}"
        )
    return f"{org.code} did not exist in {start:%Y-%m} ({formed})"


def _successors(catalogue: Catalogue, org: Organisation) -> tuple[str, ...]:
    """The ICB(s) that took over a retired ICB: its successor, or those formed from it."""
    named = getattr(org.entry, "successor_code", None)
    if named:
        return (named,)
    merged = getattr(catalogue, "merged_icbs", {})
    return tuple(
        code
        for code, icb in merged.items()
        if org.code in (getattr(icb, "predecessor_codes", ()) or ())
    )


def _fate(code: str, successors: tuple[str, ...], on: dt.date) -> str:
    if len(successors) == 1:
        return f"{code} merged into {successors[0]} on {on:%Y-%m-%d}"
    if successors:
        return f"{code} was split between {_joined(successors, 'and')} on {on:%Y-%m-%d}"
    return f"{code} closed on {on:%Y-%m-%d}"


def _joined(codes: tuple[str, ...], word: str) -> str:
    return codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} {word} {codes[-1]}"


def _either(codes: tuple[str, ...]) -> str:
    return _joined(codes, "or")
