"""How a summary names its organisation (Subject.name), a target as plain data
(target_source.describe) and the package's reader (oversight.judge.judgements)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.judge.judge_fixtures import subject

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge import judgements, target_source
from oversight.judge.assess import _floats
from oversight.judge.coverage import Coverage


@pytest.mark.parametrize(
    ("kw", "name"),
    [
        ({}, "QMJ"),
        ({"org_name": "North Central London"}, "North Central London"),
        ({"org_type": "england", "org_code": "ENG", "org_name": "Ignored"}, "England"),
        ({"org_type": "region", "org_code": "Y56", "coverage": Coverage(42, 42)}, "Y56"),
        ({"org_type": "icb", "coverage": Coverage(0, 1)}, "QMJ"),
        (
            {"org_type": "region", "org_code": "Y56", "coverage": Coverage(3, 5)},
            "Y56, partial: 3 of 5 ICBs",
        ),
        (
            {
                "org_type": "england",
                "org_code": "ENG",
                "coverage": Coverage(1, 42),
                "published_total": True,
            },
            "England, NHS England's published total; 1 of 42 ICBs has ICB-level data",
        ),
        (
            {
                "org_type": "england",
                "org_code": "ENG",
                "coverage": Coverage(2, 42),
                "published_total": True,
            },
            "England, NHS England's published total; 2 of 42 ICBs have ICB-level data",
        ),
    ],
)
def test_the_name_says_when_an_aggregate_is_partial(kw: dict[str, object], name: str) -> None:
    assert subject(**kw).name == name


def test_describe_a_catalogue_target_and_a_register_record() -> None:
    target = next(iter(load().targets.values()))
    assert target_source.describe(target) == target.model_dump(mode="json")

    class Record:
        def to_dict(self) -> dict[str, object]:
            return {"id": "QOP-x-v1", "value": 1.0}

    assert target_source.describe(Record()) == {"id": "QOP-x-v1", "value": 1.0}


def test_floats_of_a_column_or_nan_without_it() -> None:
    frame = pd.DataFrame({"a": pd.array([1, None, 3], dtype="Int64")})
    np.testing.assert_array_equal(_floats(frame, "a"), [1.0, np.nan, 3.0])
    np.testing.assert_array_equal(_floats(frame, "b"), [np.nan] * 3)


def test_the_packages_reader_is_the_stages(tmp_path: Path) -> None:
    from tests.judge.stage_support import rows, write_version

    from oversight.judge import stage

    home = Home.at(tmp_path)
    with pytest.raises(FileNotFoundError, match="have not been judged"):
        judgements(home)
    stage.assess(home, write_version(home, "v1", rows()), catalogue=load())
    found = judgements(home, org="QMJ", metric="ae_4hr")
    assert [(j.subject.org_code, j.subject.metric_id) for j in found] == [("QMJ", "ae_4hr")] * 3
    assert found == stage.judgements(home, org="QMJ", metric="ae_4hr")
