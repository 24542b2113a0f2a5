"""`catalogue check` warns when national targets grow past the limit or leave a protected
area (mental health, community services) without a target."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from oversight.catalogue.commands import catalogue_app
from oversight.catalogue.compile import compile_catalogue
from oversight.catalogue.files import DEFAULT_DIR
from oversight.catalogue.problems import Problem

from .conftest import CatalogueCopy


def warnings_of(root: Any, **kwargs: Any) -> list[Problem]:
    _, problems = compile_catalogue(root, **kwargs)
    return [p for p in problems if p.severity == "warning"]


def protected(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.entry, p.reason) for p in problems if "protected area" in p.reason]


def test_shipped_catalogue_warns_for_the_years_without_protected_targets() -> None:
    assert protected(warnings_of(DEFAULT_DIR)) == [
        (
            "2024-25-MH1",
            "no national target in 2024/25 is on a community services metric (a protected area)",
        ),
        (
            "2025-26-FIN1",
            "no national target in 2025/26 is on a mental health metric (a protected area)",
        ),
        (
            "2025-26-FIN1",
            "no national target in 2025/26 is on a community services metric (a protected area)",
        ),
    ]


def test_every_shipped_metric_names_its_domain() -> None:
    catalogue, _ = compile_catalogue(DEFAULT_DIR)
    assert catalogue is not None
    assert [m.id for m in catalogue.metrics.values() if m.domain is None] == []


def test_2023_24_covers_both_protected_areas_until_its_targets_move(
    catalogue_copy: CatalogueCopy,
) -> None:
    assert not [r for e, r in protected(warnings_of(catalogue_copy.root)) if "2023/24" in r]
    # the only 2023/24 community services target (urgent community response) moves to cancer
    catalogue_copy.edit(
        "national_targets.yaml",
        "2023-24-CHS1",
        lambda t: t.update(metric_id="cancer_62d", comparison=">="),
    )
    found = [r for _, r in protected(warnings_of(catalogue_copy.root)) if "2023/24" in r]
    assert found == [
        "no national target in 2023/24 is on a community services metric (a protected area)"
    ]


def test_a_mental_health_target_clears_the_2025_26_warning(catalogue_copy: CatalogueCopy) -> None:
    catalogue_copy.append(
        "national_targets.yaml",
        {
            "id": "2025-26-MH1",
            "scope": "national",
            "metric_id": "dementia_diagnosis_rate",
            "planning_year": "2025/26",
            "value": 66.7,
            "comparison": ">=",
            "deadline": "2026-03-31",
            "owner": "NHS England",
            "rationale": "test",
            "date_set": "2025-01-30",
            "status": "published",
            "source": "test",
            "verification": "synthetic",
        },
    )
    found = [r for _, r in protected(warnings_of(catalogue_copy.root)) if "2025/26" in r]
    assert found == [
        "no national target in 2025/26 is on a community services metric (a protected area)"
    ]


@pytest.mark.parametrize(
    ("domains", "expected"),
    [
        (("cancer",), []),  # every year has a cancer target
        (("workforce",), ["2023/24", "2024/25", "2025/26"]),
        (("finance",), ["2024/25"]),
    ],
)
def test_protected_domains_are_a_parameter(domains: tuple[str, ...], expected: list[str]) -> None:
    found = protected(warnings_of(DEFAULT_DIR, protected_domains=domains))
    assert [r.split(" in ")[1].split(" ")[0] for _, r in found] == expected


def test_more_national_targets_than_the_limit_warns() -> None:
    reasons = [p.reason for p in warnings_of(DEFAULT_DIR) if "national targets in" in p.reason]
    assert reasons == [
        "12 national targets in 2023/24 (limit 10 applies to headline targets; 10 are headline)"
    ]
    assert warnings_of(DEFAULT_DIR, max_national_targets=12) == [
        p for p in warnings_of(DEFAULT_DIR) if "national targets in" not in p.reason
    ]


def test_cli_prints_the_warnings_and_still_passes() -> None:
    result = CliRunner().invoke(catalogue_app, ["check"])
    assert result.exit_code == 0, result.output
    assert "2025-26-FIN1: no national target in 2025/26 is on a mental health metric" in (
        result.output
    )
    assert "catalogue OK (4 warning(s))" in result.output


def test_cli_protected_domain_option_replaces_the_list() -> None:
    result = CliRunner().invoke(catalogue_app, ["check", "--protected-domain", "cancer"])
    assert result.exit_code == 0, result.output
    assert "protected area" not in result.output


def test_cli_refuses_an_unknown_domain_naming_the_choices() -> None:
    result = CliRunner().invoke(catalogue_app, ["check", "--protected-domain", "mental_heath"])
    assert result.exit_code == 2
    assert "unknown domain mental_heath" in result.output
    assert "mental_health" in result.output
