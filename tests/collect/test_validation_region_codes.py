"""A region submitting for its ICBs: which ICBs are its own follows their dated membership."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tests.collect.validation_catalogue import ae_row, found, make_catalogue, validate, write_rows

from oversight.collect.validation.codes import build_code_sets
from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import build_spec

START = dt.date(2022, 7, 1)


def _membership(region: str, start: dt.date, end: dt.date | None = None) -> SimpleNamespace:
    return SimpleNamespace(region_code=region, valid_from=start, valid_to=end)


def _catalogue() -> Any:
    base = make_catalogue()
    icbs = {
        # no dated memberships: its region_code decides
        "QMJ": base.icbs["QMJ"],
        # moved from Y63 to Y56 on 2024-04-01
        "QWE": SimpleNamespace(
            code="QWE",
            region_code="Y56",
            valid_from=START,
            valid_to=None,
            memberships=(
                _membership("Y63", START, dt.date(2024, 3, 31)),
                _membership("Y56", dt.date(2024, 4, 1)),
            ),
        ),
        # its memberships say Y63 throughout, whatever its (stale) region_code says
        "QOQ": SimpleNamespace(
            code="QOQ",
            region_code="Y56",
            valid_from=START,
            valid_to=None,
            memberships=(_membership("Y63", START),),
        ),
    }
    return SimpleNamespace(**{**vars(base), "icbs": icbs})


def _ae(n: int, icb: str, month: str) -> dict[str, str]:
    day = f"{month}-03"
    provider = "QWE-A1" if icb == "QWE" else "QMJ-A1"
    return ae_row(
        n,
        icb_code=icb,
        provider_code=provider,
        period=f"{month}-01",
        arrival_time=f"{day} 10:00:00",
        departure_time=f"{day} 13:30:00",
    )


@pytest.mark.parametrize(
    ("month", "mismatched"),
    [
        ("2024-06", ["QOQ"]),  # QWE is in Y56 by June 2024
        ("2024-03", ["QWE", "QOQ"]),  # in March 2024 QWE was still in Y63
    ],
)
def test_a_region_owns_the_icbs_that_are_its_members_in_the_month(
    tmp_path: Path, month: str, mismatched: list[str]
) -> None:
    rows = [_ae(1, "QMJ", month), _ae(2, "QWE", month), _ae(3, "QOQ", month)]
    report, _ = validate(
        write_rows(tmp_path / "ae.csv", rows), org="Y56", period=month, catalogue=_catalogue()
    )
    assert [v for _, _, v in found(report, "codes.org_mismatch")] == mismatched


def test_code_sets_cannot_be_changed_once_resolved() -> None:
    spec = build_spec(make_catalogue(), "ae_attendances", "2024-06")
    sets = build_code_sets(IssueSink("f.csv"), make_catalogue(), spec, "QMJ")
    with pytest.raises(dataclasses.FrozenInstanceError):
        sets.own = {}  # type: ignore[misc]
