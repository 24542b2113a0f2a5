"""NHS England's published statistics in a folder -> returns stored in a home.

The folder is laid out as /work/shared/data/real: the long files and lookups at the top,
the monthly A&E CSVs as published under `published/ae_monthly/`. Each source becomes the rows
of its return dataset (`returns.py`) and is stored through the submission path (`submit.py`).
`SOURCES` says, for the portal and the docs, what each stored return is and who published it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from oversight.collect.importers.source import ImportFormatError

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue
    from oversight.collect.importers.submit import Stored
    from oversight.home import Home

AE_FOLDER = Path("published") / "ae_monthly"


@dataclass(frozen=True)
class Source:
    """A published statistic stored as a return."""

    collection: str
    title: str
    publisher: str
    publication: str
    level: str = ""
    """At what level the figures are, where not every level (providers, ICBs, regions,
    England) has them."""


SOURCES: dict[str, Source] = {
    "ae_sitrep_published": Source(
        "ae_sitrep_published",
        "A&E attendances and 4-hour waits by provider",
        "NHS England",
        "A&E Attendances and Emergency Admissions, monthly CSV (June 2024 to June 2025)",
    ),
    "rtt_published": Source(
        "rtt_published",
        "RTT incomplete pathways by provider and commissioning ICB",
        "NHS England",
        "Referral to Treatment waiting times, full CSV data extract (April 2026)",
    ),
    "rtt_waiting_times_published": Source(
        "rtt_waiting_times_published",
        "RTT incomplete pathways by ICB and specialty, with median waits",
        "NHS England",
        "Referral to Treatment waiting times, full CSV data extract (April 2026)",
    ),
    "cancer_62day_published": Source(
        "cancer_62day_published",
        "Cancer 62-day standard by ICB (July of each year)",
        "NHS England (a third party's rebuild of the commissioner-based workbooks)",
        "Cancer Waiting Times, commissioner-based, July 2022 to July 2024",
    ),
    "ambulance_published": Source(
        "ambulance_published",
        "Ambulance response times by ambulance trust (categories 1 and 2)",
        "NHS England",
        "Ambulance Quality Indicators, AmbSYS time series (August 2017 to January 2021)",
        "Ambulance trusts only: the months predate ICBs (July 2022), and an ambulance trust "
        "serves several ICBs, so there are no ICB, region or England figures.",
    ),
}


def ae_rows(path: Path, catalogue: Catalogue) -> pd.DataFrame:
    """`ae_sitrep_providers` rows from published wide files (a file or folder) or the long file."""
    from oversight.collect.importers.ae_monthly import (
        default_lookups,
        provider_counts,
        published_layout,
        read_ae_monthly,
    )
    from oversight.collect.importers.ae_sitrep import read_ae_sitrep
    from oversight.collect.importers.returns import ae_sitrep_rows, long_file_names

    if published_layout(path):
        tidy = read_ae_monthly(path, lookups=default_lookups(path))
        return ae_sitrep_rows(tidy, provider_counts(path), catalogue)
    return ae_sitrep_rows(read_ae_sitrep(path), long_file_names(path), catalogue)


def cancer_rows(path: Path, catalogue: Catalogue) -> pd.DataFrame:
    """`cancer_62day` rows for the months the catalogue's ICBs existed (from July 2022)."""
    from oversight.collect.importers.cancer import FILE, read_cancer_62day
    from oversight.collect.importers.returns import cancer_rows as rows_of

    rows = rows_of(read_cancer_62day(path), FILE)
    first = min(icb.valid_from for icb in catalogue.icbs.values())
    return rows.loc[rows["period"] >= first].reset_index(drop=True)


def rtt_rows(path: Path, catalogue: Catalogue) -> pd.DataFrame:
    from oversight.collect.importers.returns import rtt_provider_rows

    return rtt_provider_rows(path, catalogue)


def rtt_specialty_rows(path: Path, catalogue: Catalogue) -> pd.DataFrame:
    from oversight.collect.importers.returns import rtt_waiting_time_rows

    return rtt_waiting_time_rows(path, catalogue)


def ambulance_rows(path: Path, catalogue: Catalogue) -> pd.DataFrame:
    """`ambulance_trust_responses` rows (trust x month) from the AmbSYS file."""
    from oversight.collect.importers.ambulance import FILE, read_ambulance
    from oversight.collect.importers.returns import ambulance_rows as rows_of

    return rows_of(read_ambulance(path), FILE)


READERS: dict[str, Callable[[Path, Catalogue], pd.DataFrame]] = {
    "ae_sitrep_published": ae_rows,
    "rtt_published": rtt_rows,
    "rtt_waiting_times_published": rtt_specialty_rows,
    "cancer_62day_published": cancer_rows,
    "ambulance_published": ambulance_rows,
}


def store_source(
    home: Home, catalogue: Catalogue, collection: str, path: Path, submitter: str
) -> list[Stored]:
    """Read one published source and store it as returns of `collection`."""
    from oversight.collect.importers.submit import submit_rows

    rows = READERS[collection](path, catalogue)
    if rows.empty:
        raise ImportFormatError(f"{path}: no rows to store for {collection}")
    return submit_rows(home, catalogue, collection, rows, submitter=submitter, source=path.name)


MARKERS: dict[str, str] = {
    "ae_sitrep_published": "ae_attendances_provider_monthly_2024_2025.csv",
    "rtt_published": "rtt_provider_by_icb_2026_04.csv",
    "rtt_waiting_times_published": "rtt_icb_by_specialty_2026_04.csv",
    "cancer_62day_published": "cancer_62day_icb_july_2021_2024.csv",
    "ambulance_published": "ambulance_response_times_trust_monthly_2017_2021.csv",
}
"""The file whose presence in a folder says a source is there (A&E: or the monthly CSVs
under `published/ae_monthly/`)."""


def folder_sources(folder: Path) -> dict[str, Path]:
    """The published sources present in `folder` (the /work/shared/data/real layout, or a
    subset of it), each with the path its reader takes."""
    found: dict[str, Path] = {}
    if (folder / AE_FOLDER).is_dir() and any((folder / AE_FOLDER).glob("*.csv")):
        found["ae_sitrep_published"] = folder / AE_FOLDER
    for collection, marker in MARKERS.items():
        if collection not in found and (folder / marker).is_file():
            found[collection] = folder
    return {c: found[c] for c in READERS if c in found}


def store_folder(
    home: Home, catalogue: Catalogue, folder: Path, submitter: str
) -> dict[str, list[Stored]]:
    """Every published source in `folder` stored; a source whose files are absent is skipped
    (a folder holding only the A&E CSVs and the lookups is a smaller home), none is an error."""
    paths = folder_sources(folder)
    if not paths:
        expected = ", ".join([f"{AE_FOLDER}/*.csv", *MARKERS.values()])
        raise ImportFormatError(f"{folder}: no published files (expected any of {expected})")
    return {
        collection: store_source(home, catalogue, collection, path, submitter)
        for collection, path in paths.items()
    }
