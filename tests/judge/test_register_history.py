"""A target's history follows its chain of versions back to the first and stops there (SQLite;
the register's rules on both databases are test_target_register.py's)."""

from __future__ import annotations

import warnings
from pathlib import Path

from tests.judge.register_support import QOP, local_spec

from oversight.catalogue import load
from oversight.judge import register
from oversight.store import database


def test_the_history_of_a_revision_walks_back_to_the_first_version_and_stops(
    tmp_path: Path,
) -> None:
    engine = database.connect(f"sqlite:///{tmp_path / 'oversight.db'}")
    catalogue = load()
    v1 = register.add(engine, local_spec(), QOP, catalogue)
    register.publish(engine, v1.id, QOP, "Agreed")
    v2 = register.revise(engine, v1.id, QOP, catalogue, "Winter", value=76.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no lookup of a missing (None) predecessor
        events = register.history(engine, v2.id)
    assert [(e.action, e.target_id) for e in events] == [
        ("target.add", v1.id),
        ("target.publish", v1.id),
        ("target.revise", v2.id),
    ]
