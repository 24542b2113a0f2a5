"""Same seed, same bytes; a different seed, different data."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from oversight.synth import generate


def digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run(out: Path, seed: int, catalogue: Any, workers: int = 2) -> dict[str, str]:
    generate(
        out,
        scale=0.004,
        months=1,
        start="2024-11",
        seed=seed,
        progress=False,
        workers=workers,
        catalogue=catalogue,
    )
    return digest(out)


def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(
    tmp_path: Path, catalogue: Any
) -> None:
    first = run(tmp_path / "a", 3, catalogue, workers=2)
    second = run(tmp_path / "b", 3, catalogue, workers=1)
    assert first == second  # and the number of worker processes does not matter
    assert len(first) == 13 * 42 + 1  # every dataset × ICB × month, plus the manifest
    other = run(tmp_path / "c", 4, catalogue)
    assert other.keys() == first.keys()
    assert all(first[k] != other[k] for k in first)


def test_a_few_datasets_are_the_same_bytes_as_in_the_whole_lake(
    tmp_path: Path, catalogue: Any
) -> None:
    import json

    import pytest

    whole = run(tmp_path / "a", 3, catalogue)
    chosen = ("ambulance_incidents", "gp_appointments")
    generate(tmp_path / "b", scale=0.004, months=1, start="2024-11", seed=3, progress=False,
             catalogue=catalogue, datasets=chosen)
    part = digest(tmp_path / "b")
    manifest = "_synth/manifest.json"
    assert {k.split("/")[0] for k in part if k != manifest} == set(chosen)
    assert {k: v for k, v in part.items() if k != manifest} == {
        k: v for k, v in whole.items() if k.split("/")[0] in chosen
    }
    written = json.loads((tmp_path / "b" / manifest).read_text())
    assert sorted(written["datasets"]) == sorted(chosen)
    assert written["injections"] == json.loads((tmp_path / "a" / manifest).read_text())[
        "injections"
    ]
    for bad, says in (((), "no datasets named"), (("ae", "rtt_pathways"), "unknown datasets ae")):
        with pytest.raises(ValueError, match=says):
            generate(tmp_path / "c", scale=0.004, months=1, start="2024-11", seed=3,
                     progress=False, catalogue=catalogue, datasets=bad)
