"""Shared base for catalogue models: frozen, strict about unknown fields, typed ids."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict

Verification = Literal["verified", "corroborated", "recalled", "uncertain", "synthetic"]
"""How far a fact was checked (see /work/shared/data/reference/README.md)."""

_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


def _snake_case(value: str) -> str:
    if not _SNAKE.match(value):
        raise ValueError(f"{value!r} is not a snake_case id")
    return value


SnakeId = Annotated[str, AfterValidator(_snake_case)]


class Entry(BaseModel):
    """An immutable catalogue entry; unknown fields are errors so typos surface."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
