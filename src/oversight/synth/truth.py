"""Injected truth: the changes and inequalities planted in the synthetic NHS on purpose.

Later layers (metrics, SPC, equity analysis, judgements) are tested by whether they find
these. Each injection is chosen from the seed alone, so the same seed plants the same truth.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from oversight.period import Period
from oversight.synth.calendar import Month
from oversight.synth.demography import ETHNICITY_GROUPS, LONDON_REGION
from oversight.synth.organisations import SynthICB
from oversight.synth.randomness import generator

Kind = Literal["step", "trend", "gradient"]

#: Sizes of the planted effects (percentage points, or minutes for ambulance response).
#: The steps and the category 2 trend are sized, timed and placed so that the published SPC
#: method sees them at the demo's latest month (docs/synth.md, "Injected truth"): a
#: 10-point rise, about what a system gains when its returns start to count a large urgent
#: treatment centre's attendances, most of them seen within 4 hours; category 2 lengthening
#: 1.5 minutes a month, a slower slide than England's own in 2022 (from about 30 to 90
#: minutes in nine months).
AE_STEP_DROP = -6.0
AE_STEP_RISE = 10.0
AMBULANCE_C2_TREND_MINUTES = 1.5
RTT_TREND_POINTS = -1.0
AE_IMD_GAP_POINTS = 10.0
AE_ETHNICITY_GAP_POINTS = 8.0


@dataclass(frozen=True)
class Injection:
    """One planted effect, as recorded in the manifest.

    `size` is in `unit`. For a step it applies from `start` on; for a trend it is the change
    per month, counted from `start` (zero in that month); for a gradient it applies in every
    month and is the extra gap between `breakdown` groups (`group_low` lower than `group_high`).
    """

    id: str
    kind: Kind
    dataset: str
    metric_id: str
    icb_code: str
    start: str
    size: float
    unit: str
    direction: Literal["deteriorate", "improve"]
    breakdown: str | None
    group_low: str | None
    group_high: str | None
    description: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def months_since_start(self, month: Month) -> int:
        """Months from the injection's start to `month` (negative before it)."""
        return Period.month(month.year, month.month) - Period.parse_month(self.start)

    def shift(self, month: Month) -> float:
        """The whole-ICB shift this month for a step or trend (0 for gradients), in `unit`."""
        since = self.months_since_start(month)
        if self.kind == "step":
            return self.size if since >= 0 else 0.0
        if self.kind == "trend":
            return self.size * since if since > 0 else 0.0
        return 0.0


#: The A&E steps and the category 2 trend go into ICBs among this many most populous (chosen
#: by the seed; a London one may take the ethnicity gradient, which leaves three): the demo's
#: sampling noise is smallest there (at scale 0.005 an average ICB has
#: about 260 A&E attendances and 55 category 2 incidents a month; the largest about twice
#: that), so the effect stands out of the ICB's month-to-month noise as it would at full scale.
LARGEST = 4
#: A step that must show at the latest month starts this many months before it, counting the
#: latest (chosen by the seed): at least the run of 7 the SPC shift rule needs, and few enough
#: that the step has not become the series' mean, which the rule measures it from.
STEP_LEAD = (7, 9)


def plan(icbs: tuple[SynthICB, ...], months: tuple[Month, ...], seed: int) -> tuple[Injection, ...]:
    """Choose the injections for a run: distinct ICBs; the two A&E steps and the category 2
    trend in ICBs among the LARGEST most populous; the steps starting STEP_LEAD months before
    the end, the trends in the middle third."""
    rng = generator(seed, "truth")
    order = [icbs[i] for i in rng.permutation(len(icbs))]
    biggest = {i.code for i in sorted(icbs, key=lambda i: -i.population)[:LARGEST]}
    london = [i for i in order if i.region_code == LONDON_REGION]
    ethnicity_icb = (london or order)[0]
    others = [i for i in order if i.code != ethnicity_icb.code]
    large = [i for i in others if i.code in biggest]
    rise_icb, c2_icb, drop_icb = (large + [i for i in others if i not in large])[:3]
    taken = {rise_icb.code, c2_icb.code, drop_icb.code}
    # The RTT trend and the deprivation gradient keep the ICBs they had before the steps and
    # the category 2 trend moved to large ICBs (others[3] and [4]), unless one was just taken,
    # so a seed's other injections, and the data around them, stay put.
    spare = iter([i for i in others[:3] + others[5:] if i.code not in taken])
    rtt_icb, imd_icb = (others[k] if others[k].code not in taken else next(spare) for k in (3, 4))
    lo = len(months) // 3
    hi = max(lo + 1, len(months) - len(months) // 3)

    def start() -> str:
        return months[int(rng.integers(lo, hi))].label

    def late_start() -> str:
        lead = int(rng.integers(STEP_LEAD[0], STEP_LEAD[1] + 1))
        return months[max(lo, len(months) - lead)].label

    group = str(rng.choice(["Black", "Asian"]))
    assert group in ETHNICITY_GROUPS
    drop_start, rise_start, c2_start, rtt_start = late_start(), late_start(), start(), start()
    first = months[0].label
    return (
        Injection(
            "ae-step-drop",
            "step",
            "ae_attendances",
            "ae_4hr",
            drop_icb.code,
            drop_start,
            AE_STEP_DROP,
            "percentage_points",
            "deteriorate",
            None,
            None,
            None,
            "A&E 4-hour performance drops from this month on.",
        ),
        Injection(
            "ae-step-rise",
            "step",
            "ae_attendances",
            "ae_4hr",
            rise_icb.code,
            rise_start,
            AE_STEP_RISE,
            "percentage_points",
            "improve",
            None,
            None,
            None,
            "A&E 4-hour performance improves from this month on.",
        ),
        Injection(
            "ambulance-c2-trend",
            "trend",
            "ambulance_incidents",
            "ambulance_c2_mean",
            c2_icb.code,
            c2_start,
            AMBULANCE_C2_TREND_MINUTES,
            "minutes_per_month",
            "deteriorate",
            None,
            None,
            None,
            "Category 2 mean response lengthens steadily, month on month.",
        ),
        Injection(
            "rtt-trend",
            "trend",
            "rtt_pathways",
            "rtt_18wk",
            rtt_icb.code,
            rtt_start,
            RTT_TREND_POINTS,
            "percentage_points_per_month",
            "deteriorate",
            None,
            None,
            None,
            "Treatment capacity falls: from this month on a share of the pathways due to be "
            "treated each month are not, and wait on, so the share of the waiting list under "
            "18 weeks falls by about this many points a month.",
        ),
        Injection(
            "ae-imd-gradient",
            "gradient",
            "ae_attendances",
            "ae_4hr",
            imd_icb.code,
            first,
            AE_IMD_GAP_POINTS,
            "percentage_points",
            "deteriorate",
            "imd_decile",
            "1",
            "10",
            "4-hour performance falls linearly with deprivation: decile 1 lower than decile "
            "10 by this many points, on top of the national baseline gap.",
        ),
        Injection(
            "ae-ethnicity-gradient",
            "gradient",
            "ae_attendances",
            "ae_4hr",
            ethnicity_icb.code,
            first,
            AE_ETHNICITY_GAP_POINTS,
            "percentage_points",
            "deteriorate",
            "ethnicity_group",
            group,
            "White",
            f"4-hour performance of the {group} group lower than the White group by this "
            "many points.",
        ),
    )


def for_icb(injections: tuple[Injection, ...], dataset: str, icb: str) -> tuple[Injection, ...]:
    return tuple(i for i in injections if i.dataset == dataset and i.icb_code == icb)


def shift(injections: tuple[Injection, ...], month: Month) -> float:
    """Sum of step and trend shifts this month, in the injections' own units."""
    return float(sum(i.shift(month) for i in injections))


def gradient_points(
    injections: tuple[Injection, ...], imd_decile: np.ndarray, ethnicity: np.ndarray
) -> np.ndarray:
    """Per-record shift (points) from gradient injections: 0 for unaffected records."""
    points = np.zeros(len(imd_decile))
    for inj in injections:
        if inj.kind != "gradient":
            continue
        if inj.breakdown == "imd_decile":
            points -= inj.size * (10 - imd_decile.astype(np.float64)) / 9
        elif inj.breakdown == "ethnicity_group":
            points -= np.where(ethnicity == ETHNICITY_GROUPS.index(str(inj.group_low)), inj.size, 0)
    return points
