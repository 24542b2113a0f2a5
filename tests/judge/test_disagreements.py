"""Every disagreement flag, with a worked example that raises it and near misses that do not;
the frame evaluation agrees with the one-judgement evaluation on every combination."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from oversight.judge.disagreements import FIELDS, WORDS, Disagreement, flag_columns, flags
from oversight.judge.outcomes import (
    Assurance,
    Attainment,
    Funnel,
    Trajectory,
    Variation,
    VsEngland,
)

QUIET = {
    "variation": Variation.COMMON_CAUSE,
    "assurance": Assurance.NONE,
    "local_assurance": Assurance.NONE,
    "vs_england": VsEngland.SIMILAR,
    "funnel": Funnel.NONE,
    "national_status": Attainment.NO_TARGET,
    "local_status": Attainment.NO_TARGET,
    "national_trajectory": Trajectory.NONE,
    "local_trajectory": Trajectory.NONE,
}


def raised(**changes: str) -> tuple[Disagreement, ...]:
    return flags({**QUIET, **changes})


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # worse than England but improving
        ({"vs_england": "worse", "variation": "improvement"}, [Disagreement.WORSE_BUT_IMPROVING]),
        ({"vs_england": "similar", "variation": "improvement"}, []),
        ({"vs_england": "worse", "variation": "common cause"}, []),
        ({"vs_england": "lower", "variation": "improvement"}, []),  # neutral: not "worse"
        # meets the target but deteriorating (national or the ICB's own target)
        (
            {"national_status": "met", "variation": "concern"},
            [Disagreement.MEETS_BUT_DETERIORATING],
        ),
        ({"local_status": "met", "variation": "concern"}, [Disagreement.MEETS_BUT_DETERIORATING]),
        ({"national_status": "missed", "variation": "concern"}, []),
        ({"national_status": "met", "variation": "improvement"}, []),
        # better than England but the target will not be met (assurance fail)
        ({"vs_england": "better", "assurance": "fail"}, [Disagreement.BETTER_BUT_WILL_FAIL]),
        (
            {"vs_england": "better", "local_assurance": "fail"},
            [Disagreement.BETTER_BUT_WILL_FAIL],
        ),
        ({"vs_england": "better", "assurance": "hit and miss"}, []),
        ({"vs_england": "similar", "assurance": "fail"}, []),
        # off trajectory although the process is stable (common cause)
        (
            {"local_trajectory": "off", "variation": "common cause"},
            [Disagreement.OFF_TRAJECTORY_BUT_STABLE],
        ),
        (
            {"national_trajectory": "off", "variation": "common cause"},
            [Disagreement.OFF_TRAJECTORY_BUT_STABLE],
        ),
        ({"local_trajectory": "off", "variation": "concern"}, []),
        ({"local_trajectory": "on", "variation": "common cause"}, []),
        # nothing is flagged from missing data
        ({"vs_england": "no data", "variation": "no data", "national_status": "no data"}, []),
        # two at once
        (
            {
                "vs_england": "better",
                "assurance": "fail",
                "national_trajectory": "off",
                "variation": "common cause",
            },
            [Disagreement.BETTER_BUT_WILL_FAIL, Disagreement.OFF_TRAJECTORY_BUT_STABLE],
        ),
    ],
)
def test_worked_examples(changes: dict[str, str], expected: list[Disagreement]) -> None:
    assert list(raised(**changes)) == expected


def test_every_flag_has_words_and_a_short_code() -> None:
    assert set(WORDS) == set(Disagreement)
    for code in Disagreement:
        assert code.value.replace("_", "").isalpha() and code.value.islower()


def test_frame_flags_equal_single_flags_for_every_combination() -> None:
    values: dict[str, list[str]] = {
        "variation": list(Variation),
        "assurance": list(Assurance),
        "local_assurance": [Assurance.NONE, Assurance.FAIL],
        "vs_england": list(VsEngland),
        "funnel": [Funnel.NONE],
        "national_status": list(Attainment),
        "local_status": [Attainment.NO_TARGET, Attainment.MET],
        "national_trajectory": list(Trajectory),
        "local_trajectory": [Trajectory.NONE, Trajectory.OFF],
    }
    assert set(FIELDS) <= set(values)
    combos = [dict(zip(values, c, strict=True)) for c in itertools.product(*values.values())]
    columns = {f: np.array([str(c[f]) for c in combos], dtype=object) for f in values}
    frame = flag_columns(columns)
    for i, combo in enumerate(combos):
        assert [code for code, hit in frame.items() if hit[i]] == list(flags(combo))
