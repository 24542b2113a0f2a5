"""The target register's Python API on SQLite and PostgreSQL: lifecycle, versions, audit trail,
role checks, refused input storing nothing, seeding and the targets handed to the judge."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select
from tests.judge.register_support import ADMIN, NHSE, QHL, QOP, local_spec, national_spec

from oversight.catalogue import load
from oversight.judge import register
from oversight.judge.standing import local_target, national_target, standing
from oversight.period import Period
from oversight.store import database
from oversight.store.models import AuditEvent
from oversight.store.register_models import RegisterTarget
from oversight.store.testing import database_url

__all__ = ["database_url"]


@pytest.fixture(scope="module")
def catalogue():
    return load()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    yield database.connect(database_url)


def _counts(engine: Engine) -> tuple[int, int]:
    with database.session(engine) as s:
        targets = s.scalar(select(func.count()).select_from(RegisterTarget))
        events = s.scalar(select(func.count()).select_from(AuditEvent))
    return int(targets or 0), int(events or 0)


def test_lifecycle_draft_published_retired_is_audited(engine, catalogue) -> None:
    added = register.add(engine, local_spec(), QOP, catalogue)
    assert (added.id, added.status, added.version) == ("QOP-ae_4hr-2025-26-v1", "draft", 1)
    assert register.publish(engine, added.id, QOP, "Agreed at the May board").status == "published"
    assert register.retire(engine, added.id, QOP, "Replaced by the winter plan").status == "retired"
    history = register.history(engine, added.id)
    assert [(h.action, h.actor, h.reason) for h in history] == [
        ("target.add", "token:gm-performance", None),
        ("target.publish", "token:gm-performance", "Agreed at the May board"),
        ("target.retire", "token:gm-performance", "Replaced by the winter plan"),
    ]
    assert history[1].detail["before"] == "draft" and history[1].detail["after"] == "published"
    assert history[0].detail["role"] == "submitter" and history[0].detail["org"] == "QOP"
    assert history[0].detail["target"]["partners"] == ["Manchester University NHS FT"]
    assert all(h.at.year >= 2025 for h in history)


@pytest.mark.parametrize(
    ("steps", "step", "message"),
    [
        ([], "retire", "is draft and cannot be retired; from draft the allowed step is: publish"),
        (
            ["publish"],
            "publish",
            "is published and cannot be published; from published the allowed step is: retire",
        ),
        (["publish", "retire"], "publish", "is retired: no further step is allowed"),
        (["publish", "retire"], "retire", "is retired: no further step is allowed"),
    ],
)
def test_only_legal_transitions(engine, catalogue, steps, step, message) -> None:
    target = register.add(engine, local_spec(), QOP, catalogue)
    for done in steps:
        getattr(register, done)(engine, target.id, QOP, "ok")
    before = register.get(engine, target.id).status
    counts = _counts(engine)
    with pytest.raises(register.RegisterError, match=message):
        getattr(register, step)(engine, target.id, QOP, "why")
    assert register.get(engine, target.id).status == before
    assert _counts(engine) == counts


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_publish_retire_and_change_need_a_reason(engine, catalogue, reason) -> None:
    target = register.add(engine, local_spec(), QOP, catalogue)
    counts = _counts(engine)
    with pytest.raises(register.RegisterError, match="a reason is required to publish"):
        register.publish(engine, target.id, QOP, reason)
    register.publish(engine, target.id, QOP, "ok")
    counts = _counts(engine)
    with pytest.raises(register.RegisterError, match="a reason is required to change"):
        register.revise(engine, target.id, QOP, catalogue, reason, value=77.0)
    with pytest.raises(register.RegisterError, match="a reason is required to retire"):
        register.retire(engine, target.id, QOP, reason)
    assert _counts(engine) == counts
    assert register.get(engine, target.id).status == "published"


def test_a_change_is_a_new_version_and_the_old_one_is_kept(engine, catalogue) -> None:
    v1 = register.add(engine, local_spec(), QOP, catalogue)
    register.publish(engine, v1.id, QOP, "Agreed")
    winter = [(f"2025-{m:02d}", 72.0 + (m - 10)) for m in range(10, 13)] + [
        (f"2026-{m:02d}", 75.0 + m / 3) for m in range(1, 4)
    ]
    v2 = register.revise(
        engine,
        v1.id,
        QOP,
        catalogue,
        "Industrial action in the summer",
        value=76.0,
        trajectory=winter,
        date_set=dt.date(2025, 10, 9),
    )
    assert (v2.id, v2.version, v2.supersedes, v2.status) == (
        "QOP-ae_4hr-2025-26-v2",
        2,
        v1.id,
        "draft",
    )
    assert register.get(engine, v1.id) == v1.__class__(**{**v1.__dict__, "status": "published"})
    history = register.history(engine, v2.id)
    assert [h.action for h in history] == ["target.add", "target.publish", "target.revise"]
    changes = history[-1].detail["changes"]
    assert changes["value"] == [78.0, 76.0]
    assert changes["trajectory"][1][0] == ["2025-10", 72.0]
    with pytest.raises(register.RegisterError, match=f"was revised as {v2.id}; change that one"):
        register.revise(engine, v1.id, QOP, catalogue, "again", value=75.0)
    with pytest.raises(register.RegisterError, match="cannot change scope"):
        register.revise(engine, v2.id, QOP, catalogue, "why", scope="national")
    with pytest.raises(register.TargetInputError, match="percentage"):
        register.revise(engine, v2.id, QOP, catalogue, "why", value=140.0)
    register.publish(engine, v2.id, QOP, "Agreed at October board")
    # each version stands for its own months: the judge reads the past against the old one
    targets = register.standing_targets(engine)
    before = local_target(targets, "QOP", "ae_4hr", dt.date(2025, 9, 1))
    after = local_target(targets, "QOP", "ae_4hr", dt.date(2025, 11, 1))
    assert before is not None and after is not None
    assert (before.id, after.id) == (v1.id, v2.id)
    now = standing(after, dt.date(2025, 11, 1))
    assert now is not None and now.trajectory == 73.0


def test_a_retired_target_cannot_change(engine, catalogue) -> None:
    target = register.add(engine, local_spec(), QOP, catalogue)
    register.publish(engine, target.id, QOP, "ok")
    register.retire(engine, target.id, QOP, "withdrawn")
    with pytest.raises(register.RegisterError, match="retired; a retired target cannot change"):
        register.revise(engine, target.id, QOP, catalogue, "why", value=70.0)


def test_standing_targets_hold_only_published_ones_that_can_stand(engine, catalogue) -> None:
    published = register.add(engine, local_spec(), QOP, catalogue)
    register.publish(engine, published.id, QOP, "ok")
    register.add(engine, local_spec(icb_code="QHL"), QHL, catalogue)  # a draft stands nowhere
    national = register.add(engine, national_spec(), NHSE, catalogue)
    register.publish(engine, national.id, NHSE, "Planning guidance")
    retired = register.add(
        engine, local_spec(metric_id="rtt_18wk", value=60.0, trajectory=()), QOP, catalogue
    )
    register.publish(engine, retired.id, QOP, "ok")
    register.retire(engine, retired.id, QOP, "dropped")
    june = register.standing_targets(engine, Period.parse_month("2025-06"))
    assert {t.id for t in june} == {published.id, national.id}
    assert register.standing_targets(engine, Period.parse_month("2025-03")) == []
    # a national target stands until replaced, so it is handed on for later years
    later = register.standing_targets(engine, Period.parse_month("2026-06"))
    assert [t.id for t in later] == [national.id]
    stands = national_target(later, "ae_4hr", dt.date(2026, 6, 1))
    assert stands is not None and stands.id == national.id


ROLE_CASES = [
    # actor, scope, icb, allowed?, refusal
    (QOP, "local", "QOP", True, None),
    (QOP, "local", "QHL", False, "this token may change only QOP's local targets, not QHL's"),
    (QOP, "national", None, False, "national targets are set by NHS England"),
    (NHSE, "national", None, True, None),
    (NHSE, "local", "QOP", False, "an nhse token may not change QOP's local targets"),
    (ADMIN, "national", None, True, None),
    (ADMIN, "local", "QHL", True, None),
]


@pytest.mark.parametrize(("actor", "scope", "icb", "allowed", "refusal"), ROLE_CASES)
def test_who_may_add_a_target(engine, catalogue, actor, scope, icb, allowed, refusal) -> None:
    spec = national_spec() if scope == "national" else local_spec(icb_code=icb)
    if allowed:
        assert register.add(engine, spec, actor, catalogue).status == "draft"
        return
    counts = _counts(engine)
    with pytest.raises(register.RegisterError, match=refusal):
        register.add(engine, spec, actor, catalogue)
    assert _counts(engine) == counts


@pytest.mark.parametrize(("actor", "scope", "icb", "allowed", "refusal"), ROLE_CASES)
def test_who_may_publish_and_change_a_target(
    engine, catalogue, actor, scope, icb, allowed, refusal
) -> None:
    spec = national_spec() if scope == "national" else local_spec(icb_code=icb)
    target = register.add(engine, spec, ADMIN, catalogue)
    if allowed:
        assert register.publish(engine, target.id, actor, "ok").status == "published"
        assert register.revise(engine, target.id, actor, catalogue, "ok", value=70.0).version == 2
        return
    counts = _counts(engine)
    with pytest.raises(register.RegisterError, match=refusal):
        register.publish(engine, target.id, actor, "ok")
    with pytest.raises(register.RegisterError, match=refusal):
        register.revise(engine, target.id, actor, catalogue, "ok", value=70.0)
    register.publish(engine, target.id, ADMIN, "ok")
    counts = _counts(engine)
    with pytest.raises(register.RegisterError, match=refusal):
        register.retire(engine, target.id, actor, "ok")
    assert _counts(engine) == counts


BAD = [
    ({"icb_code": "QZZ"}, "unknown organisation 'QZZ'"),
    ({"metric_id": "ae_5hr"}, "unknown metric 'ae_5hr'"),
    ({"planning_year": "2025"}, "period must look like 2025/26"),
    ({"value": 101.0}, "is a percentage: it must be 0 to 100"),
    ({"value": -0.5}, "is a percentage: it must be 0 to 100"),
    ({"trajectory": [("2025-04", 70.0), ("2025-06", 71.0)]}, "the trajectory has a gap"),
    ({"trajectory": [("2026-04", 70.0)]}, "the trajectory month 2026-04 is outside"),
    ({"deadline": dt.date(2024, 3, 31)}, "is before the planning year 2025/26 starts"),
]


@pytest.mark.parametrize(("changes", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_stores_nothing(engine, catalogue, changes, message) -> None:
    with pytest.raises(register.TargetInputError, match=message):
        register.add(engine, local_spec(**changes), ADMIN, catalogue)
    assert _counts(engine) == (0, 0)


def test_one_live_target_per_metric_year_and_icb(engine, catalogue) -> None:
    first = register.add(engine, local_spec(), QOP, catalogue)
    message = "QOP already has a target on ae_4hr for 2025/26: QOP-ae_4hr-2025-26-v1 (draft)"
    with pytest.raises(register.RegisterError, match=re.escape(message)):
        register.add(engine, local_spec(value=80.0), QOP, catalogue)
    national = register.add(engine, national_spec(), NHSE, catalogue)
    with pytest.raises(register.RegisterError, match="there is already a national target"):
        register.add(engine, national_spec(), NHSE, catalogue, target_id="2025-26-UEC9")
    assert _counts(engine) == (2, 2)
    # another ICB, or after retiring, is fine; an id is still used once
    register.add(engine, local_spec(icb_code="QHL"), QHL, catalogue)
    register.publish(engine, first.id, QOP, "ok")
    register.retire(engine, first.id, QOP, "replaced")
    with pytest.raises(register.RegisterError, match="already exists; change it with"):
        register.add(engine, local_spec(value=80.0), QOP, catalogue)
    assert register.add(engine, local_spec(value=80.0), QOP, catalogue, target_id="QOP-ae-b").id
    assert national.status == "draft"


def test_seeding_copies_the_catalogue_once(engine, catalogue) -> None:
    added = register.seed(engine, catalogue)
    assert sorted(added) == sorted(catalogue.targets)
    stored = {t.id: t for t in register.listing(engine)}
    v2 = stored["QMJ-ae_4hr-2023-24-v2"]
    assert (v2.version, v2.supersedes, v2.status) == (2, "QMJ-ae_4hr-2023-24-v1", "published")
    assert len(v2.trajectory) == len(catalogue.targets[v2.id].trajectory)
    register.retire(engine, v2.id, ADMIN, "superseded by 2024/25 plan")
    assert register.seed(engine, catalogue) == []
    assert register.get(engine, v2.id).status == "retired"
    assert _counts(engine) == (len(catalogue.targets), len(catalogue.targets) + 1)


def test_accountability_and_metric_coverage(engine, catalogue) -> None:
    for actor, icb in ((QOP, "QOP"), (QHL, "QHL")):
        t = register.add(engine, local_spec(icb_code=icb), actor, catalogue)
        register.publish(engine, t.id, actor, "ok")
    t = register.add(engine, national_spec(), NHSE, catalogue)
    register.publish(engine, t.id, NHSE, "ok")
    register.add(
        engine, local_spec(metric_id="rtt_18wk", value=60.0, trajectory=()), QOP, catalogue
    )
    t = register.add(
        engine,
        local_spec(
            metric_id="falls_per_1000",
            metric_name="Falls",
            unit="rate",
            trajectory=(),
            value=4.0,
            comparison="<=",
            accountable_body="place",
            accountable_name="Bolton",
        ),
        QOP,
        catalogue,
    )
    register.publish(engine, t.id, QOP, "ok")
    coverage = {c.metric_id: c for c in register.metric_coverage(engine)}
    assert set(coverage) == {"ae_4hr", "falls_per_1000"}  # drafts count nowhere
    assert (coverage["ae_4hr"].kind, coverage["ae_4hr"].local_icbs) == ("both", ("QHL", "QOP"))
    assert (coverage["falls_per_1000"].kind, coverage["falls_per_1000"].local_icbs) == (
        "local",
        ("QOP",),
    )
    rows = {a.target_id: a for a in register.accountability(engine)}
    assert rows["QOP-falls_per_1000-2025-26-v1"].accountable_body == "place"
    assert rows["QOP-falls_per_1000-2025-26-v1"].accountable_name == "Bolton"
    assert rows["2025-26-ae_4hr-v1"].owner == "National Director of Urgent and Emergency Care"
    assert len(rows) == 5


def test_a_later_revision_keeps_the_plan_from_its_own_month(engine, catalogue) -> None:
    v1 = register.add(engine, local_spec(), QOP, catalogue)
    v2 = register.revise(
        engine, v1.id, QOP, catalogue, "Lower ambition", value=76.0, date_set=dt.date(2025, 10, 9)
    )
    assert [f"{p.period:%Y-%m}" for p in v2.trajectory] == [
        "2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03",
    ]  # fmt: skip
    assert v2.trajectory == v1.trajectory[6:]
    assert len(register.get(engine, v1.id).trajectory) == 12


def test_a_revision_must_change_something(engine, catalogue) -> None:
    target = register.add(engine, local_spec(), QOP, catalogue)
    with pytest.raises(register.RegisterError, match="nothing to change"):
        register.revise(engine, target.id, QOP, catalogue, "why")
    with pytest.raises(register.RegisterError, match="no target 'QOP-nope'"):
        register.revise(engine, "QOP-nope", QOP, catalogue, "why", value=1.0)
    with pytest.raises(register.RegisterError, match="no target 'QOP-nope'"):
        register.publish(engine, "QOP-nope", QOP, "why")
    assert _counts(engine) == (1, 1)
