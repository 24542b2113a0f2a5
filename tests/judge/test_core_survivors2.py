"""Judge rules at edges the other tests leave out (issue 18, judge/core mutation survivors): a
frame's flags when some outcomes are missing, peer ranks between figures less than one apart,
the judge's reading of metric rows that have no statistics row, and what `oversight peer-group
retire` says it did."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.judge.stage_support import METRIC_COLUMNS, publish_full, rows, write_version
from typer.testing import CliRunner, Result

from oversight.catalogue import load
from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.judge import assess as core
from oversight.judge import stage
from oversight.judge.disagreements import FIELDS, Disagreement, flag_columns, flags
from oversight.judge.formats import money_k
from oversight.judge.outcomes import Attainment, Variation, VsEngland
from oversight.judge.position import peer_ranks
from oversight.metrics.results import ResultsVersion

CAT = load()


def _outcomes(**given: list[object]) -> dict[str, np.ndarray]:
    n = len(next(iter(given.values())))
    return {f: np.array(given.get(f, [None] * n), dtype=object) for f in FIELDS}


def test_a_missing_outcome_never_raises_a_flag_in_a_frame() -> None:
    # Row 0 meets its target while in concern: flagged. Row 1 meets it but has no variation
    # outcome (a missing figure): not flagged, as `flags` says of the one judgement.
    columns = _outcomes(
        national_status=[Attainment.MET, Attainment.MET],
        variation=[Variation.CONCERN, None],
    )
    frame = flag_columns(columns)
    assert frame[Disagreement.MEETS_BUT_DETERIORATING].tolist() == [True, False]
    for i in range(2):
        one = {f: columns[f][i] for f in FIELDS}
        assert [c for c, hit in frame.items() if hit[i]] == list(flags(one))


def test_a_frame_whose_outcomes_are_all_missing_has_no_flags() -> None:
    frame = flag_columns(_outcomes(variation=[None, None]))
    assert all(not hit.any() for hit in frame.values())


def test_a_frame_of_no_judgements_has_empty_flags() -> None:
    frame = flag_columns(_outcomes(variation=[]))
    assert set(frame) == set(Disagreement)
    assert all(len(hit) == 0 for hit in frame.values())


def test_a_frame_with_worse_than_england_but_improving_rows() -> None:
    columns = _outcomes(
        vs_england=[VsEngland.WORSE, None, VsEngland.WORSE],
        variation=[Variation.IMPROVEMENT, Variation.IMPROVEMENT, None],
    )
    assert flag_columns(columns)[Disagreement.WORSE_BUT_IMPROVING].tolist() == [
        True, False, False,
    ]


MAR = dt.date(2024, 3, 1)


def _ranks(values: dict[str, float], sign: int) -> dict[str, tuple[int, ...]]:
    codes = list(values)
    frame = pd.DataFrame({"metric_id": "m", "period": MAR, "breakdown": "total",
                          "group": "total", "org_code": codes,
                          "value": list(values.values()), "sign": sign})
    pairs = pd.DataFrame([(MAR, o, p) for o in codes for p in codes if p != o],
                         columns=["period", "org_code", "peer_code"])
    out = peer_ranks(frame, pairs)
    return {c: tuple(int(x) for x in out.loc[i]) for i, c in enumerate(codes)}


def test_peers_less_than_one_apart_are_ranked_by_their_figures() -> None:
    # percentages a fraction of a point apart: each ICB's rank is still its place
    values = {"A": 71.2, "B": 71.6, "C": 71.4, "D": 70.9}
    assert _ranks(values, sign=1) == {"A": (3, 4, 4), "B": (1, 4, 4), "C": (2, 4, 4),
                                      "D": (4, 4, 4)}
    assert _ranks(values, sign=-1) == {"A": (2, 4, 4), "B": (4, 4, 4), "C": (3, 4, 4),
                                       "D": (1, 4, 4)}


def test_tied_peers_share_a_rank_whichever_way_is_better() -> None:
    values = {"A": 0.25, "B": 0.25, "C": 0.5}
    assert _ranks(values, sign=-1) == {"A": (1, 3, 3), "B": (1, 3, 3), "C": (3, 3, 3)}
    assert _ranks(values, sign=1) == {"A": (2, 3, 3), "B": (2, 3, 3), "C": (1, 3, 3)}


def test_metric_rows_without_statistics_are_read_with_none(tmp_path: Path) -> None:
    # The statistics file lacks the last organisations' rows (an older or partial write):
    # those rows are read with no limits or point type, the others with their own.
    home = Home(tmp_path / "home", "sqlite://")
    frame = rows()
    version = write_version(home, "v1", frame)
    stats = [c for c in frame.columns if c not in METRIC_COLUMNS[6:]]
    kept = frame[~frame["org_code"].isin(["Y56", "ENG"])]
    kept.loc[:, stats].to_parquet(version.path / "statistics.parquet", index=False)
    total, groups = stage.judged_rows(version)
    for part in (total, groups):
        lacking = part["org_code"].isin(["Y56", "ENG"]).to_numpy()
        assert lacking.any() and (~lacking).any()
        assert part.loc[lacking, "spc_lpl"].isna().all()
        assert part.loc[lacking, "spc_point_type"].isna().all()
        assert part.loc[lacking, "value"].notna().all()
        own = part.loc[~lacking]
        np.testing.assert_allclose(own["spc_lpl"], own["value"] - 10)
        assert (own["spc_point_type"] == "common_cause").all()


def test_peer_group_retire_says_which_group_and_from_when(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'oversight.db'}"
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", url)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    home = Home.at(tmp_path / "home", url)
    gm = tokens.create("gm", "QOP", "submitter", engine=home.database())

    def run(*args: str) -> Result:
        return CliRunner().invoke(app, ["peer-group", *args, "--home", str(home.root)])

    added = run("add", "Conurbations", "--member", "QOP", "--member", "QHL", "--from",
                "2025-04-01", "--reason", "compare", "--token", gm)
    assert added.exit_code == 0, added.output
    done = run("retire", "QOP-conurbations-20250401", "--reason", "Plan changed", "--on",
               "2025-07-01", "--token", gm)
    assert done.exit_code == 0, done.output
    assert done.stdout == (
        "retired peer group QOP-conurbations-20250401 from 2025-07-01\n"
    )


class _PublicReadersOnly(ResultsVersion):
    """A version of a store without the files the judge reads directly: only its public
    readers (`rows`) answer."""

    @property
    def metrics_path(self) -> Path:
        return self.path / "not-here.parquet"


def test_rows_read_through_the_public_readers_are_the_rows_read_from_the_files(
    tmp_path: Path,
) -> None:
    home = Home(tmp_path / "home", "sqlite://")
    version = write_version(home, "v1", rows())
    fast = stage.judged_rows(version)
    public = stage.judged_rows(_PublicReadersOnly(version.id, version.path))
    for a, b in zip(fast, public, strict=True):
        pd.testing.assert_frame_equal(a, b)
    chosen = stage.judged_rows(_PublicReadersOnly(version.id, version.path), ["rtt_18wk"])
    assert set(chosen[0]["metric_id"]) == {"rtt_18wk"} == set(chosen[1]["metric_id"])


def test_a_version_without_funnels_is_read_with_no_funnel_position(tmp_path: Path) -> None:
    # Only a region's and England's rows: nothing is drawn on a funnel, so the version keeps
    # no funnel pieces; every row's position is None (text), and the judgement says so.
    home = Home(tmp_path / "home", "sqlite://")
    frame = rows()
    version = publish_full(home, frame[frame["org_type"] != "icb"])
    total, groups = stage.judged_rows(version)
    for part in (total, groups):
        assert len(part) and part["funnel_position"].dtype == object
        assert all(p is None for p in part["funnel_position"])


def test_results_without_rows_of_the_breakdowns_asked_give_no_judgements() -> None:
    frame = rows()
    groups_only = frame[frame["breakdown"] != "total"]
    none = core.assess(groups_only, CAT.metrics, breakdowns=("total",))
    full = core.assess(frame, CAT.metrics)
    assert len(none) == 0 and len(full) > 0
    assert list(none.columns) == list(full.columns)


def test_without_a_record_a_metric_whose_inputs_did_not_change_is_linked(
    tmp_path: Path,
) -> None:
    # rtt_18wk has no breakdown groups (those are always judged again): when its judged
    # inputs are the same as the parent's, its judgements are the parent's files.
    home = Home(tmp_path / "home", "sqlite://")
    totals = rows()
    totals = totals[(totals["metric_id"] == "ae_4hr") | (totals["breakdown"] == "total")]
    first = stage.assess(home, write_version(home, "v1", totals), catalogue=CAT)
    changed = rows({("ae_4hr", "QRV"): -4.0})
    changed = changed[(changed["metric_id"] == "ae_4hr") | (changed["breakdown"] == "total")]
    again = stage.assess(home, write_version(home, "v2", changed, parent="v1"), catalogue=CAT)
    assert again.how == "incremental (1 metrics from v1)"
    for sub in (stage.OUTCOMES_DIR, stage.INPUTS_DIR):
        assert os.path.samefile(again.path / sub / "rtt_18wk.parquet",
                                first.path / sub / "rtt_18wk.parquet")
        assert not os.path.samefile(again.path / sub / "ae_4hr.parquet",
                                    first.path / sub / "ae_4hr.parquet")


def test_money_in_thousands_changes_unit_at_exactly_a_million_and_a_billion_pounds() -> None:
    assert money_k(1000) == "£1.00m" and money_k(999.99) == "£999.99k"
    assert money_k(1_000_000) == "£1.00bn" and money_k(-1_000_000) == "-£1.00bn"
    assert money_k(2_500_000) == "£2.50bn" and money_k(999_990) == "£999.99m"
