"""The lake: where files live, atomic publication, leftovers of dead writers, Ibis reads."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from oversight.period import PeriodError
from oversight.store.lake import Lake, month_dir


def _table(icb: str, n: int, extra: bool = False) -> pa.Table:
    data = {"icb_code": [icb] * n, "period": [dt.date(2024, 6, 1)] * n, "x": list(range(n))}
    if extra:
        data["y"] = [1.5] * n
    return pa.table(data)


def test_layout_follows_the_data_model(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    assert lake.path("ae_attendances", "2024-06", "QMJ") == (
        tmp_path / "ae_attendances" / "2024-06" / "QMJ.parquet"
    )
    assert lake.path("beds", dt.date(2024, 6, 15), "QMF").parent.name == "2024-06"
    assert lake.revision_path("abc") == tmp_path / "_revisions" / "abc.parquet"
    with pytest.raises(PeriodError, match="period must look like 2024-06; got '2024-13'"):
        lake.path("beds", "2024-13", "QMJ")
    assert str(month_dir("2024-06")) == "2024-06"
    assert month_dir("_revisions") is None and month_dir("2024-6") is None


def test_publish_replaces_atomically_and_leaves_no_temporary(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    dest = lake.path("beds", "2024-06", "QMJ")
    for n in (3, 5):
        temp = lake.temp_path(dest.parent)
        pq.write_table(_table("QMJ", n), temp)
        lake.publish(temp, dest)
    assert pq.read_table(dest).num_rows == 5
    assert list(lake.temp_files()) == []


def test_publish_copy_links_the_immutable_revision(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    source = lake.revision_path("r1")
    source.parent.mkdir(parents=True)
    pq.write_table(_table("QMJ", 4), source)
    dest = lake.path("beds", "2024-06", "QMJ")
    lake.publish_copy(source, dest)
    assert dest.samefile(source)
    assert pq.read_table(dest).equals(pq.read_table(source))


def test_orphan_temporaries_go_but_a_live_writers_stay(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    orphan = lake.temp_path(tmp_path / "beds" / "2024-06")
    orphan.write_bytes(b"half a file")
    with lake.staged(lake.revisions_dir()) as (live, _lock):
        live.write_bytes(b"being written")
        removed = lake.remove_orphan_temps()
        assert orphan in removed and not orphan.exists()
        assert live.exists()
    assert list(lake.temp_files()) == []


def test_a_killed_writers_temporary_is_recognised_as_orphan(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    code = (
        "import sys, time\n"
        "from oversight.store.lake import Lake\n"
        f"lake = Lake({str(tmp_path)!r})\n"
        "with lake.staged(lake.revisions_dir()) as (t, _):\n"
        "    t.write_bytes(b'x'); print('ready', flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    assert lake.remove_orphan_temps() == []  # alive: its lock is held
    proc.kill()
    proc.wait()
    removed = lake.remove_orphan_temps()
    assert len([p for p in removed if not p.name.endswith(".lock")]) == 1
    assert os.listdir(lake.revisions_dir()) == []


def test_table_reads_every_current_file_by_name(tmp_path: Path) -> None:
    lake = Lake(tmp_path)
    for icb, n, extra in (("QMJ", 2, False), ("QMF", 3, True)):
        dest = lake.path("beds", "2024-06", icb)
        temp = lake.temp_path(dest.parent)
        pq.write_table(_table(icb, n, extra), temp)
        lake.publish(temp, dest)
    lake.temp_path(lake.path("beds", "2024-06", "X").parent).write_bytes(b"not parquet")
    result = lake.table("beds").to_pyarrow()
    assert result.num_rows == 5
    assert set(result.column_names) == {"icb_code", "period", "x", "y"}
    assert sorted(set(result.column("icb_code").to_pylist())) == ["QMF", "QMJ"]


@pytest.mark.parametrize(
    ("dataset", "period", "org"),
    [
        ("beds", "2024-06", "../../../../x"),
        ("beds", "2024-06", "/tmp/x"),
        ("beds", "2024-06", "a/b"),
        ("beds", "2024-06", ".."),
        ("beds", "2024-06", ""),
        ("beds", "2024-06", "QMJ\x00"),
        ("beds", "2024-06", ".hidden"),
        ("../beds", "2024-06", "QMJ"),
        ("/etc", "2024-06", "QMJ"),
        ("..", "2024-06", "QMJ"),
        ("beds", dt.date(2024, 6, 1), "..\\..\\x"),
    ],
)
def test_a_path_outside_the_root_is_refused(tmp_path: Path, dataset, period, org) -> None:
    lake = Lake(tmp_path / "lake")
    with pytest.raises(ValueError, match="lake"):
        lake.path(dataset, period, org)


def test_a_period_part_that_leaves_the_root_is_refused(tmp_path: Path) -> None:
    lake = Lake(tmp_path / "lake")
    for period in ("../../2024-06", "2024-06/../..", "/2024-06"):
        with pytest.raises(ValueError):
            lake.path("beds", period, "QMJ")


@pytest.mark.parametrize("revision_id", ["../x", "/tmp/x", "..", "a/../../b", ""])
def test_a_revision_path_outside_the_root_is_refused(tmp_path: Path, revision_id) -> None:
    with pytest.raises(ValueError, match="lake"):
        Lake(tmp_path / "lake").revision_path(revision_id)


def test_a_symlinked_dataset_leading_outside_the_root_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "lake"
    root.mkdir()
    (root / "beds").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="outside"):
        Lake(root).path("beds", "2024-06", "QMJ")
    with pytest.raises(ValueError, match="lake"):
        Lake(root).table("../outside")


def test_ordinary_codes_stay_accepted(tmp_path: Path) -> None:
    lake = Lake(tmp_path / "lake")
    for org in ("QMJ", "Z9B2Z", "QMJ-A1", "Y56"):
        assert lake.path("ae_attendances", "2024-06", org).name == f"{org}.parquet"
