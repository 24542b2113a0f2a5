"""What an ingest returns, shared by the CLI and the HTTP API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from oversight.store.models import Revision


class ReportLike(Protocol):
    """The part of collect.validation's ValidationReport that ingest relies on (read-only, so a
    report may compute them as properties)."""

    @property
    def ok(self) -> bool: ...

    @property
    def errors(self) -> Sequence[object]: ...

    @property
    def warnings(self) -> Sequence[object]: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class IngestResult:
    """Outcome of one submission. `submission_id` is None for a dry run."""

    submission_id: str | None
    status: str  # accepted | rejected | pending_confirmation
    report: dict[str, Any]
    revision: Revision | None
    created_revision: bool
    rows: int
    dry_run: bool

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def to_dict(self) -> dict[str, Any]:
        from oversight.collect.revisions import describe

        return {
            "submission_id": self.submission_id,
            "status": self.status,
            "dry_run": self.dry_run,
            "created_revision": self.created_revision,
            "revision": describe(self.revision) if self.revision is not None else None,
            "report": self.report,
        }


def empty_report(file_name: str, rows: int) -> dict[str, Any]:
    """The report of content already validated and accepted (an identical resubmission)."""
    return {
        "file": file_name,
        "rows": rows,
        "ok": True,
        "error_count": 0,
        "warning_count": 0,
        "issues": [],
        "suppressed": [],
    }


def format_failure(file_name: str, message: str) -> dict[str, Any]:
    """A report in collect.validation's shape for a file that could not be read at all."""
    issue = {
        "file": file_name,
        "row": None,
        "column": None,
        "rule": "format",
        "value": None,
        "message": message,
        "severity": "error",
    }
    report = empty_report(file_name, 0)
    report.update(ok=False, error_count=1, issues=[issue])
    return report
