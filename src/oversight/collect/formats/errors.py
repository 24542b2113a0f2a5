"""The one exception a reader raises: a file that cannot be read as a table at all."""

from __future__ import annotations

from pathlib import Path


class FormatError(ValueError):
    """A file is unreadable, empty or of an unknown format; the message names file and reason."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{Path(path).name}: {reason}")


class TypedReadFailed(Exception):
    """A CSV read with column types hit a cell it could not convert (or any other problem):
    the caller reads the file again as text, where every cell is checked and reported."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        super().__init__(f"{Path(path).name}: {reason}")


class LimitExceeded(Exception):
    """A submission is over one of its limits (docs/collection.md "Limits"): it is refused,
    not validated (HTTP 413, CLI exit 2). The message names the limit in plain words."""

    def __init__(self, subject: str, limit: str, owner: str | None = None, hint: str = "") -> None:
        self.subject, self.limit, self.owner, self.hint = subject, limit, owner, hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.subject} than the {self.limit} limit"
        if self.owner:
            text += f" for {self.owner}"
        return f"{text}; {self.hint}" if self.hint else text
