"""Cancer 62-day importer on the real July snapshots and on a crafted inconsistent file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from tests.shared_data import real_file

from oversight.collect.importers.cancer import FILE, read_cancer_62day
from oversight.collect.importers.lookups import ICB22_FILE
from oversight.collect.importers.source import ImportFormatError


def test_42_icbs_in_each_july_with_regions() -> None:
    table = read_cancer_62day(real_file(FILE))
    assert table.groupby("period").icb_code.nunique().to_dict() == {
        pd.Timestamp(f"{y}-07-01"): 42 for y in (2021, 2022, 2023, 2024)
    }
    assert table.region_code.notna().all()
    assert table.pct_within_62_days.between(0, 100).all()
    eng = table.groupby("period")[["treated_total", "treated_within_62_days"]].sum()
    assert (eng.treated_within_62_days < eng.treated_total).all()


def test_inconsistent_split_and_unknown_icb_rejected(tmp_path: Path) -> None:
    shutil.copy(real_file(ICB22_FILE), tmp_path / ICB22_FILE)
    head = "period,icb_code,icb_name,standard,cancer_type,measure,value\n"
    rows = [
        "2024-07-01,QE1,x,62_day,ALL CANCERS,treated_total,10\n",
        "2024-07-01,QE1,x,62_day,ALL CANCERS,treated_within_62_days,6\n",
        "2024-07-01,QE1,x,62_day,ALL CANCERS,treated_after_62_days,3\n",
    ]
    (tmp_path / FILE).write_text(head + "".join(rows))
    with pytest.raises(ImportFormatError, match="QE1 2024-07: within \\+ after 62 days"):
        read_cancer_62day(tmp_path)
    fixed = [r.replace("QE1", "QZZ") for r in rows[:2]] + [
        rows[2].replace("QE1", "QZZ")[:-2] + "4\n"
    ]
    (tmp_path / FILE).write_text(head + "".join(fixed))
    with pytest.raises(ImportFormatError, match="not in the 2022 lookup: QZZ"):
        read_cancer_62day(tmp_path)
