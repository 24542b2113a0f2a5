"""Find an ICS from what a person knows: its name, a local authority code, or a postcode
district, for "highlight my ICS".

Local authorities come from the IMD 2019 LSOA lookup (LSOA → local authority district →
2022 ICB); postcode districts from the ODS trust lookup (each NHS trust's postcode → its ICB),
so a district maps only where a trust is based in it and every trust there is in one ICS.
Neither file ships with the code (real NHS data stays outside the repository): they are read
from the area lookup folder (oversight.config.area_lookup_dir); without them only names work,
and the page says so.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LSOA_FILE = "imd2019_lsoa11_with_health_geography.csv"
TRUST_FILE = "lookup_trust_icb_region_ods.csv"
LA_CODE = re.compile(r"^E0[6-9]\d{6}$")
DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")


@dataclass(frozen=True)
class Found:
    """What a search found: the ICB codes to highlight and how they were found."""

    codes: tuple[str, ...]
    how: str
    """E.g. "Local authority E08000012 is in NHS Cheshire and Merseyside ICB"."""


@dataclass(frozen=True)
class AreaLookup:
    la_to_icbs: Mapping[str, frozenset[str]]
    district_to_icbs: Mapping[str, frozenset[str]]

    @property
    def has_local_authorities(self) -> bool:
        return bool(self.la_to_icbs)

    @property
    def has_postcodes(self) -> bool:
        return bool(self.district_to_icbs)


def _rows(path: Path) -> Iterable[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def district_of(postcode: str) -> str:
    """The outward code of a postcode ("NW1 0PE" → "NW1"); a district as given stays as is."""
    text = postcode.strip().upper()
    if " " in text:
        return text.split()[0]
    return text[:-3] if len(text) > 4 and re.match(r".*\d[A-Z]{2}$", text) else text


@lru_cache(maxsize=4)
def load(folder: Path, successors: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> AreaLookup:
    """The lookups in `folder` (missing files: empty lookups). `successors`: merged ICB code →
    the ICB codes it replaced, so a trust recorded under a 2026 ICB maps to its predecessors."""
    merged = dict(successors)
    la: dict[str, set[str]] = {}
    lsoa = folder / LSOA_FILE
    if lsoa.exists():
        for row in _rows(lsoa):
            if row.get("lad21cd") and row.get("icb22cdh"):
                la.setdefault(row["lad21cd"], set()).add(row["icb22cdh"])
    districts: dict[str, set[str]] = {}
    trusts = folder / TRUST_FILE
    if trusts.exists():
        for row in _rows(trusts):
            code, postcode = row.get("icb_code", ""), row.get("postcode", "")
            if not code or not postcode or row.get("close_date"):
                continue
            districts.setdefault(district_of(postcode), set()).update(merged.get(code, (code,)))
    return AreaLookup({k: frozenset(v) for k, v in la.items()},
                      {k: frozenset(v) for k, v in districts.items()})


def find(text: str, names: Mapping[str, str], lookup: AreaLookup) -> Found | None:
    """The ICBs `text` names: an ICB code or (part of) its name, a local authority code, or a
    postcode district or full postcode. `names`: the ICBs shown, code → name."""
    query = text.strip()
    if not query:
        return None
    upper = query.upper()
    if upper in names:
        return Found((upper,), f"{names[upper]} ({upper})")
    if LA_CODE.match(upper):
        codes = sorted(c for c in lookup.la_to_icbs.get(upper, ()) if c in names)
        if codes:
            return Found(tuple(codes), f"Local authority {upper} is in "
                         + " and ".join(names[c] for c in codes))
        return None
    district = district_of(upper)
    if DISTRICT.match(district) and district in lookup.district_to_icbs:
        codes = sorted(c for c in lookup.district_to_icbs[district] if c in names)
        if codes:
            return Found(tuple(codes), f"Postcode district {district} is in "
                         + " and ".join(names[c] for c in codes)
                         + " (from the NHS trusts based there)")
    words = query.lower()
    matches = sorted(c for c, n in names.items() if words in n.lower())
    if matches:
        return Found(tuple(matches), "ICBs whose name contains " + repr(query))
    return None
