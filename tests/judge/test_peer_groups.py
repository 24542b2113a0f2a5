"""Custom peer groups on SQLite and PostgreSQL: dated, audited, valid by date across the 2026
mergers, changed only by their owner, and refused (nothing stored) when a member is wrong."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from tests.judge.register_support import ADMIN, NHSE, QHL, QOP
from typer.testing import CliRunner

from oversight import config
from oversight.catalogue import load
from oversight.cli import app
from oversight.collect import tokens
from oversight.judge import peer_groups
from oversight.store import database
from oversight.store.models import AuditEvent
from oversight.store.register_models import CustomPeerGroup
from oversight.store.testing import database_url

__all__ = ["database_url"]

APRIL_2025 = dt.date(2025, 4, 1)


@pytest.fixture(scope="module")
def catalogue():
    return load()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    yield database.connect(database_url)


def _counts(engine: Engine) -> tuple[int, int]:
    with database.session(engine) as s:
        groups = s.scalar(select(func.count()).select_from(CustomPeerGroup))
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    return int(groups or 0), int(events or 0)


def test_an_icb_group_is_stored_dated_and_audited(engine, catalogue) -> None:
    group = peer_groups.add(
        engine, "Big conurbations", ["QOP", "QHL", "QWE", "QOP"], APRIL_2025, QOP, catalogue,
        reason="Compare with other conurbations", description="Urban ICBs",
    )  # fmt: skip
    assert (group.id, group.owner_org, group.members) == (
        "QOP-big-conurbations-20250401",
        "QOP",
        ("QOP", "QHL", "QWE"),
    )
    assert group.peers_of("QOP") == ("QHL", "QWE")
    with database.session(engine) as s:
        event = s.scalars(select(AuditEvent)).one()
    assert (event.actor, event.action, event.subject) == (
        "token:gm-performance",
        "peer_group.add",
        group.id,
    )
    assert event.detail["reason"] == "Compare with other conurbations"
    assert event.detail["members"] == ["QOP", "QHL", "QWE"]


def test_groups_valid_on_a_date(engine, catalogue) -> None:
    # before the 2026 mergers: QMJ and QRV exist; after: their successor Z9B2Z does
    before = peer_groups.add(engine, "London", ["QMJ", "QRV", "QKK"], APRIL_2025, NHSE, catalogue,
                             reason="London systems", valid_to=dt.date(2026, 3, 31))  # fmt: skip
    merged = dt.date(2026, 4, 1)
    after = peer_groups.add(engine, "London", ["Z9B2Z", "QKK"], merged, NHSE, catalogue,
                            reason="London after the merger")  # fmt: skip
    assert before.owner_org is None and before.id == "nhse-london-20250401"
    assert [g.id for g in peer_groups.groups_on(engine, dt.date(2025, 12, 1))] == [before.id]
    assert [g.id for g in peer_groups.groups_on(engine, dt.date(2026, 4, 1))] == [after.id]
    assert peer_groups.groups_on(engine, dt.date(2025, 3, 31)) == []
    # valid_to is the group's last day: on 31 March 2026 QKK is still compared with QMJ, QRV
    last_day = dt.date(2026, 3, 31)
    assert peer_groups.peers_on(engine, "QKK", last_day) == {before.id: ("QMJ", "QRV")}
    assert [g.id for g in peer_groups.groups_on(engine, dt.date(2026, 5, 1), owner="nhse")] == [
        after.id
    ]
    assert peer_groups.groups_on(engine, dt.date(2026, 5, 1), owner="QOP") == []
    assert peer_groups.peers_on(engine, "QKK", dt.date(2025, 12, 1)) == {before.id: ("QMJ", "QRV")}
    assert peer_groups.peers_on(engine, "QKK", dt.date(2026, 5, 1)) == {after.id: ("Z9B2Z",)}
    assert peer_groups.peers_on(engine, "QOP", dt.date(2026, 5, 1)) == {}
    retired = peer_groups.retire(
        engine, after.id, NHSE, reason="Regions redrawn", on=dt.date(2026, 9, 1)
    )
    assert retired.retired_on == dt.date(2026, 9, 1)
    with database.session(engine) as s:  # audited: who retired it, when from, and why
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "peer_group.retire")).one()
        assert (event.subject, event.detail["reason"], event.detail["retired_on"]) == (
            after.id, "Regions redrawn", "2026-09-01"
        )
    assert [g.id for g in peer_groups.groups_on(engine, dt.date(2026, 8, 31))] == [after.id]
    assert peer_groups.groups_on(engine, dt.date(2026, 9, 1)) == []
    assert len(peer_groups.listing(engine)) == 2  # retired groups stay in the history
    with pytest.raises(peer_groups.PeerGroupError, match="already retired on 2026-09-01"):
        peer_groups.retire(engine, after.id, NHSE, reason="again", on=dt.date(2026, 10, 1))


@pytest.mark.parametrize(
    ("members", "start", "end", "message"),
    [
        (["QOP"], APRIL_2025, None, "at least 2 different ICBs"),
        (["QOP", "QOP"], APRIL_2025, None, "at least 2 different ICBs"),
        (["QOP", "QZZ"], APRIL_2025, None, "unknown organisation 'QZZ'"),
        (
            ["QOP", "QOP-A1"],
            APRIL_2025,
            None,
            "QOP-A1 is a provider; a peer group's members are ICBs",
        ),
        (["QOP", "QMJ"], APRIL_2025, None, "QMJ ceased on 2026-03-31: end the group by then"),
        (
            ["QOP", "Z9B2Z"],
            APRIL_2025,
            None,
            "Z9B2Z did not exist on 2025-04-01 (formed 2026-04-01)",
        ),
        (
            ["QOP", "QHL"],
            APRIL_2025,
            dt.date(2025, 3, 1),
            "valid_to 2025-03-01 is before valid_from",
        ),
    ],
)
def test_bad_members_store_nothing(engine, catalogue, members, start, end, message) -> None:
    with pytest.raises(peer_groups.PeerGroupError, match=re.escape(message)):
        peer_groups.add(engine, "G", members, start, QOP, catalogue, reason="r", valid_to=end)
    assert _counts(engine) == (0, 0)


def test_a_reason_and_a_name_are_required(engine, catalogue) -> None:
    with pytest.raises(peer_groups.PeerGroupError, match="a reason is required to add"):
        peer_groups.add(engine, "G", ["QOP", "QHL"], APRIL_2025, QOP, catalogue, reason=" ")
    with pytest.raises(peer_groups.PeerGroupError, match="needs a name"):
        peer_groups.add(engine, "--", ["QOP", "QHL"], APRIL_2025, QOP, catalogue, reason="r")
    group = peer_groups.add(engine, "G", ["QOP", "QHL"], APRIL_2025, QOP, catalogue, reason="r")
    with pytest.raises(peer_groups.PeerGroupError, match="a reason is required to retire"):
        peer_groups.retire(engine, group.id, QOP, reason="", on=APRIL_2025)
    assert _counts(engine) == (1, 1)


@pytest.mark.parametrize(
    ("owner", "actor", "refusal"),
    [
        (QOP, QHL, "this peer group belongs to QOP; this token may not change it"),
        (QOP, NHSE, "this peer group belongs to QOP"),
        (QOP, ADMIN, None),
        (QOP, QOP, None),
        (NHSE, QOP, "national peer groups belong to NHS England"),
        (NHSE, NHSE, None),
    ],
)
def test_only_the_owner_retires_a_group(engine, catalogue, owner, actor, refusal) -> None:
    group = peer_groups.add(engine, "G", ["QOP", "QHL"], APRIL_2025, owner, catalogue, reason="r")
    if refusal is None:
        assert peer_groups.retire(engine, group.id, actor, reason="done", on=APRIL_2025).retired_on
        return
    with pytest.raises(peer_groups.PeerGroupError, match=refusal):
        peer_groups.retire(engine, group.id, actor, reason="done", on=APRIL_2025)
    assert peer_groups.listing(engine)[0].retired_on is None


def test_peer_group_command_line(database_url, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    home = tmp_path / "home"
    engine = config.home(home).database()
    qop = tokens.create("gm", "QOP", engine=engine)
    qhl = tokens.create("bsol", "QHL", engine=engine)

    def run(*args: str):
        return CliRunner().invoke(app, ["peer-group", *args, "--home", str(home)])

    add = ["add", "Conurbations", "--member", "QOP", "--member", "QHL", "--from", "2025-04-01"]
    done = run(*add, "--reason", "compare", "--token", qop)
    assert done.exit_code == 0, done.output
    assert "QOP-conurbations-20250401" in done.stdout
    done = run(*add, "--member", "QZZ", "--reason", "x", "--token", qop)
    assert done.exit_code == 2 and "unknown organisation 'QZZ'" in done.output
    assert run(*add, "--reason", "x").exit_code == 2  # no token
    listed = json.loads(run("list", "--on", "2025-06-01", "--json").stdout)
    assert [(g["id"], g["owner"], g["members"]) for g in listed] == [
        ("QOP-conurbations-20250401", "QOP", ["QOP", "QHL"])
    ]
    done = run(
        "retire", "QOP-conurbations-20250401", "--reason", "x", "--on", "2025-07-01", "--token", qhl
    )
    assert done.exit_code == 2 and "belongs to QOP" in done.output
    group = "QOP-conurbations-20250401"
    done = run("retire", group, "--reason", "Plan changed", "--on", "2025-07-01", "--token", qop)
    assert done.exit_code == 0, done.output
    assert json.loads(run("list", "--on", "2025-07-01", "--json").stdout) == []
    assert len(json.loads(run("list", "--json").stdout)) == 1
    assert run("list", "--on", "July").exit_code == 2
