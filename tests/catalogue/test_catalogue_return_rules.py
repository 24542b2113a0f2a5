"""Catalogue rules on how an aggregate return adds up: a mean's count (`per`) is a numeric
column of the return, and a figure that cannot be added up (`provider_only`) comes from a
provider-level return."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oversight.catalogue.compile import compile_catalogue

from .conftest import CatalogueCopy


def _errors(copy: CatalogueCopy) -> list[str]:
    _, problems = compile_catalogue(copy.root)
    return [f"{p.file}:{p.entry}: {p.reason}" for p in problems if p.severity == "error"]


def _first_return(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda entry: entry["returns"][0].__setitem__(field, value)


def test_the_shipped_ambulance_returns_pass(catalogue_copy: CatalogueCopy) -> None:
    assert _errors(catalogue_copy) == []


def test_a_mean_whose_count_is_not_a_numeric_column_is_refused(
    catalogue_copy: CatalogueCopy,
) -> None:
    catalogue_copy.edit(
        "data_items.yaml", "ambulance_c2_response_mean", _first_return("per", "provider_name")
    )
    assert any(
        "ambulance_c2_response_mean" in e and "no numeric column 'provider_name'" in e
        for e in _errors(catalogue_copy)
    )


def test_provider_only_on_an_icb_level_return_is_refused(catalogue_copy: CatalogueCopy) -> None:
    catalogue_copy.edit("data_items.yaml", "cancer_treated", _first_return("provider_only", True))
    assert any(
        "cancer_treated" in e and "provider_only but not provider_month" in e
        for e in _errors(catalogue_copy)
    )
