"""NHS England's monthly A&E CSV exactly as published (wide: one row per provider, a TOTAL row).

The file an analyst downloads each month from "A&E Attendances and Emergency Admissions",
under its published name (`Monthly-AE-<Month>-<Year>.csv`; NHS England adds `-revised` when
it republishes a month, and browsers add ` copy` or `-1-1`). Columns: `Period`
(`MSitAE-DECEMBER-2024`), `Org Code`, `Parent Org` (the NHS England region's name),
`Org name`, then 18 counts. The last row is England's `TOTAL`.

Nothing is guessed: the header must be the published one (trailing columns that are empty in
every row, as in September 2024, are ignored), every count must be a whole number, the TOTAL
row must be there and equal the sum of the providers in every count column, and the file
name's month must be the `Period` column's month. Any failure raises ImportFormatError naming
the file, the row (the header is row 1) and the column, before anything is stored.

`read_ae_monthly` gives the same tidy table as `ae_sitrep.read_ae_sitrep` on the long file
(one row per period × provider × department type), plus the provider-level counts that have
no department type (`provider_counts`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from oversight.collect.importers.ae_sitrep import DEPARTMENT_TYPES
from oversight.collect.importers.lookups import attach_icb, load_trust_lookup
from oversight.collect.importers.source import ImportFormatError

ID_COLUMNS = ("Period", "Org Code", "Parent Org", "Org name")
# Each published count column -> (measure, department type or "all", attendance kind).
COUNT_COLUMNS: dict[str, tuple[str, str, str]] = {
    "A&E attendances Type 1": ("attendances", "type_1", "unplanned"),
    "A&E attendances Type 2": ("attendances", "type_2", "unplanned"),
    "A&E attendances Other A&E Department": ("attendances", "other", "unplanned"),
    "A&E attendances Booked Appointments Type 1": ("attendances", "type_1", "booked"),
    "A&E attendances Booked Appointments Type 2": ("attendances", "type_2", "booked"),
    "A&E attendances Booked Appointments Other Department": ("attendances", "other", "booked"),
    "Attendances over 4hrs Type 1": ("attendances_over_4hrs", "type_1", "unplanned"),
    "Attendances over 4hrs Type 2": ("attendances_over_4hrs", "type_2", "unplanned"),
    "Attendances over 4hrs Other Department": ("attendances_over_4hrs", "other", "unplanned"),
    "Attendances over 4hrs Booked Appointments Type 1": (
        "attendances_over_4hrs",
        "type_1",
        "booked",
    ),
    "Attendances over 4hrs Booked Appointments Type 2": (
        "attendances_over_4hrs",
        "type_2",
        "booked",
    ),
    "Attendances over 4hrs Booked Appointments Other Department": (
        "attendances_over_4hrs",
        "other",
        "booked",
    ),
    "Patients who have waited 4-12 hs from DTA to admission": (
        "waits_4_to_12hrs_from_decision_to_admit",
        "all",
        "all",
    ),
    "Patients who have waited 12+ hrs from DTA to admission": (
        "waits_over_12hrs_from_decision_to_admit",
        "all",
        "all",
    ),
    "Emergency admissions via A&E - Type 1": ("emergency_admissions_via_ae", "type_1", "all"),
    "Emergency admissions via A&E - Type 2": ("emergency_admissions_via_ae", "type_2", "all"),
    "Emergency admissions via A&E - Other A&E department": (
        "emergency_admissions_via_ae",
        "other",
        "all",
    ),
    "Other emergency admissions": ("other_emergency_admissions", "all", "all"),
}
HEADER = (*ID_COLUMNS, *COUNT_COLUMNS)
FILE_NAME = re.compile(r"^Monthly-AE-([A-Za-z]+)-(\d{4})(?P<tail>[^/]*)\.csv$", re.IGNORECASE)
PERIOD = re.compile(r"^MSitAE-([A-Z]+)-(\d{4})$")
MONTH_NAMES = (
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
)
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, start=1)}
TOTAL = "TOTAL"
PROVIDER_MEASURES = (
    "waits_4_to_12hrs_from_decision_to_admit",
    "waits_over_12hrs_from_decision_to_admit",
    "other_emergency_admissions",
)


@dataclass(frozen=True)
class MonthlyFile:
    """One published monthly file read and checked: its month, whether it is a revision of an
    earlier publication, and its provider rows (TOTAL dropped) as text and whole numbers."""

    path: Path
    month: dt.date
    revised: bool
    providers: pd.DataFrame
    """Columns: org_code, org_name, parent_org, and the 18 published count columns."""


def is_monthly_file(path: Path) -> bool:
    """A file named as NHS England publishes the monthly A&E CSV."""
    return FILE_NAME.match(path.name) is not None


def published_layout(path: str | Path) -> bool:
    """`path` is a published monthly file, or a folder holding at least one."""
    p = Path(path)
    if p.is_dir():
        return any(f.is_file() and is_monthly_file(f) for f in p.iterdir())
    return is_monthly_file(p)


def file_month(path: Path) -> tuple[dt.date, bool]:
    """The month a published file name is for, and whether the name says `revised`."""
    found = FILE_NAME.match(path.name)
    if found is None:
        raise ImportFormatError(
            f"{path}: not a monthly A&E file name (expected Monthly-AE-<Month>-<Year>.csv, "
            "e.g. Monthly-AE-June-2024.csv or Monthly-AE-July-2024-revised.csv)"
        )
    month = MONTHS.get(found.group(1).upper())
    if month is None:
        raise ImportFormatError(f"{path}: {found.group(1)!r} in the file name is not a month")
    return dt.date(int(found.group(2)), month, 1), "revised" in found.group("tail").lower()


def read_monthly_file(path: str | Path) -> MonthlyFile:
    """Read and check one published file (header, counts, TOTAL row, month); see the module."""
    file = Path(path)
    month, revised = file_month(file)
    rows = _rows(file)
    if not rows:
        raise ImportFormatError(f"{file}: the file is empty")
    width = _check_header(file, rows[0])
    body = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]
    for number, row in body:
        extra = [c for c in row[width:] if c.strip()]
        if extra:
            raise ImportFormatError(
                f"{file}: row {number}, column {len(HEADER) + 1}: unexpected value {extra[0]!r} "
                f"after the {len(HEADER)} published columns"
            )
    if not body or body[-1][1][0].strip().upper() != TOTAL:
        last = body[-1][0] if body else 1
        raise ImportFormatError(
            f"{file}: row {last}, column Period: no TOTAL row (the published file ends with "
            "England's TOTAL row)"
        )
    total_number, total_row = body[-1]
    providers = body[:-1]
    counts = {name: [_count(file, n, r, name) for n, r in providers] for name in COUNT_COLUMNS}
    for name in COUNT_COLUMNS:
        stated = _count(file, total_number, total_row, name)
        summed = sum(counts[name])
        if stated != summed:
            raise ImportFormatError(
                f"{file}: row {total_number} (TOTAL), column {name}: TOTAL {stated:,} is not "
                f"the sum of the providers, {summed:,}"
            )
    _check_periods(file, month, providers)
    codes = [r[1].strip() for _, r in providers]
    seen: dict[str, int] = {}
    for (number, _), code in zip(providers, codes, strict=True):
        if not code:
            raise ImportFormatError(f"{file}: row {number}, column Org Code: empty")
        if code in seen:
            raise ImportFormatError(
                f"{file}: row {number}, column Org Code: {code} already on row {seen[code]}"
            )
        seen[code] = number
    frame = pd.DataFrame(
        {
            "org_code": codes,
            "org_name": [r[3].strip() for _, r in providers],
            "parent_org": [r[2].strip() for _, r in providers],
            **{name: pd.array(values, dtype="Int64") for name, values in counts.items()},
        }
    )
    return MonthlyFile(file, month, revised, frame)


def _rows(file: Path) -> list[list[str]]:
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            return list(csv.reader(handle))
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"{file}: not UTF-8 text ({exc.reason})") from exc


def _check_header(file: Path, header: list[str]) -> int:
    """The published header, in order; returns the number of columns read."""
    for position, expected in enumerate(HEADER, start=1):
        found = header[position - 1].strip() if position <= len(header) else None
        if found != expected:
            shown = "nothing" if found is None else repr(found)
            raise ImportFormatError(
                f"{file}: row 1, column {position}: expected {expected!r}, found {shown} "
                "(the header is not the published one)"
            )
    return len(HEADER)


def _count(file: Path, number: int, row: list[str], name: str) -> int:
    position = HEADER.index(name)
    text = row[position].strip() if position < len(row) else ""
    if not re.fullmatch(r"\d+", text):
        shown = repr(text) if text else "empty"
        raise ImportFormatError(
            f"{file}: row {number}, column {name}: {shown} is not a whole number"
        )
    return int(text)


def _check_periods(file: Path, month: dt.date, providers: list[tuple[int, list[str]]]) -> None:
    expected = f"MSitAE-{MONTH_NAMES[month.month - 1]}-{month.year}"
    for number, row in providers:
        if row[0].strip().upper() != expected.upper():
            raise ImportFormatError(
                f"{file}: row {number}, column Period: {row[0]!r} is not {expected}, "
                f"the month in the file name"
            )


def monthly_files(path: str | Path) -> list[Path]:
    """The published files to read: `path` itself, or every monthly file in a directory, one
    per month (a `-revised` file replaces the first publication of its month)."""
    p = Path(path)
    if p.is_file():
        return [p]
    if not p.is_dir():
        raise FileNotFoundError(f"{p}: no such file or directory")
    by_month: dict[dt.date, list[tuple[bool, Path]]] = {}
    for file in sorted(p.iterdir()):
        if file.is_file() and is_monthly_file(file):
            month, is_revised = file_month(file)
            by_month.setdefault(month, []).append((is_revised, file))
    if not by_month:
        raise FileNotFoundError(f"{p}: no file named Monthly-AE-<Month>-<Year>.csv")
    chosen = []
    for month, files in sorted(by_month.items()):
        revisions = [f for r, f in files if r]
        pick = revisions or [f for _, f in files]
        if len(pick) > 1:
            names = ", ".join(f.name for f in pick)
            raise ImportFormatError(f"{p}: several files for {month:%B %Y}: {names}")
        chosen.append(pick[0])
    return chosen


def read_ae_monthly(path: str | Path, *, lookups: str | Path | None = None) -> pd.DataFrame:
    """The tidy A&E table of `ae_sitrep.read_ae_sitrep`, from published wide files.

    One row per period × org_code × department_type with attendances (unplanned + booked),
    attendances_over_4hrs, emergency_admissions_via_ae, attendances_within_4hrs, icb_code and
    region_code (the trust lookup in `lookups`, default /work/shared/data/real layout: the
    parent of a `published/ae_monthly` folder).
    """
    files = [read_monthly_file(f) for f in monthly_files(path)]
    long = pd.concat([_long(f) for f in files], ignore_index=True)
    rows = long.loc[long["department_type"].isin(DEPARTMENT_TYPES)]
    wide = (
        rows.pivot_table(
            index=["period", "org_code", "department_type"],
            columns="measure",
            values="value",
            aggfunc="sum",
        )
        .reindex(columns=["attendances", "attendances_over_4hrs", "emergency_admissions_via_ae"])
        .reset_index()
    )
    wide.columns.name = None
    for column in ("attendances", "attendances_over_4hrs", "emergency_admissions_via_ae"):
        wide[column] = wide[column].astype("Int64")
    wide["attendances_within_4hrs"] = wide["attendances"] - wide["attendances_over_4hrs"]
    trusts = load_trust_lookup(lookups if lookups is not None else default_lookups(path))
    return attach_icb(wide, trusts).sort_values(
        ["period", "org_code", "department_type"], ignore_index=True
    )


def provider_counts(path: str | Path) -> pd.DataFrame:
    """Per period × provider: org_name, parent_org, the counts with no department type
    (decision-to-admit waits, other emergency admissions) and the file each came from."""
    frames = []
    for f in (read_monthly_file(p) for p in monthly_files(path)):
        part = f.providers[["org_code", "org_name", "parent_org"]].copy()
        for name, (measure, _, _) in COUNT_COLUMNS.items():
            if measure in PROVIDER_MEASURES:
                part[measure] = f.providers[name]
        part["period"] = pd.Timestamp(f.month)
        part["publication"] = f.path.name
        part["revised"] = f.revised
        frames.append(part)
    return pd.concat(frames, ignore_index=True)


def _long(f: MonthlyFile) -> pd.DataFrame:
    parts = []
    for name, (measure, department, kind) in COUNT_COLUMNS.items():
        parts.append(
            pd.DataFrame(
                {
                    "period": pd.Timestamp(f.month),
                    "org_code": f.providers["org_code"].astype("string"),
                    "department_type": department,
                    "attendance_kind": kind,
                    "measure": measure,
                    "value": f.providers[name].astype("int64"),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def default_lookups(path: str | Path) -> Path:
    """Where the lookups sit beside published files: the data directory two levels up from
    `published/ae_monthly/`, else the file's own directory."""
    p = Path(path)
    folder = p if p.is_dir() else p.parent
    if folder.name == "ae_monthly" and folder.parent.name == "published":
        return folder.parent.parent
    return folder
