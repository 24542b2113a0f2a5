"""A percentage is 0 to maximum points of a positive maximum, both ends included; a framework
read from its file (not the cached packaged one) carries the first 16 hex digits of its sha256."""

from __future__ import annotations

import hashlib

import pytest

from oversight.judge.assessment import framework as fw
from oversight.judge.assessment.percentages import Percentage


@pytest.mark.parametrize(("points", "maximum"), [(0, 1), (1, 1), (0, 4), (4, 4), (3, 8)])
def test_points_from_zero_to_the_maximum_are_a_percentage(points: int, maximum: int) -> None:
    assert Percentage(points, maximum).exact == pytest.approx(100 * points / maximum)


@pytest.mark.parametrize(("points", "maximum"), [(0, 0), (0, -4), (5, 4), (-1, 4), (2, 1)])
def test_anything_else_is_refused(points: int, maximum: int) -> None:
    with pytest.raises(ValueError, match=f"{points} of {maximum} is not a score out of a maximum"):
        Percentage(points, maximum)


def test_a_framework_read_from_its_file_has_a_16_digit_digest() -> None:
    path = fw.DEFAULT_DIR / fw.ICS_FILE
    read = fw.read(path)
    assert read.digest == hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    assert len(read.digest) == 16
