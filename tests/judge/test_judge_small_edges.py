"""Small edges of the judge's helpers that the main tests of each module leave open: a figure in
an unlisted unit, money under £1k, one bad row of the deprivation file among good ones, an ICB
whose deprivation figures add up to nothing and results whose months are timestamps."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.judge.test_deprivation_file import HEADER, _write
from tests.judge.test_peers import _icb

from oversight.collect.importers.source import ImportFormatError
from oversight.judge.deprivation_file import read_deciles
from oversight.judge.formats import format_value
from oversight.judge.peer_features import icb_features, quintile_populations


def test_a_figure_in_another_unit_has_one_decimal_and_thousands_separators() -> None:
    assert format_value(12345.67, "ratio") == "12,345.7"
    assert format_value(0.25, "") == "0.2"


@pytest.mark.parametrize(
    ("value", "text"), [(0.5, "£0.50k"), (0.999, "£1.00k"), (-0.5, "-£0.50k"), (0.0, "£0.00k")]
)
def test_money_under_a_thousand_pounds(value: float, text: str) -> None:
    assert format_value(value, "gbp_k") == text


def test_one_bad_row_among_good_ones_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "QMJ,x,1,1000,0.5\nQMJ,x,2,1000,0.5\nQMF,y,12,5,1\n")
    with pytest.raises(ImportFormatError, match="found decile 12 and population 5 for QMF"):
        read_deciles(tmp_path)
    assert HEADER.startswith("icb22cdh")


def test_an_icb_whose_deprivation_figures_are_all_zero_is_refused() -> None:
    deciles = pd.DataFrame(
        [("Z", 1, 0.0), ("Z", 10, 0.0)], columns=["icb_code", "decile", "population"]
    )
    with pytest.raises(ValueError, match="ICB Z has no population"):
        icb_features([_icb("Z", 5000)], quintile_populations(deciles))


def test_a_quintile_no_icb_has_people_in_is_empty() -> None:
    deciles = pd.DataFrame(
        [("A", 1, 100.0), ("A", 2, 50.0), ("B", 2, 10.0)],
        columns=["icb_code", "decile", "population"],
    )
    q = quintile_populations(deciles)
    assert q.loc["A"].tolist() == [150.0, 0.0, 0.0, 0.0, 0.0]
    assert q.loc["B"].tolist() == [10.0, 0.0, 0.0, 0.0, 0.0]


def test_a_decile_with_no_people_is_read(tmp_path: Path) -> None:
    _write(tmp_path, "QMJ,x,1,0,0\nQMJ,x,2,1000,1\n")
    assert read_deciles(tmp_path)["population"].tolist() == [0.0, 1000.0]


def test_results_whose_months_are_timestamps_are_judged_by_month(tmp_path: Path) -> None:
    import datetime as dt

    from tests.judge.stage_support import rows, write_version

    from oversight.home import Home
    from oversight.judge import stage

    home = Home.at(tmp_path)
    frame = rows().assign(period=lambda f: pd.to_datetime(f["period"]))
    total, groups = stage.judged_rows(write_version(home, "v1", frame))
    assert {type(p) for p in total["period"]} == {dt.date} and len(total) == 30
    assert set(groups["period"]) == {dt.date(2024, 3, 1)} and len(groups) == 20
