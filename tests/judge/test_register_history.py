"""A target's history follows its chain of versions back to the first and stops there, when a
local target stands, and the ends of a percentage target's range (SQLite;
the register's rules on both databases are test_target_register.py's)."""

from __future__ import annotations

import warnings
from pathlib import Path

from tests.judge.register_support import QOP, local_spec

from oversight.catalogue import load
from oversight.judge import register
from oversight.period import Period
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


def test_a_local_target_stands_from_the_month_it_was_set_to_its_deadline(tmp_path: Path) -> None:
    import datetime as dt

    engine = database.connect(f"sqlite:///{tmp_path / 'oversight.db'}")
    v1 = register.add(engine, local_spec(date_set=dt.date(2025, 4, 20)), QOP, load())
    register.publish(engine, v1.id, QOP, "Agreed")
    for month, stands in (("2025-03", False), ("2025-04", True), ("2026-03", True),
                          ("2026-04", False)):  # fmt: skip
        found = [t.id for t in register.standing_targets(engine, Period.parse_month(month))]
        assert found == ([v1.id] if stands else []), month


def test_a_percentage_target_of_0_or_100_is_accepted() -> None:
    from oversight.judge.target_input import check

    for value in (0.0, 100.0):
        assert check(local_spec(value=value, trajectory=[]), load()).value == value
