"""The mutation runner's test selection (bench/mutation.py): who can kill a mutant."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import mutation  # type: ignore[import-not-found]


def _mutant(*lines: int) -> mutation.Mutant:
    return mutation.Mutant("m", "pkg/mod.py", lines[0], lines, "f", "< -> <=", "<", "<=")


def _package() -> mutation.Package:
    package = mutation.Package(
        "judge", {"source": ["src/oversight/judge"], "tests": ["tests/judge"]}
    )
    package.hits = {
        "pkg/mod.py": {
            "1": [mutation.COLLECT],
            "5": ["t::slow"],
            "6": ["fixture:lake"],
            "7": ["t::fast", "<between>"],
        }
    }
    package.durations = {"t::slow": 3.0, "t::fast": 0.1, "t::uses_lake": 0.5, "t::other": 0.2}
    package.fixtures = {
        "t::slow": [],
        "t::fast": ["tmp_path"],
        "t::uses_lake": ["lake", "tmp_path"],
        "t::other": [],
    }
    return package


def test_the_package_lists_its_sources_and_test_files() -> None:
    package = _package()
    assert package.tests == ["tests/judge"]
    names = [str(p.relative_to(mutation.ROOT / "src")) for p in package.sources]
    assert "oversight/judge/targets.py" in names and names == sorted(names)
    assert all(n.startswith("oversight/judge/") and n.endswith(".py") for n in names)


def test_a_mutant_runs_the_tests_that_reach_any_of_its_lines_fastest_first() -> None:
    assert _package().reaching(_mutant(5, 7)) == ["t::fast", "t::slow"]


def test_a_line_run_by_a_shared_fixture_counts_for_every_test_using_it() -> None:
    assert _package().reaching(_mutant(6)) == ["t::uses_lake"]


def test_a_line_run_at_import_needs_every_test_and_an_unreached_one_none() -> None:
    # every test of the package, fastest first (each with its traced duration as budget)
    assert _package().reaching(_mutant(1, 5)) == ["t::fast", "t::other", "t::uses_lake",
                                                   "t::slow"]
    assert _package().reaching(_mutant(9)) == []


def test_the_equivalent_mutant_list_loads_and_each_says_why() -> None:
    # stale ids (the code moved on) are reported by a full run as stale_equivalents
    packages, equivalent = mutation.load_config()
    judge = {"judge/core", "judge/segmentation", "judge/escalation", "judge/assessment"}
    assert {"stats", "collect/validation", "metrics/rollup"} | judge <= set(packages)
    assert all(i.startswith("oversight/") and "::" in i for i in equivalent)
    assert all(len(reason) > 20 for reason in equivalent.values())
