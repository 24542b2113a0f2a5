"""docs/catalogue.md documents every field of every catalogue model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from oversight.catalogue import models
from oversight.catalogue.files import FILES

DOC = Path(__file__).parents[2] / "docs" / "catalogue.md"


def section(text: str, name: str) -> str:
    match = re.search(rf"^### `{name}`.*?(?=^### |^## |\Z)", text, flags=re.S | re.M)
    assert match, f"docs/catalogue.md has no section for {name}"
    return match.group(0)


def fields_of(cls: type) -> list[str]:
    if issubclass(cls, BaseModel):
        return list(cls.model_fields)
    return list(cls._fields)  # type: ignore[attr-defined]  # NamedTuple


@pytest.mark.parametrize("name", models.__all__)
def test_every_model_field_is_documented(name: str) -> None:
    text = section(DOC.read_text(encoding="utf-8"), name)
    missing = [f for f in fields_of(getattr(models, name)) if f"`{f}`" not in text]
    assert missing == [], f"{name}: undocumented fields {missing}"


def test_every_file_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert [s.name for s in FILES if s.name not in text] == []
