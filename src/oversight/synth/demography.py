"""Who the records are about: each ICB's deprivation and ethnicity mix, and the person columns.

Profiles are synthetic but plausible: ICBs differ in how deprived they are (a tilt of the
IMD decile distribution) and London ICBs are more ethnically diverse (Census 2021 shares).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from oversight.synth.organisations import SynthICB
from oversight.synth.randomness import generator

AGE_BANDS = ("0-17", "18-39", "40-64", "65-79", "80+")
SEXES = ("female", "male")
ETHNICITY_GROUPS = ("Asian", "Black", "Mixed", "White", "Other", "Not known")
LONDON_REGION = "Y56"

#: Census 2021 ethnic group shares, England and London (Asian, Black, Mixed, White, Other).
ETHNICITY_ENGLAND = np.array([0.096, 0.042, 0.030, 0.810, 0.022])
ETHNICITY_LONDON = np.array([0.207, 0.135, 0.057, 0.540, 0.063])
ETHNICITY_NOT_KNOWN = 0.05
#: How strongly an ICB's tilt skews its IMD deciles (tilt ±1 → decile 1 about 9× decile 10).
DEPRIVATION_STRENGTH = 0.25

#: Age band mix and female share of each record-level dataset's patients.
AGE_MIX = {
    "ae_attendances": (0.22, 0.30, 0.26, 0.13, 0.09),
    "ambulance_incidents": (0.08, 0.20, 0.27, 0.22, 0.23),
    "rtt_pathways": (0.09, 0.18, 0.36, 0.26, 0.11),
    "cancer_referrals": (0.02, 0.14, 0.38, 0.32, 0.14),
    "talking_therapies_referrals": (0.03, 0.52, 0.38, 0.06, 0.01),
}
FEMALE_SHARE = {
    "ae_attendances": 0.51,
    "ambulance_incidents": 0.52,
    "rtt_pathways": 0.55,
    "cancer_referrals": 0.58,
    "talking_therapies_referrals": 0.65,
}


@dataclass(frozen=True)
class Profile:
    """An ICB's population mix: probabilities of each IMD decile and ethnicity group."""

    deprivation_tilt: float  # -1 affluent … +1 deprived
    imd: np.ndarray  # 10 probabilities, decile 1 first
    ethnicity: np.ndarray  # 6 probabilities in ETHNICITY_GROUPS order


def profile(icb: SynthICB, seed: int) -> Profile:
    """The ICB's mix, fixed for the seed."""
    rng = generator(seed, "profile", 0, icb.code)
    tilt = float(rng.uniform(-1, 1))
    deciles = np.arange(1, 11)
    imd = np.exp(DEPRIVATION_STRENGTH * tilt * (5.5 - deciles))
    base = ETHNICITY_LONDON if icb.region_code == LONDON_REGION else ETHNICITY_ENGLAND
    diversity = (
        float(rng.uniform(0.6, 1.4))
        if icb.region_code == LONDON_REGION
        else float(rng.uniform(0.3, 1.8))
    )
    known = base.copy()
    known[[0, 1, 2, 4]] *= diversity
    known[3] = max(0.0, 1 - known[[0, 1, 2, 4]].sum())
    known = known / known.sum() * (1 - ETHNICITY_NOT_KNOWN)
    return Profile(tilt, imd / imd.sum(), np.append(known, ETHNICITY_NOT_KNOWN))


@dataclass(frozen=True)
class People:
    """The person columns of n records, as category indices (cheap to compute with)."""

    age: np.ndarray  # index into AGE_BANDS
    sex: np.ndarray  # index into SEXES
    ethnicity: np.ndarray  # index into ETHNICITY_GROUPS
    imd_decile: np.ndarray  # 1..10, int8

    def columns(self) -> dict[str, pa.Array]:
        return {
            "age_band": labels(self.age, AGE_BANDS),
            "sex": labels(self.sex, SEXES),
            "ethnicity_group": labels(self.ethnicity, ETHNICITY_GROUPS),
            "imd_decile": pa.array(self.imd_decile, pa.int8()),
        }


def people(rng: np.random.Generator, n: int, dataset: str, mix: Profile) -> People:
    """Draw the person columns of n records of `dataset` from the ICB's mix."""
    return People(
        age=categorical(rng, n, np.array(AGE_MIX[dataset])),
        sex=(rng.random(n) >= FEMALE_SHARE[dataset]).astype(np.int8),
        ethnicity=categorical(rng, n, mix.ethnicity),
        imd_decile=categorical(rng, n, mix.imd) + 1,
    )


def categorical(rng: np.random.Generator, n: int, p: np.ndarray) -> np.ndarray:
    """n draws of category indices with probabilities p (int8; faster than rng.choice)."""
    edges = np.cumsum(p)
    edges[-1] = np.inf
    return np.searchsorted(edges, rng.random(n), side="right").astype(np.int8)


def labels(index: np.ndarray, names: tuple[str, ...]) -> pa.Array:
    """Category indices → a plain string array (built in Arrow, not in Python objects)."""
    dictionary = pa.DictionaryArray.from_arrays(pa.array(index, pa.int8()), pa.array(names))
    return dictionary.cast(pa.string())
