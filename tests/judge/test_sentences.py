"""Worked examples of every sentence template, for every icon combination.

Each expected sentence is written out in full from its parts, so a change to any template
shows up here as a readable difference.
"""

from __future__ import annotations

import itertools

import pytest
from tests.judge.judge_fixtures import (
    LOCAL,
    change,
    judgement,
    missing,
    position,
    subject,
    target,
)

from oversight.judge.attainment import TargetCheck
from oversight.judge.coverage import Coverage
from oversight.judge.disagreements import WORDS
from oversight.judge.outcomes import (
    Assurance,
    Attainment,
    Funnel,
    Trajectory,
    Variation,
    VsEngland,
)
from oversight.judge.sentences import (
    change_sentence,
    position_sentence,
    target_sentence,
)
from oversight.judge.standing import StandingTarget

LIMITS = "the process limits (the range the figure usually varies within)"
INTERVAL = "the 95% confidence interval (the range the true figure is likely to lie in)"

# --- change over time: every variation × every assurance ---------------------------------------

VARIATION_WORDS = {
    Variation.IMPROVEMENT: "72.1% in March 2024 shows special-cause improvement (a real change "
    "for the better, not chance).",
    Variation.CONCERN: "72.1% in March 2024 shows special-cause concern (a real change for the "
    "worse, not chance).",
    Variation.HIGHER: "72.1% in March 2024 is unusually high (special-cause variation: a real "
    "change, not chance; for this measure neither higher nor lower is better).",
    Variation.LOWER: "72.1% in March 2024 is unusually low (special-cause variation: a real "
    "change, not chance; for this measure neither higher nor lower is better).",
    Variation.COMMON_CAUSE: "72.1% in March 2024 is within its usual range (common-cause "
    "variation: no sign of real change).",
}
ASSURANCE_WORDS = {
    Assurance.PASS: "The process limits (the range the figure usually varies within) lie "
    "entirely above the national target of at least 76.0%, so it will be met consistently if "
    "nothing changes.",
    Assurance.FAIL: "The process limits (the range the figure usually varies within) lie "
    "entirely below the national target of at least 76.0%, so it will not be met without "
    "change.",
    Assurance.HIT_AND_MISS: "The national target of at least 76.0% lies within the process "
    "limits (the range the figure usually varies within), so it will be met in some months and "
    "missed in others (hit and miss).",
    Assurance.NONE: "",
    Assurance.NO_DATA: "",
}


@pytest.mark.parametrize(
    ("variation", "assurance"), list(itertools.product(VARIATION_WORDS, ASSURANCE_WORDS))
)
def test_change_sentence(variation: Variation, assurance: Assurance) -> None:
    got = change_sentence(subject(), change(variation=variation, assurance=assurance))
    expected = " ".join(x for x in (VARIATION_WORDS[variation], ASSURANCE_WORDS[assurance]) if x)
    assert got == expected


def test_change_sentence_when_lower_is_better_names_the_other_side() -> None:
    s = subject(metric_id="ambulance_c2_mean", unit="minutes", improvement="decrease", value=41.25)
    t = StandingTarget("2023-24-UEC2", "national", 30.0, "<=")
    assert change_sentence(s, change(assurance=Assurance.FAIL, target=t)) == (
        "41.2 min in March 2024 is within its usual range (common-cause variation: no sign of "
        f"real change). {LIMITS[0].upper()}{LIMITS[1:]} lie entirely above the national target "
        "of at most 30.0 min, so it will not be met without change."
    )
    assert "lie entirely below the national target of at most 30.0 min, so it will be met" in (
        change_sentence(s, change(assurance=Assurance.PASS, target=t))
    )


def test_change_sentence_with_the_icbs_own_target_too() -> None:
    c = change(
        assurance=Assurance.HIT_AND_MISS,
        local_assurance=Assurance.FAIL,
        local_target=LOCAL,
    )
    assert change_sentence(subject(), c) == (
        f"{VARIATION_WORDS[Variation.COMMON_CAUSE]} {ASSURANCE_WORDS[Assurance.HIT_AND_MISS]} "
        "The process limits lie entirely below the ICB's own target of at least 78.0%, so it "
        "will not be met without change."
    )
    only_local = change(
        assurance=Assurance.NONE,
        target=None,
        local_assurance=Assurance.PASS,
        local_target=LOCAL,
    )
    assert change_sentence(subject(), only_local).endswith(
        f"{LIMITS[0].upper()}{LIMITS[1:]} lie entirely above the ICB's own target of at least "
        "78.0%, so it will be met consistently if nothing changes."
    )


def test_change_sentence_without_figure_or_limits() -> None:
    assert missing("denominator is zero").change_sentence == (
        "No figure for March 2024 (denominator is zero), so change over time cannot be judged."
    )
    assert change_sentence(subject(), change(variation=Variation.NO_DATA)) == (
        "No process limits for March 2024, so change over time cannot be judged."
    )


# --- position: every comparison × every funnel place × peers ranked / partly / not ------------

VS_WORDS = {
    VsEngland.BETTER: "Significantly better than England (74.9%): England's figure lies outside "
    f"{INTERVAL}, 71.3% to 72.9%.",
    VsEngland.WORSE: "Significantly worse than England (74.9%): England's figure lies outside "
    f"{INTERVAL}, 71.3% to 72.9%.",
    VsEngland.HIGHER: "Significantly higher than England (74.9%; for this measure neither higher "
    f"nor lower is better): England's figure lies outside {INTERVAL}, 71.3% to 72.9%.",
    VsEngland.LOWER: "Significantly lower than England (74.9%; for this measure neither higher "
    f"nor lower is better): England's figure lies outside {INTERVAL}, 71.3% to 72.9%.",
    VsEngland.SIMILAR: "Not significantly different from England (74.9%): England's figure lies "
    f"inside {INTERVAL}, 71.3% to 72.9%.",
    VsEngland.NO_DATA: "This measure has no confidence interval (the range the true figure is "
    "likely to lie in), so it is not compared with England.",
}
FUNNEL_WORDS = {
    Funnel.HIGH: "Among all ICBs it is an outlier on the high side (above the funnel plot's "
    "99.8% limits, which allow for size), which is good.",
    Funnel.LOW: "Among all ICBs it is an outlier on the low side (below the funnel plot's 99.8% "
    "limits, which allow for size), which is a concern.",
    Funnel.NONE: "Among all ICBs it is not an outlier (inside the funnel plot's 99.8% limits).",
    Funnel.NO_DATA: "",
    Funnel.NOT_APPLICABLE: "",
}
PEER_WORDS = {
    (5, 8, 8): "5th of 8 among similar ICBs (its peer group; 1st is best).",
    (2, 6, 8): "2nd of 6 among similar ICBs (its peer group of 8, 2 without a figure; 1st is "
    "best).",
    (None, None, 8): "None of its similar ICBs has a figure to rank it against.",
}


@pytest.mark.parametrize(
    ("vs", "funnel", "peers"), list(itertools.product(VS_WORDS, FUNNEL_WORDS, PEER_WORDS))
)
def test_position_sentence(vs: VsEngland, funnel: Funnel, peers: tuple) -> None:
    rank, count, size = peers
    p = position(vs_england=vs, funnel=funnel, peer_rank=rank, peer_count=count, peer_size=size)
    expected = " ".join(x for x in (VS_WORDS[vs], FUNNEL_WORDS[funnel], PEER_WORDS[peers]) if x)
    assert position_sentence(subject(), p) == expected


def test_funnel_verdict_follows_polarity() -> None:
    lower_better = subject(improvement="decrease")
    neutral = subject(improvement="neutral")
    high = position(funnel=Funnel.HIGH)
    assert "(above the funnel plot's 99.8% limits, which allow for size), which is a concern." in (
        position_sentence(lower_better, high)
    )
    assert "which allow for size)." in position_sentence(neutral, high)
    assert "1st is highest" in position_sentence(neutral, high)


def test_position_without_england_or_figure_and_for_england_itself() -> None:
    no_england = position(vs_england=VsEngland.NO_DATA, england=None, funnel=Funnel.NO_DATA)
    assert position_sentence(subject(), no_england).startswith(
        "England has no figure for March 2024, so there is no comparison."
    )
    assert missing().position_sentence == (
        "No figure for March 2024 (no records), so there is no comparison with England."
    )
    england = position(
        vs_england=VsEngland.NOT_APPLICABLE,
        funnel=Funnel.NOT_APPLICABLE,
        peer_rank=None,
        peer_count=None,
        peer_size=None,
    )
    s = subject(org_type="england", org_code="ENG", coverage=Coverage(42, 42))
    assert position_sentence(s, england) == (
        "This is England's figure, the benchmark others are compared with."
    )


def test_a_total_that_grows_with_population_is_not_compared() -> None:
    size_bound = position(
        vs_england=VsEngland.NOT_APPLICABLE, peer_rank=None, peer_count=None, peer_size=None
    )
    count = subject(metric_id="rtt_over_65wk", unit="count", improvement="decrease", value=9.0)
    assert position_sentence(count, size_bound).startswith(
        "This figure is a total that grows with the population served, so it is not compared "
        "with England or ranked among similar ICBs."
    )
    region = subject(org_type="region", org_code="Y56", unit="count", value=41.0)
    no_funnel = position(
        vs_england=VsEngland.NOT_APPLICABLE,
        funnel=Funnel.NOT_APPLICABLE,
        peer_rank=None,
        peer_count=None,
        peer_size=None,
    )
    assert position_sentence(region, no_funnel) == (
        "This figure is a total that grows with the population served, so it is not compared "
        "with England."
    )


def test_a_partial_aggregate_says_so() -> None:
    england = position(
        vs_england=VsEngland.NOT_APPLICABLE,
        funnel=Funnel.NOT_APPLICABLE,
        peer_rank=None,
        peer_count=None,
        peer_size=None,
    )
    s = subject(org_type="england", org_code="ENG", coverage=Coverage(3, 42))
    assert position_sentence(s, england) == (
        "This is England's figure, the benchmark others are compared with. Only 3 of 42 ICBs "
        "have data, so it is not a figure for the whole of England."
    )
    region = subject(org_type="region", org_code="Y56", coverage=Coverage(1, 5))
    aggregate = position(funnel=Funnel.NOT_APPLICABLE, peer_rank=None, peer_size=None)
    assert position_sentence(region, aggregate).endswith(
        "Only 1 of 5 ICBs has data, so it is not a figure for the whole of the region."
    )


# --- target: every status × every trajectory, national and local ------------------------------

STATUS_WORDS = {
    Attainment.MET: "72.1% in March 2024 meets the national target of at least 76.0%.",
    Attainment.MISSED: "72.1% in March 2024 misses the national target of at least 76.0%.",
}
TRAJECTORY_WORDS = {
    Trajectory.ON: "On its planned trajectory for March 2024 (72.0%).",
    Trajectory.OFF: "Off its planned trajectory for March 2024 (72.0%).",
    Trajectory.NONE: "",
}
WITH_PLAN = StandingTarget("2023-24-UEC1", "national", 76.0, ">=", trajectory=72.0)


@pytest.mark.parametrize(
    ("status", "path"), list(itertools.product(STATUS_WORDS, TRAJECTORY_WORDS))
)
def test_target_sentence(status: Attainment, path: Trajectory) -> None:
    got = target_sentence(subject(), target(status, path, national=WITH_PLAN))
    assert got == " ".join(x for x in (STATUS_WORDS[status], TRAJECTORY_WORDS[path]) if x)


def test_target_sentence_no_target_and_no_data() -> None:
    assert target_sentence(subject(), target(national=None)) == (
        "No national or local target stands for this measure in March 2024."
    )
    assert missing().target_sentence == (
        "No figure for March 2024 (no records), so the national target of at least 76.0% "
        "cannot be judged."
    )


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (
            TargetCheck(LOCAL, Attainment.MISSED, Trajectory.OFF),
            "It misses the ICB's own target of at least 78.0%. Off its planned trajectory for "
            "March 2024 (74.2%).",
        ),
        (
            TargetCheck(LOCAL, Attainment.MET, Trajectory.ON),
            "It meets the ICB's own target of at least 78.0%. On its planned trajectory for "
            "March 2024 (74.2%).",
        ),
    ],
)
def test_target_sentence_with_a_local_target(local: TargetCheck, expected: str) -> None:
    got = target_sentence(subject(), target(Attainment.MISSED, local=local))
    assert got == f"{STATUS_WORDS[Attainment.MISSED]} {expected}"
    only_local = target_sentence(subject(), target(national=None, local=local))
    assert only_local == "No national target stands in March 2024. " + expected.replace(
        "It ", "72.1% in March 2024 ", 1
    )


# --- summary -----------------------------------------------------------------------------------


def test_summary_of_the_method_example() -> None:
    """oversight.md §1: 72.1% in March 2024, below the 76% target, limits below the target,
    significantly worse than England (74.9%), 5th among similar ICBs."""
    j = judgement(change=change(variation=Variation.COMMON_CAUSE, assurance=Assurance.FAIL))
    assert j.summary == (
        "A&E: seen within 4 hours (QMJ): 72.1% in March 2024, missing the national target of "
        f"at least 76.0%. No sign of real change (common-cause variation). {LIMITS[0].upper()}"
        f"{LIMITS[1:]} lie on the wrong side of the target, so it will not be met without "
        "change. Significantly worse than England (74.9%); 5th of 8 among similar ICBs."
    )


def test_summary_of_a_figure_not_significantly_different_from_england() -> None:
    j = judgement(
        change=change(variation=Variation.COMMON_CAUSE, assurance=Assurance.FAIL),
        position=position(vs_england=VsEngland.SIMILAR, ci_upper=75.5),
    )
    assert j.summary.endswith(
        "will not be met without change. Not significantly different from England (74.9%); "
        "5th of 8 among similar ICBs."
    )


def test_summary_with_flags_local_target_and_trajectory() -> None:
    j = judgement(
        change=change(variation=Variation.IMPROVEMENT, assurance=Assurance.NONE, target=None),
        target=target(national=None, local=TargetCheck(LOCAL, Attainment.MISSED, Trajectory.OFF)),
    )
    assert j.summary == (
        "A&E: seen within 4 hours (QMJ): 72.1% in March 2024, missing the ICB's own target of "
        "at least 78.0% and off its planned trajectory (74.2%). Improving (special-cause "
        "improvement: a real change, not chance). Significantly worse than England (74.9%); "
        "5th of 8 among similar ICBs. Note: worse than England, but improving."
    )


def test_summary_of_missing_data_and_of_a_partial_england() -> None:
    assert missing("not submitted").summary == (
        "A&E: seen within 4 hours (QMJ): no figure for March 2024 (not submitted); nothing is "
        "judged from missing data."
    )
    j = judgement(
        subject=subject(org_type="england", org_code="ENG", coverage=Coverage(3, 42)),
        position=position(vs_england=VsEngland.NOT_APPLICABLE, peer_rank=None, peer_count=None),
        target=target(national=None),
        change=change(assurance=Assurance.NONE, target=None),
    )
    assert j.summary == (
        "A&E: seen within 4 hours (England, partial: 3 of 42 ICBs): 72.1% in March 2024, with "
        "no target set. No sign of real change (common-cause variation)."
    )


JARGON = {
    "special-cause": "real change",
    "common-cause": "no sign of real change",
    "process limits": "the range the figure usually varies within",
    "confidence interval": "the range the true figure is likely to lie in",
    "funnel plot": "limits",
    "peer group": "similar ICBs",
}


@pytest.mark.parametrize(
    ("variation", "assurance", "vs", "status", "path"),
    list(
        itertools.product(
            [v for v in Variation if v is not Variation.NO_DATA],
            list(Assurance),
            [v for v in VsEngland if v is not VsEngland.NOT_APPLICABLE],
            [Attainment.MET, Attainment.MISSED, Attainment.NO_TARGET],
            list(Trajectory),
        )
    ),
)
def test_every_icon_combination_reads_cleanly(
    variation: Variation,
    assurance: Assurance,
    vs: VsEngland,
    status: Attainment,
    path: Trajectory,
) -> None:
    national = WITH_PLAN if status is not Attainment.NO_TARGET else None
    j = judgement(
        change=change(variation=variation, assurance=assurance, target=national),
        position=position(vs_england=vs),
        target=target(status, path if national else Trajectory.NONE, national=national),
    )
    texts = [j.change_sentence, j.position_sentence, j.target_sentence, j.summary]
    for text in texts:
        assert text and text.endswith(".") and "  " not in text
        assert "nan" not in text and "None" not in text and "–" not in text
        for word, plain in JARGON.items():
            if word in text.lower():
                assert plain.lower() in text.lower(), (word, text)
    assert j.summary.startswith("A&E: seen within 4 hours (QMJ): 72.1% in March 2024")
    for code, words in WORDS.items():
        assert (words in j.summary) == (code in j.disagreements)
    assert j.to_dict()["summary"] == j.summary
