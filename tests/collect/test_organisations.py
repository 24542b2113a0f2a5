"""Organisation codes entering the system are checked against the catalogue on the period's
dates: shape, existence, kind for the collection, and mergers (naming the successor)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from oversight.catalogue import Catalogue, load
from oversight.collect.organisations import (
    OrganisationError,
    check_submission_org,
    check_token_org,
)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load()


@pytest.mark.parametrize(
    ("org", "message"),
    [
        ("../../../../x", "not an organisation code"),
        ("/tmp/x", "not an organisation code"),
        ("None", "unknown organisation 'None'"),
        (None, "org is required"),
        ("", "org is required"),
        (["QE1"], "one organisation code"),
        ({"code": "QMJ"}, "one organisation code"),
        (42, "one organisation code"),
        ("Q" * 10_000, "not an organisation code"),
        ("NOSUCH", "unknown organisation 'NOSUCH'"),
        ("qmj", "unknown organisation 'qmj'"),
        ("QMJ\x00", "not an organisation code"),
        ("QMJ\n", "not an organisation code"),
    ],
)
def test_malformed_or_unknown_codes_are_refused_plainly(catalogue, org, message) -> None:
    with pytest.raises(OrganisationError, match=message) as caught:
        check_submission_org(catalogue, org, "community_ucr_return", "2024-06")
    assert len(str(caught.value)) < 200  # a 10,000-character code is not echoed back


def test_icbs_regions_and_providers_in_their_collections_are_accepted(catalogue) -> None:
    assert check_submission_org(catalogue, "QMJ", "community_ucr_return", "2024-06") == "QMJ"
    assert check_submission_org(catalogue, "Y56", "community_ucr_return", "2024-06") == "Y56"
    assert check_submission_org(catalogue, "QMJ-A1", "ecds", "2024-06") == "QMJ-A1"
    assert check_submission_org(catalogue, "Z9B2Z", "community_ucr_return", "2026-04") == "Z9B2Z"


def test_a_provider_cannot_submit_a_return_made_per_icb(catalogue) -> None:
    with pytest.raises(OrganisationError, match="QMJ-A1 is a provider"):
        check_submission_org(catalogue, "QMJ-A1", "community_ucr_return", "2024-06")


def test_a_merged_icb_names_its_successor(catalogue) -> None:
    with pytest.raises(OrganisationError) as caught:
        check_submission_org(catalogue, "QMJ", "community_ucr_return", "2026-04")
    assert str(caught.value) == "QMJ merged into Z9B2Z on 2026-04-01; submit for Z9B2Z"
    # the month before the merger is still QMJ's own
    assert check_submission_org(catalogue, "QMJ", "community_ucr_return", "2026-03") == "QMJ"


def test_an_icb_before_it_was_formed_names_its_predecessors(catalogue) -> None:
    with pytest.raises(OrganisationError) as caught:
        check_submission_org(catalogue, "Z9B2Z", "community_ucr_return", "2024-06")
    assert str(caught.value) == (
        "Z9B2Z did not exist in 2024-06 (it was formed on 2026-04-01 from QMJ and QRV); "
        "submit for QMJ or QRV"
    )


def test_a_token_for_a_merged_icb_warns_and_an_unknown_one_is_refused(catalogue) -> None:
    after = dt.date(2026, 5, 1)
    assert check_token_org(catalogue, "QMJ", after) == (
        "QMJ merged into Z9B2Z on 2026-04-01; a token for QMJ can submit only periods "
        "before 2026-04; issue one for Z9B2Z for later periods"
    )
    assert check_token_org(catalogue, "QMJ", dt.date(2025, 1, 1)) is None
    assert check_token_org(catalogue, "QMF", after) is None
    for bad in ("NOSUCH", "../x", ""):
        with pytest.raises(OrganisationError):
            check_token_org(catalogue, bad, after)


def test_a_split_icb_names_every_successor(catalogue) -> None:
    with pytest.raises(OrganisationError) as caught:
        check_submission_org(catalogue, "QM7", "community_ucr_return", "2026-04")
    assert str(caught.value) == (
        "QM7 was split between D7T5G and S1Y5D on 2026-04-01; submit for D7T5G or S1Y5D"
    )


def test_an_icb_that_closed_without_successor_says_so(catalogue: Catalogue) -> None:
    gone = catalogue.icbs["QMJ"].model_copy(
        update={"code": "QOQ", "valid_to": dt.date(2024, 3, 31), "successor_code": None}
    )
    small = dataclasses.replace(catalogue, icbs={"QOQ": gone}, merged_icbs={})
    with pytest.raises(OrganisationError, match=r"^QOQ closed on 2024-04-01$"):
        check_submission_org(small, "QOQ", "community_ucr_return", "2024-06")
    assert check_token_org(small, "QOQ", dt.date(2025, 1, 1)) == (
        "QOQ closed on 2024-04-01; a token for QOQ can submit only periods before 2024-04"
    )
