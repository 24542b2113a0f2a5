"""Locating and reading a published file, with errors that name the file and the column.

Every importer accepts either the file itself or the directory that holds it under its
published name, so `oversight import rtt /work/shared/data/real` works as well as a file path.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd


class ImportFormatError(ValueError):
    """A published file does not have the shape its importer expects."""


def resolve(path: str | Path, default_name: str) -> Path:
    """The file to read: `path` itself, or `default_name` inside `path` when it is a directory."""
    p = Path(path)
    if p.is_dir():
        p = p / default_name
    if not p.is_file():
        raise FileNotFoundError(f"{p}: no such file (expected the published file {default_name})")
    return p


def read_checked_csv(
    path: Path,
    required: Iterable[str],
    *,
    dtype: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Read a CSV and fail with the file name and every missing column when the header is wrong."""
    required = list(required)
    try:
        frame = pd.read_csv(path, dtype=dtype, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError as exc:
        raise ImportFormatError(f"{path}: the file is empty") from exc
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ImportFormatError(
            f"{path}: missing column(s) {', '.join(missing)}; "
            f"expected {', '.join(required)}; found {', '.join(map(str, frame.columns))}"
        )
    return frame


def require_values(path: Path, frame: pd.DataFrame, column: str, allowed: Iterable[str]) -> None:
    """Fail when `column` holds a value outside `allowed` (names the file, column and values)."""
    allowed_set = set(allowed)
    unknown = sorted(set(frame[column].dropna().astype(str)) - allowed_set)
    if unknown:
        raise ImportFormatError(
            f"{path}: column {column} has unexpected value(s) {', '.join(unknown[:10])}; "
            f"expected one of {', '.join(sorted(allowed_set))}"
        )


def numeric(path: Path, frame: pd.DataFrame, column: str) -> pd.Series:
    """The column as numbers; fail naming the first row (1-based, header = row 1) that is not."""
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise ImportFormatError(
            f"{path}: row {row + 2}, column {column}: {frame[column].iloc[row]!r} is not a number"
        )
    return values


def monthly_period(path: Path, frame: pd.DataFrame, column: str = "period") -> pd.Series:
    """ISO dates parsed and moved to the first day of their month (the lake's `period`)."""
    parsed = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise ImportFormatError(
            f"{path}: row {row + 2}, column {column}: {frame[column].iloc[row]!r} is not a "
            "YYYY-MM-DD date"
        )
    return parsed.dt.to_period("M").dt.to_timestamp()
