"""RTT pathways are consistent across months and start from a realistic waiting list."""

from __future__ import annotations

from pathlib import Path

import duckdb

from oversight.synth import Manifest


def test_pathways_are_consistent_across_months(lake: tuple[Path, Manifest]) -> None:
    out, manifest = lake
    first = f"date '{manifest.periods[0]}-01'"
    files = f"read_parquet('{out}/rtt_pathways/*/*.parquet')"
    ((bad_order, backlog_closed, backlog_elsewhere, wrong_period),) = duckdb.execute(
        f"select count(*) filter (where clock_stop < clock_start), "
        f"count(*) filter (where clock_start < {first} and clock_stop < {first}), "
        f"count(*) filter (where clock_start < {first} and period != {first}), "
        f"count(*) filter (where clock_start >= {first} "
        f"and period != date_trunc('month', clock_start)) "
        f"from {files}"
    ).fetchall()
    assert (bad_order, backlog_closed, backlog_elsewhere, wrong_period) == (0, 0, 0, 0)


def test_initial_backlog_has_long_waits(lake: tuple[Path, Manifest]) -> None:
    out, manifest = lake
    end = f"(date '{manifest.periods[0]}-01' + interval 1 month - interval 1 day)::date"
    ((over_52, over_65, over_78, over_2y),) = duckdb.execute(
        f"select count(*) filter (where {end} - clock_start > 364), "
        f"count(*) filter (where {end} - clock_start > 455), "
        f"count(*) filter (where {end} - clock_start > 546), "
        f"count(*) filter (where {end} - clock_start > 760) "
        f"from read_parquet('{out}/rtt_pathways/*/*.parquet') "
        f"where clock_start <= {end} and (clock_stop is null or clock_stop > {end})"
    ).fetchall()
    assert over_52 > over_65 > over_78 > 0
    assert over_2y == 0
