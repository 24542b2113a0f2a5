"""'Highlight my ICS': by name or code, by local authority code (IMD 2019 LSOA lookup) and by
postcode district (ODS trust postcodes), read from the real files in shared/data/real."""

from __future__ import annotations

from pathlib import Path

import pytest

from oversight.catalogue import load
from oversight.publish.areas import AreaLookup, district_of, find
from oversight.publish.areas import load as load_areas

REAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "real"
REAL = REAL if REAL.exists() else Path("/work/shared/data/real")


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    return {c: i.name for c, i in load().icbs.items()}


@pytest.fixture(scope="module")
def lookup() -> AreaLookup:
    if not (REAL / "imd2019_lsoa11_with_health_geography.csv").exists():
        pytest.skip("the real-data folder is not beside the project")
    merged = tuple((c, tuple(m.predecessor_codes)) for c, m in load().merged_icbs.items())
    return load_areas(REAL, merged)


def test_by_code_and_by_part_of_a_name(names: dict[str, str], lookup: AreaLookup) -> None:
    assert find("qmj", names, lookup).codes == ("QMJ",)  # type: ignore[union-attr]
    found = find("Cornwall", names, lookup)
    assert found is not None and found.codes == ("QT6",)
    assert find("no such place", names, lookup) is None


def test_by_local_authority_code(names: dict[str, str], lookup: AreaLookup) -> None:
    # City of London (E09000001) is in North East London ICB (QMF) in the LSOA lookup
    found = find("E09000001", names, lookup)
    assert found is not None and found.codes == ("QMF",)
    assert "Local authority E09000001 is in" in found.how


def test_by_postcode_district_where_a_trust_places_it(
    names: dict[str, str], lookup: AreaLookup
) -> None:
    assert lookup.has_postcodes
    district, codes = next(
        (d, c) for d, c in sorted(lookup.district_to_icbs.items()) if len(c) == 1
        and next(iter(c)) in names
    )
    found = find(district, names, lookup)
    assert found is not None and found.codes == tuple(sorted(codes))
    assert found.how.startswith(f"Postcode district {district} is in")
    assert find(f"{district} 1AA", names, lookup) == found  # a full postcode works too


def test_district_of_a_postcode() -> None:
    assert district_of("nw1 0pe") == "NW1"
    assert district_of("SW1A1AA") == "SW1A"
    assert district_of("NW1") == "NW1"


def test_without_lookup_files_only_names_work(names: dict[str, str], tmp_path: Path) -> None:
    empty = load_areas(tmp_path)
    assert not empty.has_local_authorities and not empty.has_postcodes
    assert find("E09000001", names, empty) is None
    assert find("Cornwall", names, empty) is not None
