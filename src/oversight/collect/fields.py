"""The fields of a submission (collection, organisation, period) checked before any data is
read, with messages for the person who sent them: no Python exception text, and a long or
odd value quoted only in part. Used by the HTTP API and `oversight submit`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from oversight.collect.organisations import OrganisationError, check_submission_org, shown
from oversight.period import Period, PeriodError

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue


class FieldError(ValueError):
    """A field that is missing, malformed or not allowed; the message says which and why."""


@dataclass(frozen=True)
class Fields:
    collection: str
    org: str
    period: str
    sent_by: str | None
    """Who the catalogue says sends the collection: icb, provider or nhse."""


def check_period(value: object) -> str:
    """'YYYY-MM' for a month (text, a day in it, or a month Period), else FieldError with the
    one period message ("period must look like 2024-06; got '2024-1e1'")."""
    try:
        return str(Period.month_of(value))  # type: ignore[arg-type]  # any value: refused
    except PeriodError as error:
        raise FieldError(str(error)) from error


def check_collection(catalogue: Catalogue, value: object) -> str:
    """The id of a catalogue collection that stores a dataset, else FieldError."""
    from oversight.collect.ingest import not_stored_message

    if not isinstance(value, str) or value not in catalogue.collections:
        raise FieldError(f"unknown collection {shown(value)}")
    if catalogue.collections[value].dataset is None:
        raise FieldError(not_stored_message(value))
    return value


def check_fields(catalogue: Catalogue, collection: object, org: object, period: object) -> Fields:
    """All three fields, in the order a person would fix them; FieldError for the first
    that is wrong (an organisation that merged names its successor)."""
    month = check_period(period)
    known = check_collection(catalogue, collection)
    try:
        code = check_submission_org(catalogue, org, known, month)
    except OrganisationError as error:
        raise FieldError(str(error)) from error
    return Fields(known, code, month, getattr(catalogue.collections[known], "submitter", None))
