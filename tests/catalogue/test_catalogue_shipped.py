"""The shipped catalogue: loads clean and says what the reference files say."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path

import pydantic
import pytest

from oversight.catalogue import CatalogueError, Provider, load
from oversight.catalogue.compile import compile_catalogue
from oversight.catalogue.files import DEFAULT_DIR

AREA_METRICS = {
    "A&E 4-hour": "ae_4hr",
    "12-hour waits in A&E": "ae_12hr_waits",
    "C1 mean": "ambulance_c1_mean",
    "C1 90th centile": "ambulance_c1_p90",
    "C2 mean": "ambulance_c2_mean",
    "C2 90th centile": "ambulance_c2_p90",
    "RTT 18 weeks": "rtt_18wk",
    "52 weeks": "rtt_over_52wk",
    "65 weeks": "rtt_over_65wk",
    "78 weeks": "rtt_over_78wk",
    "faster diagnosis": "cancer_fds_28d",
    "62-day": "cancer_62d",
    "62-day backlog": "cancer_62d_backlog",
    "diagnostics 6 weeks": "diagnostics_6wk",
    "talking therapies access": "tt_access",
    "talking therapies recovery": "tt_recovery",
    "CYP MH access": "cyp_mh_access",
    "out-of-area placements": "oap_bed_days",
    "dementia diagnosis": "dementia_diagnosis_rate",
    "GP within 2 weeks": "gp_appointments_2wk",
    "2-hour UCR": "ucr_2hr",
    "LD health checks": "ld_health_checks",
    "hypertension": "hypertension_treated",
    "G&A occupancy": "ga_bed_occupancy",
    "finance vs plan": "finance_vs_plan",
    "leaver rate": "staff_leaver_rate",
    "sickness absence": "sickness_absence",
}


def test_shipped_catalogue_has_no_errors() -> None:
    catalogue, problems = compile_catalogue(DEFAULT_DIR)
    assert catalogue is not None
    assert [p for p in problems if p.severity == "error"] == []


def test_load_is_cached_for_the_default_path() -> None:
    assert load() is load()


def test_load_of_an_explicit_path_reads_that_directory() -> None:
    assert load(DEFAULT_DIR).metrics.keys() == load().metrics.keys()


def test_42_icbs_in_7_regions_each_region_known() -> None:
    cat = load()
    assert len(cat.icbs) == 42
    assert sorted(cat.regions) == ["Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"]
    assert all(icb.region_code in cat.regions for icb in cat.icbs.values())


def test_icbs_match_the_reference_file(reference_dir: Path) -> None:
    cat = load()
    with (reference_dir / "icbs.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["code"] for r in rows} == set(cat.icbs)
    for row in rows:
        icb = cat.icbs[row["code"]]
        assert icb.population == int(row["population"])
        assert (icb.ons_code, icb.ons_code_2022) == (row["ons_code"], row["ons_code_2022"])
        assert (icb.name, icb.region_code) == (row["name"], row["region_code"])


def test_regions_match_the_reference_file(reference_dir: Path) -> None:
    cat = load()
    with (reference_dir / "regions.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            region = cat.regions[row["region_code"]]
            assert (region.ons_code, region.name) == (row["ons_code"], row["name"])
            count = sum(1 for i in cat.icbs.values() if i.region_code == region.code)
            assert count == int(row["icb_count"])


def test_icbs_on_and_region_of_follow_validity_dates() -> None:
    cat = load()
    assert len(cat.icbs_on(dt.date(2023, 6, 1))) == 42
    assert cat.icbs_on(dt.date(2022, 6, 1)) == []
    later = {i.code for i in cat.icbs_on(dt.date(2026, 5, 1))}
    assert "Z9B2Z" in later and "QMJ" not in later and "QMF" in later
    assert cat.region_of("QMJ", dt.date(2023, 1, 1)).name == "London"
    with pytest.raises(LookupError):
        cat.region_of("QMJ", dt.date(2026, 5, 1))
    assert cat.icbs["QMJ"].successor_code == "Z9B2Z"
    assert cat.merged_icbs["Z9B2Z"].predecessor_codes == ("QMJ", "QRV")
    assert all(m.verification == "uncertain" for m in cat.merged_icbs.values())


def test_every_icb_has_synthetic_acute_community_and_mental_health_providers() -> None:
    cat = load()
    for code in cat.icbs:
        kinds = [p.kind for p in cat.providers_of(code)]
        assert 1 <= kinds.count("acute") <= 3
        assert kinds.count("community") == 1 and kinds.count("mental_health") == 1
    assert all(p.synthetic and "(synthetic)" in p.name for p in cat.providers.values())
    ambulance = [p for p in cat.providers.values() if p.kind == "ambulance"]
    assert sorted(p.region_code or "" for p in ambulance) == sorted(cat.regions)
    for service in ambulance:
        assert cat.icbs[service.icb_code].region_code == service.region_code
    provider = cat.organisation("QMJ-A1")
    assert isinstance(provider, Provider) and provider.icb_code == "QMJ"
    assert cat.organisation("Y56").name == "London"


def test_datasets_carry_shared_and_person_columns() -> None:
    cat = load()
    assert len(cat.datasets) == 18  # 13 + 5 published returns (issue 15)
    person = {"record_id", "provider_code", "age_band", "sex", "ethnicity_group", "imd_decile"}
    for dataset in cat.datasets.values():
        names = set(dataset.column_names)
        assert {"icb_code", "period", "revision_id"} <= names
        assert (person <= names) == (dataset.grain == "record")
    ae = cat.datasets["ae_attendances"]
    assert ae.column("wait_minutes").type == "int32"  # type: ignore[union-attr]
    assert ae.column("department_type").allowed_values == ("type_1", "type_2", "other")  # type: ignore[union-attr]


def test_metrics_cover_every_objective_area() -> None:
    cat = load()
    assert len(cat.metrics) >= 25
    missing = {area: mid for area, mid in AREA_METRICS.items() if mid not in cat.metrics}
    assert missing == {}


def test_metric_statistics_and_directions_fit_their_units() -> None:
    cat = load()
    for metric in cat.metrics.values():
        items = [cat.data_items[i] for i in metric.data_item_ids]
        if metric.unit == "percent" and metric.kind == "ratio":
            assert metric.statistic in ("proportion", "rate"), metric.id
        if any(i.aggregation == "quantile" for i in items):
            assert metric.statistic == "duration_percentile", metric.id
        if any(i.aggregation == "mean" for i in items):
            assert metric.statistic == "mean", metric.id
        if all(i.grain == "record" for i in items):
            assert set(metric.breakdowns) == {
                "imd_decile",
                "imd_quintile",
                "ethnicity_group",
                "age_band",
                "sex",
            }, metric.id
    assert cat.metrics["ambulance_c1_mean"].multiplier == pytest.approx(1 / 60)
    assert cat.metrics["ae_4hr"].improvement == "increase"
    assert cat.metrics["ae_12hr_waits"].improvement == "decrease"


def test_collections_overlap_so_duplicated_burden_shows() -> None:
    cat = load()
    assert set(cat.data_items["ae_within_4_hours"].collections) >= {"ecds", "ae_sitrep"}
    assert "cqc_system_evidence" in cat.data_items["ae_over_12_hours"].collections
    assert "ae_4hr" in cat.collections["ae_sitrep"].metrics
    assert "CQC" in cat.collections["cqc_system_evidence"].requested_by


def test_national_targets_2023_24_match_the_objectives_file(reference_dir: Path) -> None:
    cat = load()
    with (reference_dir / "national_objectives_2023_24.csv").open(encoding="utf-8") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    targets = cat.national_targets("2023/24")
    assert len(targets) >= 10
    for target in targets:
        row = rows[target.objective_id]
        assert target.value == float(row["target_value"])
        assert target.deadline.isoformat() == row["deadline"][:10] or row["deadline"] == "ongoing"
        assert row["source"] in target.source
    assert sum(t.headline for t in targets) <= 10
    assert {t.planning_year for t in cat.targets.values()} >= {"2023/24", "2024/25", "2025/26"}


def test_local_targets_are_versioned_with_trajectories() -> None:
    cat = load()
    qmj = [t for t in cat.local_targets("QMJ") if t.metric_id == "ae_4hr"]
    assert [t.version for t in qmj] == [1, 2]
    assert qmj[1].supersedes == qmj[0].id
    current = [t.id for t in cat.current_local_targets("QMJ") if t.metric_id == "ae_4hr"]
    assert current == [qmj[1].id]
    first = qmj[0].trajectory[0]
    assert (first.period, first.value) == (dt.date(2023, 4, 1), 72.0)
    assert {t.status for t in cat.targets.values() if t.scope == "local"} == {"draft", "published"}
    assert qmj[0].met_by(78.0) and not qmj[0].met_by(77.9)


def test_catalogue_is_immutable() -> None:
    cat = load()
    with pytest.raises(TypeError):
        cat.metrics["x"] = cat.metrics["ae_4hr"]  # type: ignore[index]
    with pytest.raises(pydantic.ValidationError):
        cat.metrics["ae_4hr"].unit = "count"  # type: ignore[misc]  # frozen: the point of the test
    with pytest.raises(dataclasses.FrozenInstanceError):
        cat.metrics = {}  # type: ignore[misc]


def test_load_of_a_missing_directory_raises_catalogue_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as info:
        load(tmp_path / "nowhere")
    assert info.value.errors[0].reason == "not a directory"


def test_cqc_framework_keeps_its_verification_flags(reference_dir: Path) -> None:
    cat = load()
    with (reference_dir / "cqc_ics_quality_statements.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(cat.cqc_quality_statements) == len(rows) == 17
    by_title = {q.title: q for q in cat.cqc_quality_statements.values()}
    for row in rows:
        assert by_title[row["quality_statement"]].verification == row["verification"]
    assert [t.name for t in sorted(cat.cqc_themes.values(), key=lambda t: t.order)] == [
        "Leadership",
        "Integration",
        "Quality and safety",
    ]
    assert len(cat.quality_statements_of("integration")) == 3
    assert len(cat.cqc_evidence_categories) == 6
    good = cat.cqc_score_bands["rating_good"]
    assert (good.min_percent, good.max_percent) == (63, 87)
