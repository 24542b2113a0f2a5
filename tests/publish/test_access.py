"""The embargo rule: who sees a month's figures before their collection's release time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import MappingProxyType

import pandas as pd
import pytest

from oversight.catalogue import Catalogue, load
from oversight.catalogue.models.collections import Release
from oversight.collect.tokens import Principal
from oversight.publish.access import PUBLIC, Embargo, Viewer, release_time, viewer_of

RULE = Release(days_after_period_end=10, time=dt.time(9, 30))
JUNE = dt.date(2024, 6, 1)
BEFORE = dt.datetime(2024, 7, 10, 8, 0, tzinfo=dt.UTC)  # 09:00 UK (BST)
AFTER = dt.datetime(2024, 7, 10, 8, 31, tzinfo=dt.UTC)  # 09:31 UK


def embargoed_catalogue(*collections: str, rule: Release = RULE) -> Catalogue:
    """The packaged catalogue with `rule` as the release time of `collections`."""
    real = load()
    changed = {
        cid: c.model_copy(update={"release": rule}) if cid in collections else c
        for cid, c in real.collections.items()
    }
    return dataclasses.replace(real, collections=MappingProxyType(changed))


@pytest.fixture(scope="module")
def embargo() -> Embargo:
    return Embargo.of(embargoed_catalogue("ecds"))


def test_release_time_is_uk_time_days_after_the_month_ends() -> None:
    at = release_time(RULE, "2024-06")
    assert at is not None and at.isoformat() == "2024-07-10T09:30:00+01:00"
    winter = release_time(RULE, "2024-12")
    assert winter is not None and winter.astimezone(dt.UTC).hour == 9  # GMT in January
    assert release_time(None, "2024-06") is None


def test_the_default_is_public_as_soon_as_validated() -> None:
    packaged = Embargo.of(load())
    assert packaged.collection_rules["ecds"] is None
    assert packaged.released_at("ae_4hr", JUNE) is None
    assert packaged.visible(PUBLIC, "ae_4hr", "QMJ", JUNE, BEFORE)


def test_the_packaged_workforce_return_is_released_with_nhs_workforce_statistics() -> None:
    """The packaged release time: June 2024's workforce figures public at 09:30 on 26
    September 2024 (NHS England's publication of NHS Workforce Statistics for June 2024)."""
    packaged = Embargo.of(load())
    at = packaged.released_at("workforce_return", JUNE)
    assert at is not None and at.isoformat() == "2024-09-26T09:30:00+01:00"
    metric = next(m for m, rules in packaged.metric_rules.items() if rules)
    assert packaged.released_at(metric, JUNE) == at
    day_before = at - dt.timedelta(days=1)
    assert not packaged.visible(PUBLIC, metric, "QMJ", JUNE, day_before)
    assert packaged.visible(Viewer("icb", "QMJ"), metric, "QMJ", JUNE, day_before)
    assert packaged.visible(PUBLIC, metric, "QMJ", JUNE, at)


ROLE_SEES_BEFORE_RELEASE = [
    (PUBLIC, "QMJ", False),
    (Viewer("cqc"), "QMJ", False),
    (Viewer("icb", "QMJ"), "QMJ", True),
    (Viewer("icb", "QMJ"), "QMJ-A1", True),  # its own provider
    (Viewer("icb", "QMF"), "QMJ", False),
    (Viewer("icb", "QMJ"), "Y56", False),  # a region's figure includes others' ICBs
    (Viewer("icb", "QMJ"), "ENG", False),
    (Viewer("nhse"), "QMJ", True),
    (Viewer("dhsc"), "ENG", True),
    (Viewer("admin"), "QMF", True),
]


@pytest.mark.parametrize(("viewer", "org", "sees"), ROLE_SEES_BEFORE_RELEASE)
def test_before_release_only_the_icb_nhse_and_dhsc_see_a_figure(
    embargo: Embargo, viewer: Viewer, org: str, sees: bool
) -> None:
    assert embargo.visible(viewer, "ae_4hr", org, JUNE, BEFORE) is sees
    assert embargo.visible(viewer, "ecds", org, JUNE, BEFORE) is sees  # by collection too
    assert embargo.visible(viewer, "ae_4hr", org, JUNE, AFTER) is True
    # a metric no embargoed collection feeds is public at once
    assert embargo.visible(viewer, "rtt_18wk", org, JUNE, BEFORE) is True


def test_the_latest_release_of_a_metrics_collections_counts() -> None:
    late = Release(days_after_period_end=30)
    embargo = Embargo.of(embargoed_catalogue("ecds", rule=late))
    assert embargo.released_at("ae_4hr", JUNE) == release_time(late, JUNE)
    with pytest.raises(KeyError, match="neither a collection nor a metric"):
        embargo.released_at("nope", JUNE)


def test_a_frame_keeps_the_rows_a_viewer_may_see(embargo: Embargo) -> None:
    frame = pd.DataFrame(
        {
            "metric_id": ["ae_4hr", "ae_4hr", "ae_4hr", "ae_4hr", "rtt_18wk"],
            "org_code": ["QMJ", "QMF", "ENG", "QMJ", "QMF"],
            "period": [JUNE, JUNE, JUNE, dt.date(2024, 5, 1), JUNE],
        }
    )
    assert list(embargo.released(frame, PUBLIC, BEFORE).index) == [3, 4]
    assert list(embargo.released(frame, Viewer("icb", "QMJ"), BEFORE).index) == [0, 3, 4]
    assert len(embargo.released(frame, Viewer("dhsc"), BEFORE)) == 5
    assert len(embargo.released(frame, PUBLIC, AFTER)) == 5


def test_a_token_is_a_viewer() -> None:
    assert viewer_of(None) == PUBLIC
    assert viewer_of(Principal("t", "bi", "QMJ", "submitter")) == Viewer("icb", "QMJ")
    assert viewer_of(Principal("t", "dh", None, "dhsc")) == Viewer("dhsc")
    with pytest.raises(ValueError, match="role must be one of"):
        Viewer("root")
