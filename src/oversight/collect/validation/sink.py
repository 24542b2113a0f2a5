"""Turn a vectorised failure mask into Issues, materialising only the failing rows (capped)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from oversight.collect.validation.report import (
    ISSUE_CAP,
    Issue,
    Severity,
    Suppressed,
    ValidationReport,
)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class IssueSink:
    """Collects issues for one file; keeps ISSUE_CAP per (rule, column) and counts the rest."""

    def __init__(self, file: str, cap: int = ISSUE_CAP) -> None:
        self.file = file
        self.cap = cap
        self.issues: list[Issue] = []
        self._kept: dict[tuple[str, str | None], int] = defaultdict(int)
        self._over: dict[tuple[str, str | None, Severity], int] = defaultdict(int)

    def add(
        self,
        rule: str,
        column: str | None,
        message: str,
        *,
        row: int | None = None,
        value: object = None,
        severity: Severity = "error",
    ) -> None:
        """Record one issue (file-level when row is None)."""
        key = (rule, column)
        if self._kept[key] >= self.cap:
            self._over[(rule, column, severity)] += 1
            return
        self._kept[key] += 1
        self.issues.append(Issue(self.file, row, column, rule, _text(value), message, severity))

    def add_mask(
        self,
        mask: pa.Array,
        rule: str,
        column: str | None,
        values: pa.Array | Callable[[pa.Array], pa.Array] | None,
        row_offset: int,
        message: str,
        severity: Severity = "error",
    ) -> int:
        """One issue per True in `mask` (null counts as False); returns how many failed.

        `values` gives each row's reported value (usually the cell as submitted), or is a
        function from the failing row indices to their values (formatted only when shown).
        """
        failing = pc.sum(mask).as_py() or 0  # sum skips nulls: null counts as False
        if failing == 0:
            return 0
        mask = pc.fill_null(mask, False)
        room = max(self.cap - self._kept[(rule, column)], 0)
        idx = pc.indices_nonzero(mask)
        shown = idx.slice(0, room)
        if values is None:
            shown_values = None
        elif callable(values):
            shown_values = values(shown).to_pylist()
        else:
            shown_values = values.take(shown).to_pylist()
        for n, i in enumerate(shown.to_pylist()):
            value = shown_values[n] if shown_values is not None else None
            self.add(rule, column, message, row=row_offset + i + 1, value=value, severity=severity)
        if failing > len(shown):
            self._over[(rule, column, severity)] += failing - len(shown)
        return int(failing)

    def report(self, rows: int) -> ValidationReport:
        suppressed = [Suppressed(r, c, s, n) for (r, c, s), n in self._over.items() if n]
        ordered = sorted(self.issues, key=lambda i: (i.row is not None, i.row or 0))
        return ValidationReport(self.file, rows, ordered, suppressed)
