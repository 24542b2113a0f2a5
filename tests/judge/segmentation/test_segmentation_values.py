"""The values segmentation hands on: a theme's flags as the artefact writes them, and scores and
flags that stay as computed (frozen: results are shared between organisations and quarters)."""

from __future__ import annotations

import dataclasses

import pytest

from oversight.judge.segmentation.flags import ThemeFlags
from oversight.judge.segmentation.scoring import MetricScore


def test_a_themes_flags_are_written_with_their_reasons() -> None:
    flags = ThemeFlags("access", "Access", (("ae_4hr", ("worse than England", "falling")),))
    assert flags.is_flagged
    assert flags.to_dict() == {
        "theme": "access",
        "title": "Access",
        "flags": [{"metric": "ae_4hr", "because": ["worse than England", "falling"]}],
    }
    assert not ThemeFlags("access", "Access", ()).is_flagged


def test_flags_and_scores_cannot_be_changed_once_computed() -> None:
    flags = ThemeFlags("access", "Access", ())
    score = MetricScore("ae_4hr", 71.0, 2.5, "percentile")
    with pytest.raises(dataclasses.FrozenInstanceError):
        flags.flagged = (("ae_4hr", ("x",)),)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        score.score = 1.0  # type: ignore[misc]
