"""Rendered pages are reused until what they are made from changes: the published version, or
the operational state people change (every such change writes an audit event)."""

from __future__ import annotations

import shutil
from collections.abc import Hashable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oversight.home import Home
from oversight.publish.web import page_cache
from oversight.publish.web.app import create_app
from oversight.store import database
from oversight.store.models import AuditEvent


def test_an_audited_change_makes_pages_build_again(
    demo_home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(demo_home.root, tmp_path / "home")
    home = Home.at(tmp_path / "home")
    monkeypatch.setattr(page_cache, "RECHECK_S", 0.0)
    client = TestClient(create_app(home))
    built: list[str] = []
    real = page_cache.PageCache.put

    def counting(self: page_cache.PageCache, key: Hashable, body: bytes) -> None:
        built.append(str(key))
        real(self, key, body)

    monkeypatch.setattr(page_cache.PageCache, "put", counting)
    assert client.get("/england").status_code == 200
    assert client.get("/england").status_code == 200
    assert len(built) == 1  # the second answer came from the cache
    before = page_cache.operational_version(home)
    with database.session(home.database()) as s:
        s.add(AuditEvent(actor="test", action="annotation.add", subject="QMJ", detail={}))
    assert page_cache.operational_version(home) != before
    assert client.get("/england").status_code == 200
    assert len(built) == 2


def test_an_opened_case_shows_on_the_ics_page_with_its_public_summary(
    demo_home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.judge.escalation.case_support import open_qop

    shutil.copytree(demo_home.root, tmp_path / "home")
    home = Home.at(tmp_path / "home")
    monkeypatch.setattr(page_cache, "RECHECK_S", 0.0)
    client = TestClient(create_app(home))
    assert 'data-testid="escalation"' not in client.get("/icb/QMJ").text
    case = open_qop(home.database(), org="QMJ")
    html = client.get("/icb/QMJ").text  # the same app: its cached page was rebuilt
    section = html.split('data-testid="escalation"', 1)[1].split("</div>", 1)[0]
    assert case.summary in section and "Diagnostic review" in section
    assert "Escalation case: identified" in section
