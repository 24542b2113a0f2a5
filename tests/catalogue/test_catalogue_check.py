"""`catalogue check` fails on each kind of breakage, naming the file and the entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from oversight.catalogue import CatalogueError, load
from oversight.catalogue.commands import catalogue_app
from oversight.catalogue.compile import compile_catalogue
from oversight.catalogue.problems import Problem

from .conftest import CatalogueCopy

Change = Callable[[dict[str, Any]], None]


def setter(field: str, value: Any) -> Change:
    return lambda entry: entry.__setitem__(field, value)


def dropper(field: str) -> Change:
    return lambda entry: entry.pop(field)


def first_filter_op(op: str) -> Change:
    return lambda entry: entry["filter"][0].__setitem__("op", op)


def late_trajectory(entry: dict[str, Any]) -> None:
    entry["trajectory"].append(["2024-06-01", 79.0])


BREAKAGES: list[tuple[str, str, str, Change, str]] = [
    # (kind, file, entry, change, words expected in the reason)
    ("icb unknown region", "icbs.yaml", "QMJ", setter("region_code", "Y57"), "unknown region"),
    ("bad ODS code", "icbs.yaml", "QMF", setter("code", "QM"), "not a valid ICB ODS code"),
    ("negative population", "icbs.yaml", "QKK", setter("population", -5), "population"),
    ("provider unknown ICB", "providers.yaml", "QMJ-A1", setter("icb_code", "QZZ"), "unknown ICB"),
    ("unknown provider kind", "providers.yaml", "QMJ-C1", setter("kind", "hospice"), "kind"),
    (
        "item unknown dataset",
        "data_items.yaml",
        "ae_attendances",
        setter("dataset", "ae_visits"),
        "unknown dataset",
    ),
    (
        "item column not in dataset",
        "data_items.yaml",
        "gp_appointments",
        setter("column", "appointments_booked"),
        "not in dataset gp_appointments",
    ),
    (
        "unknown aggregation",
        "data_items.yaml",
        "tt_referrals",
        setter("aggregation", "median"),
        "aggregation",
    ),
    ("unknown filter op", "data_items.yaml", "ae_within_4_hours", first_filter_op("~="), "op"),
    (
        "metric unknown data item",
        "metrics.yaml",
        "ae_4hr",
        setter("numerator", "ae_within_4h"),
        "unknown data item",
    ),
    (
        "metric without improvement",
        "metrics.yaml",
        "rtt_18wk",
        dropper("improvement"),
        "improvement: Field required",
    ),
    ("metric without unit", "metrics.yaml", "cancer_62d", dropper("unit"), "unit: Field required"),
    ("unknown metric kind", "metrics.yaml", "tt_access", setter("kind", "index"), "kind"),
    (
        "unknown improvement",
        "metrics.yaml",
        "tt_recovery",
        setter("improvement", "up"),
        "improvement",
    ),
    (
        "ratio without denominator",
        "metrics.yaml",
        "ucr_2hr",
        dropper("denominator"),
        "needs a denominator",
    ),
    (
        "breakdown on aggregate item",
        "metrics.yaml",
        "diagnostics_6wk",
        setter("breakdowns", ["sex"]),
        "breakdowns need record-level",
    ),
    (
        "collection unknown data item",
        "collections.yaml",
        "ecds",
        setter("data_items", ["ae_attendances", "ae_triage"]),
        "unknown data item 'ae_triage'",
    ),
    (
        "target unknown metric",
        "national_targets.yaml",
        "2023-24-UEC1",
        setter("metric_id", "ae_four_hour"),
        "unknown metric",
    ),
    (
        "local target unknown ICB",
        "local_targets.yaml",
        "QOP-rtt_over_52wk-2023-24-v1",
        setter("icb_code", "QZZ"),
        "unknown ICB",
    ),
    (
        "trajectory after deadline",
        "local_targets.yaml",
        "QMJ-ae_4hr-2023-24-v1",
        late_trajectory,
        "trajectory point 2024-06-01 is outside",
    ),
    (
        "trajectory before date set",
        "local_targets.yaml",
        "QMJ-ae_4hr-2023-24-v2",
        setter("date_set", "2023-11-20"),
        "trajectory point 2023-10-01 is outside",
    ),
    (
        "comparison against direction",
        "national_targets.yaml",
        "2023-24-UEC2",
        setter("comparison", ">="),
        "contradicts improvement",
    ),
]


def errors_of(copy: CatalogueCopy, **kwargs: Any) -> list[Problem]:
    _, problems = compile_catalogue(copy.root, **kwargs)
    return [p for p in problems if p.severity == "error"]


@pytest.mark.parametrize(
    ("file", "entry", "change", "words"),
    [b[1:] for b in BREAKAGES],
    ids=[b[0] for b in BREAKAGES],
)
def test_breakage_is_reported_with_file_and_entry(
    catalogue_copy: CatalogueCopy, file: str, entry: str, change: Change, words: str
) -> None:
    catalogue_copy.edit(file, entry, change)
    errors = errors_of(catalogue_copy)
    named = entry if not (file == "icbs.yaml" and words.startswith("not a valid")) else "QM"
    assert any(p.file == file and p.entry == named and words in p.reason for p in errors), errors


def test_duplicate_id_names_both_files(catalogue_copy: CatalogueCopy) -> None:
    catalogue_copy.append("metrics.yaml", catalogue_copy.entry("metrics.yaml", "ae_4hr"))
    errors = errors_of(catalogue_copy)
    assert [(p.file, p.entry, p.reason) for p in errors] == [
        ("metrics.yaml", "ae_4hr", "duplicate id (first defined in metrics.yaml)")
    ]


def test_duplicate_target_id_across_national_and_local_files(catalogue_copy: CatalogueCopy) -> None:
    clash = catalogue_copy.entry("local_targets.yaml", "QHL-cancer_fds_28d-2024-25-v1")
    clash["id"] = "2023-24-UEC1"
    catalogue_copy.append("local_targets.yaml", clash)
    reasons = {(p.file, p.entry, p.reason) for p in errors_of(catalogue_copy)}
    assert (
        "local_targets.yaml",
        "2023-24-UEC1",
        "duplicate id (first defined in national_targets.yaml)",
    ) in reasons


def test_more_headline_national_targets_than_the_limit_fails(
    catalogue_copy: CatalogueCopy,
) -> None:
    assert errors_of(catalogue_copy, max_national_targets=10) == []
    errors = errors_of(catalogue_copy, max_national_targets=8)
    assert [(p.file, p.entry) for p in errors] == [("national_targets.yaml", "2023-24-LDA1")]
    assert "10 headline national targets in 2023/24, more than the limit of 8" in errors[0].reason


def test_marking_an_extra_target_headline_breaks_the_default_limit(
    catalogue_copy: CatalogueCopy,
) -> None:
    catalogue_copy.edit("national_targets.yaml", "2023-24-MH4", setter("headline", True))
    errors = errors_of(catalogue_copy)
    assert len(errors) == 1 and "11 headline national targets in 2023/24" in errors[0].reason


def test_wrong_schema_version_is_a_file_problem(catalogue_copy: CatalogueCopy) -> None:
    path = catalogue_copy.root / "regions.yaml"
    path.write_text(path.read_text().replace("schema_version: 1", "schema_version: 2"))
    assert [(p.file, p.entry) for p in errors_of(catalogue_copy)] == [("regions.yaml", "-")]


def test_every_problem_is_reported_not_just_the_first(catalogue_copy: CatalogueCopy) -> None:
    catalogue_copy.edit("icbs.yaml", "QMJ", setter("region_code", "Y57"))
    catalogue_copy.edit("metrics.yaml", "ae_4hr", setter("numerator", "nope"))
    catalogue_copy.edit("metrics.yaml", "rtt_18wk", dropper("improvement"))
    catalogue_copy.edit("national_targets.yaml", "2023-24-UEC1", setter("metric_id", "nope"))
    entries = {(p.file, p.entry) for p in errors_of(catalogue_copy)}
    assert entries == {
        ("icbs.yaml", "QMJ"),
        ("metrics.yaml", "ae_4hr"),
        ("metrics.yaml", "rtt_18wk"),
        ("national_targets.yaml", "2023-24-UEC1"),
    }


def test_load_raises_catalogue_error_with_the_same_problems(catalogue_copy: CatalogueCopy) -> None:
    catalogue_copy.edit("providers.yaml", "QMJ-A1", setter("icb_code", "QZZ"))
    catalogue_copy.edit("collections.yaml", "ecds", setter("data_items", ["nothing_here"]))
    with pytest.raises(CatalogueError) as info:
        load(catalogue_copy.root)
    assert list(info.value.errors) == errors_of(catalogue_copy)
    assert "providers.yaml: QMJ-A1: unknown ICB 'QZZ'" in str(info.value)


def test_cli_check_passes_on_the_shipped_catalogue() -> None:
    result = CliRunner().invoke(catalogue_app, ["check"])
    assert result.exit_code == 0, result.output
    assert "catalogue OK" in result.output and "42 icbs" in result.output


def test_cli_check_fails_naming_file_and_entry(catalogue_copy: CatalogueCopy) -> None:
    catalogue_copy.edit("data_items.yaml", "gp_appointments", setter("dataset", "gp_visits"))
    catalogue_copy.edit("local_targets.yaml", "QMJ-ae_4hr-2023-24-v1", late_trajectory)
    result = CliRunner().invoke(catalogue_app, ["check", "--path", str(catalogue_copy.root)])
    assert result.exit_code == 1
    assert "data_items.yaml: gp_appointments: unknown dataset 'gp_visits'" in result.output
    assert "local_targets.yaml: QMJ-ae_4hr-2023-24-v1: trajectory point 2024-06-01" in result.output
    assert "2 problem(s)" in result.output


def test_cli_max_national_targets_option(catalogue_copy: CatalogueCopy) -> None:
    args = ["check", "--path", str(catalogue_copy.root), "--max-national-targets", "5"]
    result = CliRunner().invoke(catalogue_app, args)
    assert result.exit_code == 1
    assert "national_targets.yaml: 2023-24-LDA1:" in result.output


def test_cli_show_prints_one_entry() -> None:
    result = CliRunner().invoke(catalogue_app, ["show", "icbs", "QMJ"])
    assert result.exit_code == 0
    assert "name: NHS North Central London Integrated Care Board" in result.output
    missing = CliRunner().invoke(catalogue_app, ["show", "metrics", "nope"])
    assert missing.exit_code == 1


def test_cqc_statement_with_unknown_theme_and_band_gap(catalogue_copy: CatalogueCopy) -> None:
    path = catalogue_copy.root / "cqc_framework.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("theme_id: integration", "theme_id: integrashun", 1)
    text = text.replace("min_percent: 63", "min_percent: 64")
    path.write_text(text, encoding="utf-8")
    found = {(p.file, p.entry, p.reason) for p in errors_of(catalogue_copy)}
    assert (
        "cqc_framework.yaml",
        "safe_systems_pathways_and_transitions",
        "unknown theme 'integrashun'",
    ) in found
    assert (
        "cqc_framework.yaml",
        "rating_good",
        "rating band starts at 64%, expected 63% (gap or overlap)",
    ) in found
