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
from oversight.judge.coverage import Coverage
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


def _target_row(target: StandingTarget | None) -> tuple[Any, ...]:
    if target is None:
        return (None, np.nan, None, np.nan)
    planned = np.nan if target.trajectory is None else target.trajectory
    return (target.id, target.value, target.comparison, planned)


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

    Built column by column from arrays, with integer keys in place of merges: the frame's
    columns and order are those of joining the targets, England's figure and the coverage
    on by key.
    """
    keep = (
        _within(results["breakdown"].to_numpy(object), breakdowns)
        & _within(results["org_type"].to_numpy(object), LEVELS)
        & _within(results["metric_id"].to_numpy(object), metrics)
    )
    rows = results if keep.all() else results.loc[keep]
    rows = rows.reset_index(drop=True)
    n = len(rows)
    if pd.api.types.is_datetime64_any_dtype(rows["period"]):
        rows["period"] = rows["period"].dt.date  # months are dates throughout the judge
    keys = {k: rows[k].to_numpy(dtype=object) for k in KEYS}
    metric, org_type, org, period = (keys[k] for k in ("metric_id", "org_type", "org_code",
                                                       "period"))
    value = _floats(rows, "value")
    has = ~np.isnan(value)
    signs = {m: SIGNS[d.improvement] for m, d in metrics.items()}
    sign = pd.Series(metric, dtype=object).map(signs).to_numpy(dtype=int)
    out: dict[str, Any] = {k: rows[k] for k in KEYS}
    out["value"] = value
    reasons = rows.get("missing_reason", pd.Series(None, index=rows.index, dtype=object))
    out["missing_reason"] = reasons.astype(object).where(reasons.notna(), None)
    out["sign"] = sign

    # change over time
    point = rows.get("spc_point_type", pd.Series(None, index=rows.index, dtype=object))
    lpl, upl = _floats(rows, "spc_lpl"), _floats(rows, "spc_upl")
    out["spc_lpl"], out["spc_upl"] = lpl, upl
    out["variation"] = change.variation(point, has, lpl, upl)
    icb = org_type == "icb"
    code = {k: _factorized(keys[k]) for k in ("metric_id", "org_code", "period", "breakdown",
                                             "group")}
    pairs = _combined(code["metric_id"], code["period"])
    out.update(zip(NATIONAL, _national_columns(metric, period, pairs, targets), strict=True))
    triple = _combined(code["org_code"], pairs)
    out.update(zip(LOCAL, _local_columns(org, metric, period, icb, triple, targets),
                   strict=True))
    out["assurance"] = change.assurance(lpl, upl, out["target_value"], sign)
    out["local_assurance"] = change.assurance(lpl, upl, out["local_target_value"], sign)

    # target
    for scope, cols in (("national", NATIONAL), ("local", LOCAL)):
        goal, cmp_, planned = (out[c] for c in (cols[1], cols[2], cols[3]))
        out[f"{scope}_status"] = attainment.attainment(value, goal, cmp_)
        out[f"{scope}_trajectory"] = attainment.trajectory(value, planned, cmp_)

    # position
    figure = _combined(pairs, code["breakdown"], code["group"])
    national = org_type == "england"
    figures = np.full(figure.max() + 1 if n else 0, np.nan)
    figures[figure[national]] = value[national]
    england = figures[figure]
    out["england"] = england
    ci_lower, ci_upper = _floats(rows, "ci_lower"), _floats(rows, "ci_upper")
    out["ci_lower"], out["ci_upper"] = ci_lower, ci_upper
    sized = {m for m, d in metrics.items() if d.statistic in position.SIZE_BOUND}
    size_bound = _within(metric, sized)
    out["vs_england"] = position.vs_england(
        value, ci_lower, ci_upper, england, sign, national | size_bound
    )
    funnelled = {m for m, d in metrics.items() if d.statistic in FUNNEL_TYPES}
    drawn = icb & (keys["breakdown"] == "total") & _within(metric, funnelled)
    where = rows.get("funnel_position", pd.Series(None, index=rows.index, dtype=object))
    out["funnel"] = position.funnel(where, has, drawn)
    ranked = np.flatnonzero(icb & ~size_bound)
    for col in ("peer_rank", "peer_count", "peer_size"):
        out[col] = np.full(n, np.nan)
    if peers is not None and len(peers) and len(ranked):
        mine = pd.DataFrame(
            {**{k: keys[k][ranked] for k in position.PEER_KEYS}, "org_code": org[ranked],
             "value": value[ranked], "sign": sign[ranked]}, index=ranked,
        )
        ranks = position.peer_ranks(mine, peers)
        for col in ("peer_rank", "peer_count", "peer_size"):
            out[col][ranked] = ranks[col].to_numpy(float)

    # coverage of aggregates
    out["reported"], out["expected"] = np.full(n, np.nan), np.full(n, np.nan)
    if members is not None and len(members):
        covered = _coverage_columns(figure, org_type, org, period, has, members)
        for col, counts in zip(("reported", "expected"), covered, strict=True):
            out[col] = counts if np.isnan(counts).any() else counts.astype(np.int64)

    for flag, hit in flag_columns({c: out[c] for c in OUTCOMES}).items():
        out[str(flag)] = hit
    for col in OUTCOMES:
        out[col] = _outcome_text(out[col])
    return pd.DataFrame({  # text stays objects with None (not inferred as strings with NaN)
        k: pd.Series(v, dtype=object) if isinstance(v, np.ndarray) and v.dtype == object else v
        for k, v in out.items()
    })


def distinct(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """`pd.factorize` of objects with a missing value (None, NaN) coded like any other (asked
    for only when there is one: the check costs more than the coding)."""
    values = np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(values)
    if len(codes) and codes.min() < 0:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def _factorized(column: Any) -> np.ndarray:
    """Each row's value as a small integer (equal values, equal integers)."""
    return distinct(column)[0]


def _combined(*parts: np.ndarray) -> np.ndarray:
    """One small integer per row, equal exactly where every part is equal."""
    code = np.zeros(len(parts[0]), dtype=np.int64)
    for part in parts:
        code, _ = pd.factorize(code * (int(part.max()) + 1 if len(part) else 1) + part)
    return code


def _codes(*columns: Any) -> np.ndarray:
    """One small integer per row, equal exactly where every column is equal (a join key
    without a merge: merging the whole frame on text and date columns costs more than the
    judging)."""
    return _combined(*(_factorized(c) for c in columns))


def _within(values: np.ndarray, allowed: Iterable[Any]) -> np.ndarray:
    """Whether each value is one of `allowed` (decided once per distinct value)."""
    codes, found = distinct(values)
    wanted = set(allowed)
    return np.array([v in wanted for v in found], dtype=bool)[codes] if len(codes) else (
        np.zeros(0, dtype=bool)
    )


def _first_of_each(code: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes' first rows, and each row's position among the distinct codes."""
    _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
    return first, inverse


def _standing_columns(
    rows: list[StandingTarget | None], inverse: np.ndarray, at: np.ndarray, n: int
) -> list[np.ndarray]:
    """The four target columns (id, value, comparison, planned) of `n` rows: the standing
    target of each distinct key (`rows`, by key) put at the rows `at` holding it (`inverse`:
    their key's position); every other row has none (None, NaN, None, NaN)."""
    ids = np.full(n, None, dtype=object)
    values, planned = np.full(n, np.nan), np.full(n, np.nan)
    comparisons = np.full(n, None, dtype=object)
    if len(rows):
        fields = [_target_row(t) for t in rows]
        ids[at] = np.array([f[0] for f in fields], dtype=object)[inverse]
        values[at] = np.array([f[1] for f in fields], dtype=float)[inverse]
        comparisons[at] = np.array([f[2] for f in fields], dtype=object)[inverse]
        planned[at] = np.array([f[3] for f in fields], dtype=float)[inverse]
    return [ids, values, comparisons, planned]


def _national_columns(
    metric: np.ndarray, period: np.ndarray, pairs: np.ndarray, targets: Sequence[Target]
) -> list[np.ndarray]:
    """NATIONAL for every row: the national target standing for its metric and month
    (`pairs`: the rows' metric-and-month codes)."""
    first, inverse = _first_of_each(pairs)
    mine: dict[str, list[Target]] = {}
    for t in targets:  # each metric's own, in order (the rule reads no other metric's)
        mine.setdefault(t.metric_id, []).append(t)
    standing_ = [standing(national_target(mine.get(metric[i], []), metric[i], period[i]),
                          period[i]) for i in first]
    return _standing_columns(standing_, inverse, np.arange(len(metric)), len(metric))


def _local_columns(
    org: np.ndarray, metric: np.ndarray, period: np.ndarray, icb: np.ndarray,
    triple: np.ndarray, targets: Sequence[Target],
) -> list[np.ndarray]:
    """LOCAL for every row: the ICB's own target standing for its metric and month (the rows
    of every breakdown group of an ICB row's organisation, metric and month; `triple`: the
    rows' organisation, metric and month codes)."""
    n = len(org)
    owned: dict[tuple[str, str], list[Target]] = {}
    for t in targets:  # each ICB's own for each metric, in order
        if t.scope == "local":
            owned.setdefault((str(t.icb_code), t.metric_id), []).append(t)
    candidate = np.zeros(n, dtype=bool)
    if owned:
        at = np.flatnonzero(_within(org, {o for o, _ in owned}))
        pairs = zip(org[at].tolist(), metric[at].tolist(), strict=True)
        candidate[at] = [p in owned for p in pairs]
    candidate &= np.isin(triple, triple[icb])
    at = np.flatnonzero(candidate)
    first, inverse = _first_of_each(triple[at])
    found = [standing(local_target(owned[(org[i], metric[i])], org[i], metric[i], period[i]),
                      period[i]) for i in at[first]]
    return _standing_columns(found, inverse, at, n)


def _coverage_columns(
    figure: np.ndarray, org_type: np.ndarray, org: np.ndarray, period: np.ndarray,
    has: np.ndarray, members: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray]:
    """`reported` and `expected` of every row (coverage.coverage_frame's, without merging
    the frame): for a region's or England's row, how many of its member ICBs on the month
    have an ICB row with a figure for the same metric, month and group, and how many members
    it has; NaN for ICB rows and for aggregates without members that month."""
    n = len(org)
    reported, expected = np.full(n, np.nan), np.full(n, np.nan)
    icb = org_type == "icb"
    aggregate = np.flatnonzero(~icb)
    if not len(aggregate):
        return reported, expected
    m_period = members["period"].to_numpy(dtype=object)
    m_owner = _codes(np.concatenate([org_type[aggregate], members["org_type"].to_numpy(object)]),
                     np.concatenate([org[aggregate], members["org_code"].to_numpy(object)]),
                     np.concatenate([period[aggregate], m_period]))
    row_owner, member_owner = m_owner[: len(aggregate)], m_owner[len(aggregate):]
    size = np.bincount(member_owner, minlength=m_owner.max() + 1)
    expected[aggregate] = np.where(size[row_owner] > 0, size[row_owner], np.nan)
    # (figure, member) pairs with a figure, and each aggregate row's members' pairs
    have = np.flatnonzero(icb & has)
    names = _codes(np.concatenate([org[have], members["member_code"].to_numpy(object)]))
    n_names = names.max() + 1 if len(names) else 1
    held = np.unique(figure[have] * n_names + names[: len(have)])
    member_name = names[len(have):]
    order = np.argsort(member_owner, kind="stable")
    starts = np.searchsorted(member_owner[order], np.arange(len(size)))
    owners = size[row_owner]
    within = np.arange(owners.sum()) - np.repeat(np.cumsum(owners) - owners, owners)
    listed = member_name[order[np.repeat(starts[row_owner], owners) + within]]
    keys = np.repeat(figure[aggregate], owners) * n_names + listed
    hits = np.isin(keys, held)
    counts = np.bincount(np.repeat(np.arange(len(aggregate)), owners), weights=hits,
                         minlength=len(aggregate))
    reported[aggregate] = np.where(size[row_owner] > 0, counts, np.nan)
    return reported, expected


def _outcome_text(outcomes: np.ndarray) -> np.ndarray:
    """Outcome members as their plain text (one str() per distinct outcome, not per row)."""
    codes, uniques = distinct(outcomes)
    return np.array([str(u) for u in uniques], dtype=object)[codes]


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
