"""Problems found in a catalogue, and the error that carries all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one entry of one file."""

    file: str
    entry: str
    reason: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.severity}: {self.file}: {self.entry}: {self.reason}"


class CatalogueError(ValueError):
    """Raised by `load()` on a broken catalogue; `.problems` lists every error and warning."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in problems if p.severity == "error"]
        lines = "\n".join(f"  {p}" for p in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"catalogue has {len(errors)} problem(s):\n{lines}{more}")

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")
