"""Organisations: NHS England regions, ICBs (with dated region membership) and providers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from oversight.catalogue.models.base import Entry, Verification

_REGION_ODS = re.compile(r"^Y5[6-9]$|^Y6[0-3]$")
_ICB_ODS = re.compile(r"^Q[A-Z0-9]{2}$|^[A-Z][0-9][A-Z][0-9][A-Z]$")
_ONS = re.compile(r"^E(40|54)[0-9]{6}$")
_PROVIDER = re.compile(r"^[A-Z0-9]{3,5}(-[A-Z0-9]{1,4})?$")


def _shape(pattern: re.Pattern[str], what: str):
    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not a valid {what}")
        return value

    return AfterValidator(check)


RegionCode = Annotated[str, _shape(_REGION_ODS, "NHS England region ODS code (Y56, Y58-Y63)")]
ICBCode = Annotated[str, _shape(_ICB_ODS, "ICB ODS code (3 characters like QMJ, or 5 like Z9B2Z)")]
ONSCode = Annotated[str, _shape(_ONS, "ONS code (E40…… for regions, E54…… for ICBs)")]
ProviderCode = Annotated[str, _shape(_PROVIDER, "provider code (ODS, or synthetic like QMJ-A1)")]

ProviderKind = Literal[
    "acute", "ambulance", "mental_health", "community", "primary_care", "independent"
]


class Region(Entry):
    """One of the 7 NHS England regions."""

    code: RegionCode
    ons_code: ONSCode
    name: str
    source: str = ""


class Membership(Entry):
    """An ICB's membership of a region over a span of dates (valid_to inclusive, None = open)."""

    region_code: RegionCode
    valid_from: dt.date
    valid_to: dt.date | None = None

    def covers(self, on: dt.date) -> bool:
        """True when the membership is in force on `on`."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class ICB(Entry):
    """An integrated care board; merged ICBs end (valid_to) and name a successor."""

    code: ICBCode
    ons_code: ONSCode | None = None
    ons_code_2022: ONSCode | None = None
    name: str
    region_code: RegionCode
    population: int = Field(ge=0)
    population_measure: str = ""
    valid_from: dt.date
    valid_to: dt.date | None = None
    memberships: tuple[Membership, ...] = ()
    successor_code: ICBCode | None = None
    predecessor_codes: tuple[ICBCode, ...] = ()
    verification: Verification = "corroborated"
    source: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _dates_in_order(self) -> ICB:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self

    def valid_on(self, on: dt.date) -> bool:
        """True when the ICB exists on `on`."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class Provider(Entry):
    """A provider of care attached to one ICB (ambulance services also record their region)."""

    code: ProviderCode
    name: str
    icb_code: ICBCode
    kind: ProviderKind
    region_code: RegionCode | None = None
    valid_from: dt.date
    valid_to: dt.date | None = None
    synthetic: bool = False
