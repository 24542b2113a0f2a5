"""Inequality on the small test demo: stored with the judgements, read back like other figures,
and the injected deprivation gradient seen (issue 12 acceptance; the default demo's figures are
in docs/assessment.md)."""

from __future__ import annotations

import json

import pytest

from oversight.home import Home
from oversight.judge import stage
from oversight.judge.assessment import acceptance, inequality_store

pytestmark = pytest.mark.slow


def test_measures_are_stored_with_the_judgements_and_read_back(demo_home: Home) -> None:
    judged = stage.latest(demo_home)
    assert judged is not None and (judged.path / inequality_store.FILE).exists()
    meta = json.loads((judged.path / inequality_store.META).read_text())
    assert meta["results_version"] == judged.id and meta["settings"]["repetitions"] == 1000
    frame = inequality_store.inequality(demo_home, metric="ae_4hr", window="12 months")
    assert set(frame["org_type"]) == {"icb", "region", "england"}
    england = inequality_store.inequality(demo_home, metric="ae_4hr", org="ENG")
    assert england["sii"].notna().all() and (england["sii_lower"] < england["sii_upper"]).all()


def test_injected_deprivation_gradient_shows_in_the_sii(demo_home: Home) -> None:
    manifest = json.loads(demo_home.synthetic_manifest.read_text())
    frame = inequality_store.inequality(demo_home)
    found = {(o["id"], o["window"]): o for o in acceptance.outcomes(frame, manifest)}
    pooled = found[("ae-imd-gradient", "12 months")]
    assert pooled["windows"] >= 1
    assert pooled["injected_excludes_zero_with_sign"] == 1.0, pooled
    assert pooled["others_include_zero"] >= 0.8, pooled
    assert pooled["median_sii_injected"] > pooled["median_sii_others"] + 5, pooled
