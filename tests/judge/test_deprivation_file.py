"""Reading ICB populations by IMD decile: from the file or its folder, with plain errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.shared_data import real_file

from oversight.collect.importers.source import ImportFormatError
from oversight.judge.deprivation_file import DECILE_FILE, read_deciles

HEADER = "icb22cdh,icb22nm,imd2019_decile,population_mid2019,share_of_icb_population\n"


def _write(folder: Path, body: str, header: str = HEADER) -> Path:
    path = folder / DECILE_FILE
    path.write_text(header + body)
    return path


def test_reads_the_file_or_the_folder_holding_it(tmp_path: Path) -> None:
    _write(tmp_path, "QMJ,North Central London,1,1000,0.5\nQMJ,North Central London,2,1000,0.5\n")
    for where in (tmp_path, tmp_path / DECILE_FILE):
        frame = read_deciles(where)
        assert frame.to_dict("list") == {
            "icb_code": ["QMJ", "QMJ"],
            "decile": [1, 2],
            "population": [1000.0, 1000.0],
        }


def test_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=DECILE_FILE):
        read_deciles(tmp_path)


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    _write(tmp_path, "QMJ,1,1000\n", header="icb22cdh,imd2019_decile,population\n")
    with pytest.raises(ImportFormatError, match=r"missing column.*population_mid2019"):
        read_deciles(tmp_path)


@pytest.mark.parametrize("row", ["QMJ,x,11,1000,0.5", "QMJ,x,3,-5,0.5"])
def test_a_bad_decile_or_population_is_refused(tmp_path: Path, row: str) -> None:
    _write(tmp_path, row + "\n")
    with pytest.raises(ImportFormatError, match="decile must be 1-10 and population 0 or more"):
        read_deciles(tmp_path)


def test_the_shared_real_file_covers_the_42_icbs() -> None:
    frame = read_deciles(real_file(DECILE_FILE))
    assert frame["icb_code"].nunique() == 42
    assert frame["population"].sum() == pytest.approx(56_286_961, rel=0.01)
