"""Issues and the validation report: every failure with file, row, column, rule and value."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]

ISSUE_CAP = 1000
"""At most this many issues are kept per (rule, column); the rest are counted, not listed."""


@dataclass(frozen=True)
class Issue:
    """One failed check. `row` is the 1-based data row (header not counted); None = whole file."""

    file: str
    row: int | None
    column: str | None
    rule: str
    value: str | None
    message: str
    severity: Severity = "error"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Suppressed:
    """Issues beyond ISSUE_CAP for one rule and column: counted so nothing is silently lost."""

    rule: str
    column: str | None
    severity: Severity
    count: int


@dataclass
class ValidationReport:
    """The outcome of validating one submission file. `ok` means no errors (warnings allowed)."""

    file: str
    rows: int = 0
    issues: list[Issue] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)
    totals: dict[str, float] = field(default_factory=dict)
    """This month's value of each count/sum/mean data item (the next month's outlier history)."""

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """Warnings need the submitter's confirmation but do not reject the file."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors and not any(s.severity == "error" for s in self.suppressed)

    def count(self, severity: Severity) -> int:
        """Total issues of a severity, including those counted beyond the cap."""
        listed = sum(1 for i in self.issues if i.severity == severity)
        return listed + sum(s.count for s in self.suppressed if s.severity == severity)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "rows": self.rows,
            "ok": self.ok,
            "error_count": self.count("error"),
            "warning_count": self.count("warning"),
            "issues": [i.to_dict() for i in self.issues],
            "suppressed": [asdict(s) for s in self.suppressed],
            "totals": dict(self.totals),
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, default=str)

    def summary(self) -> str:
        """A few lines for a terminal: verdict, then counts by rule."""
        verdict = "accepted" if self.ok else "rejected"
        head = (
            f"{self.file}: {verdict} ({self.rows} rows, {self.count('error')} errors, "
            f"{self.count('warning')} warnings needing confirmation)"
        )
        by_rule: Counter[tuple[str, str]] = Counter((i.severity, i.rule) for i in self.issues)
        for s in self.suppressed:
            by_rule[(s.severity, s.rule)] += s.count
        lines = [head] + [f"  {sev} {rule}: {n}" for (sev, rule), n in sorted(by_rule.items())]
        return "\n".join(lines)
