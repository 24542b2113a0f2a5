"""Every file has exactly the columns and Arrow types of docs/data-model.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from oversight.synth import Manifest
from oversight.synth.schema import AGGREGATE_DATASETS, DATASETS, RECORD_DATASETS

DATA_MODEL = Path(__file__).parents[2] / "docs" / "data-model.md"
DOC_TYPES = {
    "string": pa.string(),
    "date32": pa.date32(),
    "date": pa.date32(),
    "int64": pa.int64(),
    "int32": pa.int32(),
    "int8": pa.int8(),
    "timestamp": pa.timestamp("us"),
    "bool": pa.bool_(),
}


def table_rows(section: str) -> list[list[str]]:
    """Body rows of the first Markdown table after `section` in the data model."""
    lines = DATA_MODEL.read_text().split(section, 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        if line.startswith("| `"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def typed_columns(cell: str) -> list[tuple[str, pa.DataType]]:
    """'`a` timestamp, `b` (`x`, `y`), …' → [(a, timestamp), (b, string), …]."""
    plain = re.sub(r"\([^)]*\)", "", cell)
    found = re.findall(r"`(\w+)`\s*(\w+)?", plain)
    return [(name, DOC_TYPES.get(kind or "string", pa.string())) for name, kind in found]


def documented() -> dict[str, list[tuple[str, pa.DataType]]]:
    shared = [(r[0].strip("`"), DOC_TYPES[r[1]]) for r in table_rows("## Columns shared")]
    person = [(r[0].strip("`"), DOC_TYPES[r[1]]) for r in table_rows("Shared person columns")]
    result = {}
    for name, extra, _ in table_rows("| dataset | extra columns"):
        result[name.strip("`")] = shared + person + typed_columns(extra)
    for name, columns in table_rows("## Aggregate datasets"):
        money = ("gbp_k", "fte", "days_lost", "available_days")
        result[name.strip("`")] = shared + [
            (c, pa.float64() if c.endswith(money) else pa.int64())
            for c, _ in typed_columns(columns)
        ]
    return result


def test_the_data_model_lists_every_generated_dataset() -> None:
    assert set(documented()) == set(DATASETS)
    assert len(RECORD_DATASETS) == 5 and len(AGGREGATE_DATASETS) == 8


@pytest.mark.parametrize("dataset", DATASETS)
def test_files_match_the_data_model(lake: tuple[Path, Manifest], dataset: str) -> None:
    out, manifest = lake
    path = out / dataset / manifest.periods[-1] / f"{manifest.icb_codes[0]}.parquet"
    schema = pq.read_schema(path)
    assert [(f.name, f.type) for f in schema] == documented()[dataset]
    table = pq.read_table(path)
    assert set(table.column("revision_id").to_pylist()) == {
        f"synth-{manifest.seed}-{dataset}-{manifest.periods[-1]}-{manifest.icb_codes[0]}"
    }


def test_files_match_the_catalogue_datasets(lake: tuple[Path, Manifest], catalogue: Any) -> None:
    datasets = getattr(catalogue, "datasets", None)
    if datasets is None:
        pytest.skip("the catalogue does not load yet; its datasets cannot be compared")
    out, manifest = lake
    for dataset in DATASETS:
        schema = pq.read_schema(
            out / dataset / manifest.periods[0] / f"{manifest.icb_codes[0]}.parquet"
        )
        assert [c.name for c in datasets[dataset].columns] == schema.names, dataset


def test_record_ids_are_unique_within_each_dataset(lake: tuple[Path, Manifest]) -> None:
    import duckdb

    out, _ = lake
    for dataset in RECORD_DATASETS:
        n, distinct = duckdb.execute(
            f"select count(*), count(distinct record_id) "
            f"from read_parquet('{out}/{dataset}/*/*.parquet')"
        ).fetchall()[0]
        assert n == distinct, dataset
