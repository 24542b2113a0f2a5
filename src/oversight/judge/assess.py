"""Judge a whole results frame at once: every organisation × metric × month, vectorised.

`assess` turns the published results (metric rows joined with their statistics, as
`ResultsVersion.rows()` returns them) into one row of outcomes per judgement;
`judgements` turns those rows into `Judgement` objects with their sentences. The outcome frame
is what a stage would persist (plain columns, no objects); the sentences are derived from it on
demand, so the words can never disagree with the stored outcomes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from oversight.judge import attainment, change, position
from oversight.judge.attainment import TargetCheck, TargetJudgement
from oversight.judge.change import SIGNS, Change
from oversight.judge.coverage import Coverage, coverage_frame
from oversight.judge.disagreements import flag_columns
from oversight.judge.judgement import Judgement
from oversight.judge.outcomes import (
    Assurance,
    Attainment,
    Funnel,
    Trajectory,
    Variation,
    VsEngland,
)
from oversight.judge.position import Position
from oversight.judge.standing import StandingTarget, local_target, national_target, standing
from oversight.judge.subject import Subject
from oversight.metrics.statistics import FUNNEL_TYPES

if TYPE_CHECKING:
    from oversight.catalogue import Metric, Target

KEYS = ["metric_id", "org_type", "org_code", "period", "breakdown", "group"]
FIGURE = ["metric_id", "period", "breakdown", "group"]
"""What England's figure and a coverage count are matched on."""
LEVELS = ("icb", "region", "england")
NATIONAL = ["target_id", "target_value", "target_comparison", "target_trajectory"]
LOCAL = [
    "local_target_id",
    "local_target_value",
    "local_target_comparison",
    "local_target_trajectory",
]
OUTCOMES = [
    "variation",
    "assurance",
    "local_assurance",
    "vs_england",
    "funnel",
    "national_status",
    "local_status",
    "national_trajectory",
    "local_trajectory",
]


def _targets_frame(rows: Iterable[tuple[Any, ...]], cols: list[str], keys: list[str]) -> Any:
    frame = pd.DataFrame(list(rows), columns=[*keys, *cols])
    return frame.astype({cols[1]: float, cols[3]: float})


def _target_row(target: StandingTarget | None) -> tuple[Any, ...]:
    if target is None:
        return (None, np.nan, None, np.nan)
    planned = np.nan if target.trajectory is None else target.trajectory
    return (target.id, target.value, target.comparison, planned)


def national_targets(pairs: pd.DataFrame, targets: Sequence[Target]) -> pd.DataFrame:
    """The national target standing for each (metric_id, period) of `pairs`."""
    rows = [
        (m, p, *_target_row(standing(national_target(targets, m, p), p)))
        for m, p in pairs[["metric_id", "period"]].drop_duplicates().itertuples(index=False)
    ]
    return _targets_frame(rows, NATIONAL, ["metric_id", "period"])


def local_targets(icb_rows: pd.DataFrame, targets: Sequence[Target]) -> pd.DataFrame:
    """The ICB's own target standing for each (org_code, metric_id, period) that has one."""
    local = [t for t in targets if t.scope == "local"]
    owned = {(t.icb_code, t.metric_id) for t in local}
    keys = icb_rows[["org_code", "metric_id", "period"]].drop_duplicates()
    wanted = [k for k in keys.itertuples(index=False) if (k[0], k[1]) in owned]
    rows = [
        (icb, m, p, *_target_row(standing(local_target(local, icb, m, p), p)))
        for icb, m, p in wanted
    ]
    frame = _targets_frame(rows, LOCAL, ["org_code", "metric_id", "period"])
    return frame[frame["local_target_id"].notna()]


def _floats(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    return frame[col].to_numpy(dtype="float64", na_value=np.nan)


def assess(
    results: pd.DataFrame,
    metrics: Mapping[str, Metric],
    targets: Sequence[Target] = (),
    *,
    peers: pd.DataFrame | None = None,
    members: pd.DataFrame | None = None,
    breakdowns: Sequence[str] = ("total",),
) -> pd.DataFrame:
    """One row of outcomes per organisation × metric × month × breakdown group.

    `results`: metric rows with their statistics (`value`, `missing_reason`, `spc_lpl`,
    `spc_upl`, `spc_point_type`, `ci_lower`, `ci_upper`, `funnel_position`). `metrics`: the
    catalogue's metrics by id (`improvement`, `statistic`). `targets`: the catalogue's targets.
    `peers`: `period`, `org_code`, `peer_code` (see oversight.judge.peers.pairs_frame).
    `members`: who each region and England is over, per month (coverage.members_frame).
    """
    keep = (
        results["breakdown"].isin(list(breakdowns))
        & results["org_type"].isin(LEVELS)
        & results["metric_id"].isin(list(metrics))
    )
    rows = results.loc[keep].reset_index(drop=True)
    if pd.api.types.is_datetime64_any_dtype(rows["period"]):
        rows["period"] = rows["period"].dt.date  # months are dates throughout the judge
    value = _floats(rows, "value")
    has = ~np.isnan(value)
    sign = rows["metric_id"].map({m: SIGNS[d.improvement] for m, d in metrics.items()})
    sign = sign.to_numpy(dtype=int)
    out = rows[KEYS].copy()
    out["value"] = value
    reasons = rows.get("missing_reason", pd.Series(None, index=rows.index, dtype=object))
    out["missing_reason"] = reasons.astype(object).where(reasons.notna(), None)
    out["sign"] = sign

    # change over time
    point = rows.get("spc_point_type", pd.Series(None, index=rows.index, dtype=object))
    out["spc_lpl"], out["spc_upl"] = _floats(rows, "spc_lpl"), _floats(rows, "spc_upl")
    out["variation"] = change.variation(point, has, out["spc_lpl"], out["spc_upl"])
    out = out.merge(national_targets(out, targets), on=["metric_id", "period"], how="left")
    icb = out["org_type"] == "icb"
    out = out.merge(
        local_targets(out[icb], targets), on=["org_code", "metric_id", "period"], how="left"
    )
    for col in (*NATIONAL, *LOCAL):
        if col.endswith(("_id", "_comparison")):
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    lpl, upl = out["spc_lpl"].to_numpy(), out["spc_upl"].to_numpy()
    out["assurance"] = change.assurance(lpl, upl, out["target_value"].to_numpy(), sign)
    out["local_assurance"] = change.assurance(lpl, upl, out["local_target_value"].to_numpy(), sign)

    # target
    for scope, cols in (("national", NATIONAL), ("local", LOCAL)):
        goal, cmp_, planned = (out[c].to_numpy() for c in (cols[1], cols[2], cols[3]))
        cmp_ = np.asarray(cmp_, dtype=object)
        out[f"{scope}_status"] = attainment.attainment(value, goal.astype(float), cmp_)
        out[f"{scope}_trajectory"] = attainment.trajectory(value, planned.astype(float), cmp_)

    # position
    england = rows.loc[rows["org_type"] == "england", FIGURE]
    england = england.assign(england=value[(rows["org_type"] == "england").to_numpy()])
    out = out.merge(england, on=FIGURE, how="left")
    out["ci_lower"], out["ci_upper"] = _floats(rows, "ci_lower"), _floats(rows, "ci_upper")
    sized = {m for m, d in metrics.items() if d.statistic in position.SIZE_BOUND}
    size_bound = out["metric_id"].isin(list(sized)).to_numpy()
    out["vs_england"] = position.vs_england(
        value,
        out["ci_lower"].to_numpy(),
        out["ci_upper"].to_numpy(),
        out["england"].to_numpy(float),
        sign,
        (out["org_type"] == "england").to_numpy() | size_bound,
    )
    funnelled = {m for m, d in metrics.items() if d.statistic in FUNNEL_TYPES}
    drawn = (
        (out["org_type"] == "icb")
        & (out["breakdown"] == "total")
        & out["metric_id"].isin(list(funnelled))
    ).to_numpy()
    where = rows.get("funnel_position", pd.Series(None, index=rows.index, dtype=object))
    out["funnel"] = position.funnel(where, has, drawn)
    icb = (out["org_type"] == "icb").to_numpy()
    ranked = icb & ~size_bound
    ranks = position.peer_ranks(
        out.loc[ranked], peers if peers is not None else pd.DataFrame(columns=["period"])
    )
    for col in ("peer_rank", "peer_count", "peer_size"):
        out[col] = np.nan
        out.loc[ranked, col] = ranks[col].to_numpy()

    # coverage of aggregates
    out["reported"], out["expected"] = np.nan, np.nan
    if members is not None and len(members):
        cov = coverage_frame(out.loc[icb], members, keys=FIGURE, figures=out.loc[~icb])
        out = out.drop(columns=["reported", "expected"]).merge(
            cov, on=[*FIGURE, "org_type", "org_code"], how="left"
        )

    for code, hit in flag_columns({c: out[c].to_numpy() for c in OUTCOMES}).items():
        out[str(code)] = hit
    for col in OUTCOMES:
        out[col] = out[col].map(str)
    return out


def _opt(x: Any) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


def _target(fields: list[Any], scope: str) -> StandingTarget | None:
    """A frame's four target columns (id, value, comparison, planned) as a StandingTarget."""
    tid, value, comparison, planned = fields
    if tid is None:
        return None
    return StandingTarget(str(tid), scope, float(value), str(comparison), _opt(planned))


def _int(x: Any) -> int | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else int(x)


def judgement_of(row: Mapping[str, Any], metric: Metric, name: str | None = None) -> Judgement:
    """One row of `assess` as a Judgement (`name`: the organisation's name for sentences)."""
    national = _target([row[c] for c in NATIONAL], "national")
    local = _target([row[c] for c in LOCAL], "local")
    reported, expected = _int(row.get("reported")), _int(row.get("expected"))
    subject = Subject(
        org_type=row["org_type"],
        org_code=row["org_code"],
        org_name=name,
        metric_id=row["metric_id"],
        title=metric.title,
        unit=metric.unit,
        improvement=metric.improvement,
        period=row["period"],
        value=_opt(row["value"]),
        missing_reason=reason if isinstance(reason := row["missing_reason"], str) else None,
        breakdown=row["breakdown"],
        group=row["group"],
        coverage=None if expected is None else Coverage(reported or 0, expected),
    )
    return Judgement(
        subject=subject,
        change=Change(
            variation=Variation(row["variation"]),
            assurance=Assurance(row["assurance"]),
            target=national,
            local_assurance=Assurance(row["local_assurance"]),
            local_target=local,
            lower_limit=_opt(row["spc_lpl"]),
            upper_limit=_opt(row["spc_upl"]),
        ),
        position=Position(
            vs_england=VsEngland(row["vs_england"]),
            england=_opt(row["england"]),
            ci_lower=_opt(row["ci_lower"]),
            ci_upper=_opt(row["ci_upper"]),
            funnel=Funnel(row["funnel"]),
            peer_rank=_int(row["peer_rank"]),
            peer_count=_int(row["peer_count"]),
            peer_size=_int(row["peer_size"]),
        ),
        target=TargetJudgement(
            national=TargetCheck(
                national,
                Attainment(row["national_status"]),
                Trajectory(row["national_trajectory"]),
            ),
            local=TargetCheck(
                local, Attainment(row["local_status"]), Trajectory(row["local_trajectory"])
            ),
        ),
    )


def judgements(
    frame: pd.DataFrame, metrics: Mapping[str, Metric], names: Mapping[str, str] | None = None
) -> list[Judgement]:
    """Every row of an `assess` frame as a Judgement (sentences are computed when read).

    `names`: organisation names by code, for the sentences (default: the codes)."""
    names = names or {}
    return [
        judgement_of(row, metrics[row["metric_id"]], names.get(row["org_code"]))
        for row in frame.to_dict("records")
    ]
