"""Segmentation rule sets in the catalogue: the shipped three, and what `check` catches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from oversight.catalogue import load
from oversight.catalogue.commands import catalogue_app
from oversight.catalogue.compile import compile_catalogue
from oversight.catalogue.problems import Problem
from oversight.period import Period

from .conftest import CatalogueCopy

Edit = Callable[[dict[str, Any]], None]


def edit_rule_set(copy: CatalogueCopy, rule_id: str, change: Edit) -> Path:
    path = copy.root / "rule_sets" / f"{rule_id}.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc["rule_set"])
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def errors_of(copy: CatalogueCopy) -> list[Problem]:
    _, problems = compile_catalogue(copy.root)
    return [p for p in problems if p.severity == "error"]


def scored(rule: dict[str, Any], metric: str) -> dict[str, Any]:
    found: dict[str, Any] = next(m for m in rule["metrics"] if m["metric"] == metric)
    return found


def test_shipped_rule_sets_load_with_known_metrics() -> None:
    cat = load()
    assert list(cat.rule_sets) == ["nof-2022", "nof-2025", "nof-2026"]
    for rule_set in cat.rule_sets.values():
        assert rule_set.org_type == "icb"
        assert all(m in cat.metrics for m in rule_set.metric_ids)
        assert all(cat.metrics[m].improvement != "neutral" for m in rule_set.metric_ids)


def test_unconfirmed_numbers_are_flagged_in_the_shipped_files() -> None:
    cat = load()
    nof2026 = cat.rule_sets["nof-2026"]
    assert nof2026.cut is not None and nof2026.cut.kind == "thresholds"
    assert [t.unconfirmed for t in nof2026.cut.thresholds] == [True, True, True]
    assert cat.rule_sets["nof-2025"].cut.unconfirmed  # type: ignore[union-attr]
    assert cat.rule_sets["nof-2025"].min_scored_share.unconfirmed
    assert cat.rule_sets["nof-2022"].proposal.unconfirmed  # type: ignore[union-attr]
    assert not cat.rule_sets["nof-2025"].financial_override.unconfirmed  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        ("2023-Q1", "nof-2022"),
        ("2025-Q3", "nof-2025"),
        ("2026-Q1", "nof-2025"),
        ("2026-Q3", "nof-2026"),
        ("2022-Q1", None),
    ],
)
def test_rule_set_in_force_for_a_quarter(quarter: str, expected: str | None) -> None:
    found = load().rule_set_for("icb", Period.parse_quarter(quarter))
    assert (found.id if found else None) == expected


def _set_metric(metric: str, field: str, value: Any) -> Edit:
    return lambda rule: scored(rule, metric).__setitem__(field, value)


def _swap_brackets(rule: dict[str, Any]) -> None:
    brackets = scored(rule, "finance_vs_plan")["brackets"]
    brackets[0]["bound"]["value"], brackets[1]["bound"]["value"] = -5000, 0


def _rename_metric(rule: dict[str, Any]) -> None:
    scored(rule, "ae_4hr")["metric"] = "ae_four_hour"


def _thresholds(values: list[float]) -> Edit:
    def change(rule: dict[str, Any]) -> None:
        for t, v in zip(rule["cut"]["thresholds"], values, strict=True):
            t["value"] = v

    return change


def _theme_metric(rule: dict[str, Any]) -> None:
    rule["themes"][1]["metrics"] = ["hypertension_controlled"]


def _neutral(rule: dict[str, Any]) -> None:
    rule["metrics"].append({"metric": "ae_attendances"})


def _quartiles_with_thresholds(rule: dict[str, Any]) -> None:
    rule["cut"]["thresholds"] = [{"value": 2, "source": "x"}] * 3


BREAKAGES: list[tuple[str, str, Edit, str]] = [
    ("nof-2025", "unknown metric", _rename_metric, "unknown metric 'ae_four_hour'"),
    ("nof-2022", "unknown theme metric", _theme_metric, "unknown metric 'hypertension_controlled'"),
    (
        "nof-2025",
        "floor better than standard (higher is better)",
        _set_metric("cancer_62d", "floor", {"value": 90, "source": "test"}),
        "standard 85 must be better than floor 90 (higher is better)",
    ),
    (
        "nof-2026",
        "standard worse than floor (lower is better)",
        _set_metric("ambulance_c2_mean", "floor", {"value": 15, "source": "test"}),
        "standard 18 must be better than floor 15 (lower is better)",
    ),
    (
        "nof-2025",
        "brackets the wrong way",
        _swap_brackets,
        "bracket bounds -5000, 0, -15000 must get worse",
    ),
    ("nof-2025", "neutral metric scored", _neutral, "ae_attendances cannot be scored"),
    (
        "nof-2026",
        "thresholds out of order",
        _thresholds([2.5, 1.75, 3.25]),
        "thresholds out of order",
    ),
    ("nof-2026", "equal thresholds", _thresholds([1.75, 1.75, 3.25]), "thresholds out of order"),
    (
        "nof-2026",
        "threshold beyond the score range",
        _thresholds([1.75, 2.5, 4.5]),
        "between 1 and 4",
    ),
    ("nof-2025", "quartiles with thresholds", _quartiles_with_thresholds, "a quartile cut has no"),
    (
        "nof-2022",
        "proposal steps not rising",
        lambda r: r["proposal"]["steps"][2].__setitem__("segment", 2),
        "proposal steps must rise",
    ),
    (
        "nof-2025",
        "unconfirmed flag misspelt",
        lambda r: r["cut"].__setitem__("unconfirm", True),
        "Extra inputs are not permitted",
    ),
    (
        "nof-2025",
        "number without a source",
        _set_metric("ae_4hr", "standard", {"value": 95}),
        "source: Field required",
    ),
]


@pytest.mark.parametrize(
    ("rule_id", "change", "words"),
    [(b[0], b[2], b[3]) for b in BREAKAGES],
    ids=[b[1] for b in BREAKAGES],
)
def test_rule_set_breakage_is_reported(
    catalogue_copy: CatalogueCopy, rule_id: str, change: Edit, words: str
) -> None:
    edit_rule_set(catalogue_copy, rule_id, change)
    errors = errors_of(catalogue_copy)
    assert any(
        p.file == f"rule_sets/{rule_id}.yaml" and p.entry == rule_id and words in p.reason
        for p in errors
    ), errors


def test_file_must_be_named_by_its_rule_set(catalogue_copy: CatalogueCopy) -> None:
    path = catalogue_copy.root / "rule_sets" / "nof-2025.yaml"
    path.rename(path.with_name("nof-25.yaml"))
    errors = errors_of(catalogue_copy)
    assert [(p.file, p.reason) for p in errors] == [
        ("rule_sets/nof-25.yaml", "file name must be the rule set id (nof-2025.yaml)")
    ]


def test_catalogue_check_command_fails_on_a_broken_rule_set(catalogue_copy: CatalogueCopy) -> None:
    edit_rule_set(catalogue_copy, "nof-2026", _thresholds([3.0, 2.0, 3.5]))
    result = CliRunner().invoke(catalogue_app, ["check", "--path", str(catalogue_copy.root)])
    assert result.exit_code == 1
    assert "rule_sets/nof-2026.yaml: nof-2026" in result.output
    assert "thresholds out of order: 3, 2, 3.5" in result.output


def test_catalogue_show_lists_rule_sets() -> None:
    result = CliRunner().invoke(catalogue_app, ["show", "rule_sets", "nof-2026"])
    assert result.exit_code == 0, result.output
    assert "kind: thresholds" in result.output
    assert "unconfirmed: true" in result.output
