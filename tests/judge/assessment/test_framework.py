"""Frameworks are data: the ICS and local-authority files load through one reader, the same
scoring engine rates both, and a broken file is refused with a message naming it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from oversight.judge.assessment import framework as fw
from oversight.judge.assessment import rate_overall, rate_theme, score_statement


def test_ics_framework_has_its_themes_statements_and_version() -> None:
    ics = fw.ics()
    assert ics.id == "cqc_ics" and ics.version
    assert [t.name for t in sorted(ics.themes.values(), key=lambda t: t.order)] == [
        "Leadership",
        "Integration",
        "Quality and safety",
    ]
    assert len(ics.statements) == 17 and len(ics.categories) == 6
    assert ics.ratings == ("Inadequate", "Requires improvement", "Good", "Outstanding")
    assert {r.id for r in ics.limiters} == {
        "good_capped_by_score_1",
        "outstanding_capped_by_score_1_or_2",
    }
    assert all(r.verification == "recalled" for r in ics.limiters)


def test_scoring_method_follows_the_assessment_date() -> None:
    ics = fw.ics()
    assert ics.method_on(dt.date(2024, 11, 30)) == "evidence_categories"
    assert ics.method_on(dt.date(2024, 12, 1)) == "quality_statement"


def test_local_authority_assessment_runs_on_the_same_engine() -> None:
    la = fw.local_authority()
    assert la.id == "cqc_local_authority" and la.settings.subject == "local_authority"
    assert len(la.themes) == 4 and len(la.statements) == 9
    scored = {s.id: 3 for s in la.statements_of("working_with_people")}
    scored["assessing_needs"] = 1
    theme = rate_theme(scored, framework=la, theme="working_with_people")
    assert theme.percentage.text() == "58.33%" and theme.rating == "Requires improvement"
    assert "Assessing needs 1" in theme.account[0]
    safety = rate_theme(
        {"safeguarding": 4, "safe_pathways_systems_and_transitions": 2},
        framework=la,
        theme="ensuring_safety",
    )
    overall = rate_overall([theme, safety], framework=la)
    assert overall.percentage.points == 13 and overall.scores["safeguarding"] == 4
    with pytest.raises(ValueError, match="not an evidence category of cqc_local_authority"):
        score_statement({"surveys": 3}, method="evidence_categories", framework=la)


def _broken(tmp_path: Path, change: str) -> Path:
    doc = yaml.safe_load((fw.DEFAULT_DIR / fw.ICS_FILE).read_text())
    if change == "gap":
        doc["score_bands"][1]["min_percent"] = 40
    elif change == "limiter":
        doc["limiter_rules"][0]["limit_to"] = "Fair"
    elif change == "block":
        del doc["framework"]
    path = tmp_path / "framework.yaml"
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("gap", "statement_score band statement_score_2 starts at 40%, expected 39%"),
        ("limiter", "limiter good_capped_by_score_1 names unknown rating 'Fair'"),
        ("block", "no `framework:` block"),
    ],
)
def test_a_broken_framework_file_is_refused(tmp_path: Path, change: str, message: str) -> None:
    with pytest.raises(fw.FrameworkError, match=r"framework\.yaml: ") as caught:
        fw.read(_broken(tmp_path, change))
    assert message in str(caught.value)
