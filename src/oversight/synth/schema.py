"""Arrow schemas of the lake's datasets, exactly as docs/data-model.md defines them."""

from __future__ import annotations

import pyarrow as pa

TIMESTAMP = pa.timestamp("us")

SHARED = [
    pa.field("icb_code", pa.string(), nullable=False),
    pa.field("period", pa.date32(), nullable=False),
    pa.field("revision_id", pa.string(), nullable=False),
]
PERSON = [
    pa.field("record_id", pa.int64(), nullable=False),
    pa.field("provider_code", pa.string(), nullable=False),
    pa.field("age_band", pa.string(), nullable=False),
    pa.field("sex", pa.string(), nullable=False),
    pa.field("ethnicity_group", pa.string(), nullable=False),
    pa.field("imd_decile", pa.int8(), nullable=False),
]

RECORD_EXTRA: dict[str, list[pa.Field]] = {
    "ae_attendances": [
        pa.field("arrival_time", TIMESTAMP, nullable=False),
        pa.field("departure_time", TIMESTAMP, nullable=False),
        pa.field("wait_minutes", pa.int32(), nullable=False),
        pa.field("department_type", pa.string(), nullable=False),
        pa.field("admitted", pa.bool_(), nullable=False),
    ],
    "ambulance_incidents": [
        pa.field("call_time", TIMESTAMP, nullable=False),
        pa.field("category", pa.string(), nullable=False),
        pa.field("response_seconds", pa.int32(), nullable=False),
    ],
    "rtt_pathways": [
        pa.field("clock_start", pa.date32(), nullable=False),
        pa.field("clock_stop", pa.date32()),
        pa.field("treatment_function", pa.string(), nullable=False),
    ],
    "cancer_referrals": [
        pa.field("referral_date", pa.date32(), nullable=False),
        pa.field("outcome_date", pa.date32()),
        pa.field("cancer_confirmed", pa.bool_(), nullable=False),
        pa.field("treatment_date", pa.date32()),
    ],
    "talking_therapies_referrals": [
        pa.field("referral_date", pa.date32(), nullable=False),
        pa.field("first_treatment_date", pa.date32()),
        pa.field("finished_course", pa.bool_(), nullable=False),
        pa.field("at_caseness", pa.bool_(), nullable=False),
        pa.field("recovered", pa.bool_(), nullable=False),
    ],
}

_COUNT, _MONEY = pa.int64(), pa.float64()
AGGREGATE_COLUMNS: dict[str, list[tuple[str, pa.DataType]]] = {
    "gp_appointments": [("appointments", _COUNT), ("appointments_within_2_weeks", _COUNT)],
    "community_ucr": [("ucr_referrals", _COUNT), ("ucr_within_2_hours", _COUNT)],
    "diagnostics_waiting": [
        ("diagnostic_waiting", _COUNT),
        ("diagnostic_waiting_within_6_weeks", _COUNT),
    ],
    "mental_health": [
        ("cyp_mh_access_12m", _COUNT),
        ("oap_bed_days", _COUNT),
        ("dementia_diagnosed", _COUNT),
        ("dementia_estimated_prevalence", _COUNT),
    ],
    "primary_care": [
        ("ld_register", _COUNT),
        ("ld_health_checks", _COUNT),
        ("hypertension_register", _COUNT),
        ("hypertension_treated_to_target", _COUNT),
    ],
    "beds": [("ga_beds_available", _COUNT), ("ga_beds_occupied", _COUNT)],
    "finance": [("plan_surplus_gbp_k", _MONEY), ("actual_surplus_gbp_k", _MONEY)],
    "workforce": [
        ("staff_fte", _MONEY),
        ("leavers_fte", _MONEY),
        ("sickness_days_lost", _MONEY),
        ("available_days", _MONEY),
    ],
}

RECORD_DATASETS = tuple(RECORD_EXTRA)
AGGREGATE_DATASETS = tuple(AGGREGATE_COLUMNS)
DATASETS = RECORD_DATASETS + AGGREGATE_DATASETS


def schema(dataset: str) -> pa.Schema:
    """The Arrow schema of one dataset's files."""
    if dataset in RECORD_EXTRA:
        return pa.schema(SHARED + PERSON + RECORD_EXTRA[dataset])
    if dataset in AGGREGATE_COLUMNS:
        return pa.schema(
            SHARED + [pa.field(n, t, nullable=False) for n, t in AGGREGATE_COLUMNS[dataset]]
        )
    raise KeyError(f"unknown dataset {dataset!r}; known: {', '.join(DATASETS)}")
