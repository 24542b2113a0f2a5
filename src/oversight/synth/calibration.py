"""National levels the synthetic NHS is calibrated to, each named once with its source.

Levels are England-wide, for roughly 2023/24-2024/25; docs/synth.md tabulates them with the
publications they come from. Volumes are per month at scale 1.0.
"""

from __future__ import annotations

# --- volumes per month at scale 1.0 -------------------------------------------------------
#: NHS England, A&E Attendances and Emergency Admissions (about 2.2M attendances a month).
AE_ATTENDANCES = 2_200_000
#: NHS England, Ambulance Quality Indicators, AmbSYS (about 0.8M incidents a month).
AMBULANCE_INCIDENTS = 800_000
#: NHS England, Consultant-led RTT waiting times (about 1.6M clock starts a month).
RTT_CLOCK_STARTS = 1_600_000
#: NHS England, Cancer Waiting Times (about 0.25M urgent suspected-cancer referrals a month).
CANCER_REFERRALS = 250_000
#: NHS Digital, NHS Talking Therapies monthly statistics (order of 0.1M referrals a month).
TALKING_THERAPIES_REFERRALS = 100_000

# --- A&E ----------------------------------------------------------------------------------
#: 4-hour performance, all types: 74.6% Jun 2024, 71.1% Dec 2024 (NHS England A&E sitrep).
AE_4HR = 0.745
#: Winter lowers 4-hour performance by about this much at its January peak.
AE_4HR_WINTER_DROP = 0.035
#: Spread (sd) of ICBs' underlying 4-hour performance around the national level.
AE_4HR_ICB_SD = 0.03
#: Month-to-month common-cause noise (sd) of an ICB's 4-hour performance.
AE_4HR_MONTH_SD = 0.008
#: Baseline deprivation gap everywhere: decile 1 is this much lower than decile 10.
AE_4HR_IMD_GAP = 0.02
#: Department mix and how each type differs from the all-types 4-hour level.
AE_TYPE_SHARE = {"type_1": 0.65, "type_2": 0.02, "other": 0.33}
AE_TYPE_SHIFT = {"type_1": -0.125, "type_2": 0.10, "other": 0.22}
#: Mean minutes beyond 4 hours of a breach (exponential), so about 1.5% of attendances wait
#: more than 12 hours: close to the 12-hour decision-to-admit waits published monthly.
AE_BREACH_EXCESS_MEAN = 170.0
#: Admission rate by department type (about 27% of type 1 attendances are admitted).
AE_ADMITTED = {"type_1": 0.27, "type_2": 0.05, "other": 0.01}

# --- ambulance ----------------------------------------------------------------------------
#: Category shares and mean response minutes (AmbSYS 2023/24: C1 about 8 min, C2 about 36).
AMB_CATEGORY_SHARE = {"C1": 0.13, "C2": 0.60, "C3": 0.22, "C4": 0.05}
AMB_MEAN_MINUTES = {"C1": 8.2, "C2": 34.0, "C3": 120.0, "C4": 150.0}
#: Log-normal shape (sigma) per category: C2's long tail gives a 90th centile near 75 min.
AMB_SIGMA = {"C1": 0.45, "C2": 0.75, "C3": 0.9, "C4": 0.9}
#: Winter lengthens responses by this fraction at the January peak (C1 a third as much).
AMB_WINTER_STRETCH = 0.25
AMB_ICB_SD = 0.08

# --- RTT ----------------------------------------------------------------------------------
#: Share of incomplete pathways under 18 weeks about 58%; list about 7.5M; 52+ weeks about 4%.
#: Waits are a mix of quick pathways and a slow, gamma-shaped remainder capped at 2 years.
RTT_FAST_SHARE = 0.40
RTT_FAST_MEAN_WEEKS = 7.0
RTT_SLOW_SHAPE = 3.5
RTT_SLOW_MEAN_WEEKS = 31.0
RTT_ICB_SD = 0.04
RTT_MAX_WEEKS = 104
RTT_TREATMENT_FUNCTIONS = {
    "100": 0.10,  # General Surgery
    "101": 0.08,  # Urology
    "110": 0.14,  # Trauma and Orthopaedics
    "120": 0.10,  # Ear Nose and Throat
    "130": 0.12,  # Ophthalmology
    "300": 0.16,  # General Internal Medicine
    "330": 0.06,  # Dermatology
    "502": 0.08,  # Gynaecology
    "X02": 0.16,  # Other - Medical Services
}

# --- cancer -------------------------------------------------------------------------------
#: Faster diagnosis within 28 days about 75-77% (CWT, March 2024 77.3%).
CANCER_FDS = 0.76
#: Conversion: about 6% of urgent suspected-cancer referrals are diagnosed with cancer.
CANCER_CONVERSION = 0.065
#: Treated within 62 days of referral, among those treated: about 65-70% (CWT 2023/24).
CANCER_62D = 0.67
CANCER_TREATED = 0.9

# --- talking therapies --------------------------------------------------------------------
#: About 70% of referrals start treatment, 55% of those finish a course, 90% of finishers
#: start at caseness, and about half of those recover (national standard 50%).
TT_STARTED = 0.70
TT_FINISHED = 0.55
TT_CASENESS = 0.90
TT_RECOVERY = 0.50

# --- aggregates (national totals per month at scale 1.0, and rates) ------------------------
GP_APPOINTMENTS = 30_000_000  # NHS Digital, Appointments in General Practice
GP_WITHIN_2_WEEKS = 0.83
UCR_REFERRALS = 80_000  # NHS England Community Health Services SitRep
UCR_WITHIN_2_HOURS = 0.84
DIAGNOSTIC_WAITING = 1_600_000  # NHS England DM01
DIAGNOSTIC_WITHIN_6_WEEKS = 0.77
CYP_MH_ACCESS_12M = 750_000  # NHS Digital Mental Health Services Monthly Statistics
OAP_BED_DAYS = 20_000
DEMENTIA_PREVALENCE = 750_000  # NHS Digital Primary Care Dementia Data
DEMENTIA_DIAGNOSIS = 0.64
LD_REGISTER = 280_000  # NHS Digital Learning Disabilities Health Check Scheme
LD_HEALTH_CHECKS = 0.78  # rolling 12 months over register
HYPERTENSION_REGISTER = 9_000_000  # CVDPREVENT
HYPERTENSION_TO_TARGET = 0.67
GA_BEDS = 101_000  # NHS England bed availability and occupancy (KH03 / UEC sitrep)
GA_OCCUPANCY = 0.93
GA_OCCUPANCY_WINTER = 0.02
FINANCE_PLAN_GBP_K = 0.0  # systems plan to break even in aggregate
#: Systems ended 2023/24 about £1.4bn adrift of plan: about -£100m a month nationally.
FINANCE_VARIANCE_GBP_K = -80_000.0
FINANCE_MONTHLY_SD_GBP_K = 120_000.0  # spread of national monthly variance against plan
STAFF_FTE = 1_300_000  # NHS Digital NHS Workforce Statistics (HCHS)
LEAVER_RATE_MONTHLY = 0.009  # about 11% a year
SICKNESS_RATE = 0.049
SICKNESS_WINTER = 0.008
