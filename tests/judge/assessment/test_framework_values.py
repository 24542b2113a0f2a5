"""A framework read from its file cannot be changed in place, and its digest is 16 hex digits."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from pydantic import ValidationError

from oversight.judge.assessment import framework as fw


def test_a_framework_cannot_be_changed_in_place() -> None:
    ics = fw.ics()
    with pytest.raises(dataclasses.FrozenInstanceError):
        ics.digest = "changed"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        ics.settings.title = "changed"  # type: ignore[misc]


def test_the_digest_is_the_first_16_hex_digits_of_the_file_s_sha256() -> None:
    raw = (fw.DEFAULT_DIR / fw.ICS_FILE).read_bytes()
    assert fw.ics().digest == hashlib.sha256(raw).hexdigest()[:16]
    assert len(fw.local_authority().digest) == 16
