"""The judge stage's one seam for targets: the home's register when it holds published targets,
else the catalogue's."""

from __future__ import annotations

from pathlib import Path

from tests.judge.register_support import NHSE

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge import register
from oversight.judge.stage import fingerprint
from oversight.judge.standing import national_target
from oversight.judge.target_source import targets
from oversight.period import Period

CAT = load()


def test_catalogue_before_a_register_and_no_database_is_created(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    found = targets(home, CAT)
    assert [t.id for t in found] == sorted(CAT.targets)
    assert home.database_file is not None and not home.database_file.exists()


def test_the_registers_published_targets_once_seeded(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    engine = home.database()
    assert [t.id for t in targets(home, CAT)] == sorted(CAT.targets)  # empty register
    register.seed(engine, CAT)
    published = sorted(t.id for t in CAT.targets.values() if t.status == "published")
    seeded = targets(home, CAT)
    assert [t.id for t in seeded] == published
    before = fingerprint(seeded, None)
    # retiring the standing national A&E target changes what the judge holds figures against
    month = Period.month_of("2024-04").start
    standing = national_target(seeded, "ae_4hr", month)
    assert standing is not None
    register.retire(engine, standing.id, NHSE, "replaced by new guidance")
    after = targets(home, CAT)
    assert standing.id not in {t.id for t in after}
    assert national_target(after, "ae_4hr", month) != standing
    assert fingerprint(after, None) != before
