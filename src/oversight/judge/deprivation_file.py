"""Reading the population of each ICB by IMD 2019 decile (the only file the judge stage reads).

The file is the shared real-data extract `imd2019_icb22_population_by_decile.csv` (derived from
MHCLG's English Indices of Deprivation 2019 and ONS mid-2019 LSOA populations; see
shared/data/real/README.md). It is read where it lives, never copied into the repository: pass
the file or the directory holding it under that name.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from oversight.collect.importers.source import ImportFormatError, read_checked_csv, resolve

DECILE_FILE = "imd2019_icb22_population_by_decile.csv"
COLUMNS = ("icb22cdh", "imd2019_decile", "population_mid2019")


def read_deciles(path: str | Path) -> pd.DataFrame:
    """`icb_code`, `decile` (1 = most deprived) and `population`, one row per ICB × decile."""
    file = resolve(path, DECILE_FILE)
    frame = read_checked_csv(file, COLUMNS, dtype={"icb22cdh": "string"})
    frame = frame.rename(
        columns={
            "icb22cdh": "icb_code",
            "imd2019_decile": "decile",
            "population_mid2019": "population",
        }
    )[["icb_code", "decile", "population"]]
    bad = ~frame["decile"].isin(range(1, 11)) | ~(frame["population"] >= 0)
    if bad.any():
        row = frame[bad].iloc[0]
        raise ImportFormatError(
            f"{file}: decile must be 1-10 and population 0 or more; found decile "
            f"{row['decile']} and population {row['population']} for {row['icb_code']}"
        )
    return frame.astype({"icb_code": str, "decile": int, "population": float})
