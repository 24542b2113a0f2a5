"""Segments persisted in the judgements artefact: one file per rule set and quarter.

    <home>/judgements/<results version>/segments/<rule set>/<quarter>.json

Written by the judge stage after it judges a results version, for every rule set of the
catalogue and every quarter whose three months hold values for the rule set's organisation
type (a rule set applied to a quarter it was not in force in says so in its reasons). Each file
holds what decided the result, so it can be made again exactly:

- `rule_set`: the rule set as it was applied (its catalogue data, version included);
- `inputs`: the quarter values, the nof-2022 judge outcomes and the recorded judgements read;
- `results`: per organisation its metric scores, average, raw segment, overrides with their
  reasons, final segment, league-table rank, nof-2022 flags per theme, proposed segment and
  recorded decision, the reasons and the change since the previous quarter (the previous
  quarter's file of the same rule set);
- `moves`: whether the results hold "what would move you" (each result's `moves`, sentences
  with the facts they are made from). The search recomputes the quarter many times, so it is
  run at judge time only for the quarter the portal shows of each rule set: the newest
  complete quarter the rule set is in force for. Elsewhere `oversight segment` searches when
  asked, from the stored inputs.

`rerun(stored)` makes the results again from the file alone (its rule set, not the catalogue's
current one): an old quarter rerun with its old rule set reproduces the stored result. An
incremental judgement copies (hard-links) a parent's file when neither the quarter nor the
quarter before it had a changed month and the rule set and recorded judgements are the same;
or, when a month of it changed, when its inputs as formed again equal the stored ones and the
quarter before it is the parent's result too (so neither the quarter nor its move search is
run again). Files are written one top-level key a line, each value compact JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oversight.judge.segmentation import codec, forked
from oversight.judge.segmentation.engine import segment
from oversight.judge.segmentation.inputs import (
    CapabilityReview,
    FinancialStatus,
    Inputs,
    Key,
    SegmentDecision,
)
from oversight.judge.segmentation.recorded import Recordings
from oversight.judge.segmentation.result import OrgSegment
from oversight.period import Kind, Period

if TYPE_CHECKING:
    import pandas as pd

    from oversight.catalogue.catalogue import Catalogue
    from oversight.catalogue.models import Metric, RuleSet
    from oversight.home import Home

DIR = "segments"
FORMAT = 1


@dataclass(frozen=True)
class Stored:
    """One stored segmentation: the rule set as applied, its inputs and its results."""

    path: Path
    data: Mapping[str, Any]

    @property
    def period(self) -> Period:
        return Period.parse_quarter(str(self.data["period"]))

    @property
    def rules(self) -> str:
        return str(self.data["rules"])

    def rule_set(self) -> RuleSet:
        from oversight.catalogue.models import RuleSet

        return RuleSet.model_validate(self.data["rule_set"])

    def inputs(self) -> Inputs:
        return inputs_from_data(self.data["inputs"], self.period)

    def results(self) -> tuple[OrgSegment, ...]:
        return tuple(codec.load(OrgSegment, r) for r in self.data["results"])

    @property
    def moves_searched(self) -> bool:
        """True when the results hold "what would move you" (searched at judge time)."""
        return bool(self.data.get("moves", False))


# ---- inputs as data ----


def inputs_to_data(inputs: Inputs) -> dict[str, Any]:
    return {
        "orgs": list(inputs.orgs),
        "values": [[o, m, v] for (o, m), v in inputs.values.items()],
        "outcomes": [
            [o, m, dict(sorted(x.items()))] for (o, m), x in sorted(inputs.outcomes.items())
        ],
        "finance": {o: codec.dump(f) for o, f in sorted(inputs.finance.items())},
        "reviews": [codec.dump(r) for r in inputs.reviews],
        "decisions": [codec.dump(d) for d in inputs.decisions],
    }


def inputs_from_data(data: Mapping[str, Any], period: Period) -> Inputs:
    return Inputs(
        period=period,
        orgs=tuple(data["orgs"]),
        values={(str(o), str(m)): float(v) for o, m, v in data["values"]},
        outcomes={(str(o), str(m)): dict(x) for o, m, x in data["outcomes"]},
        finance={o: codec.load(FinancialStatus, f) for o, f in data["finance"].items()},
        reviews=tuple(codec.load(CapabilityReview, r) for r in data["reviews"]),
        decisions=tuple(codec.load(SegmentDecision, d) for d in data["decisions"]),
    )


def _recorded_data(inputs: Inputs) -> Any:
    data = inputs_to_data(inputs)
    return [data["finance"], data["reviews"], data["decisions"]]


# ---- segmenting one quarter (shared by the stage, the rerun and oversight segment) ----


def segment_quarter(
    rule_set: RuleSet,
    metrics: Mapping[str, Metric],
    inputs: Inputs,
    previous: Sequence[OrgSegment] | None = None,
    *,
    moves: bool = False,
) -> tuple[OrgSegment, ...]:
    """Every organisation's result with the notes on what was not recorded and whether the rule
    set was in force; with `moves`, "what would move you" searched too."""
    from oversight.judge.segmentation.published import not_recorded, out_of_force

    before = {r.org: r for r in previous} if previous and rule_set.method == "scored" else None
    done = segment(rule_set, metrics, inputs, before, explain_moves=moves)
    return tuple(
        replace(
            r,
            reasons=r.reasons + not_recorded(rule_set, inputs, r.org)
            + out_of_force(rule_set, inputs.period),
        )
        for r in done
    )


def _document(
    rule_set: RuleSet, inputs: Inputs, results: Iterable[OrgSegment], moves: bool = False
) -> str:
    data = {
        "format": FORMAT,
        "rules": rule_set.id,
        "rules_version": rule_set.version,
        "org_type": rule_set.org_type,
        "period": str(inputs.period),
        "in_force": rule_set.in_force(inputs.period),
        "moves": moves,
        "rule_set": rule_set.model_dump(mode="json"),
        "inputs": inputs_to_data(inputs),
        "results": [codec.dump(r) for r in results],
    }
    return "{\n" + ",\n".join(f" {_ENCODE(k)}: {_ENCODE(v)}" for k, v in data.items()) + "\n}\n"


_ENCODE = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode
"""Each top-level value on one line, compact: json's C encoder (an indented dump is encoded in
Python, several times slower, and the files were three times the size). The top-level keys
stay one per line, so `RESULTS_KEY` still finds where the results start; a newline inside a
value is always escaped, so that line cannot occur within one."""


def rerun(stored: Stored) -> tuple[OrgSegment, ...]:
    """The stored quarter segmented again from the file alone (its rule set and inputs; the
    previous quarter's stored results for the change), under the catalogue's metrics."""
    from oversight.catalogue import load

    previous = read(stored.path.parent.parent, stored.rules, stored.period.previous())
    before = previous.results() if previous is not None else None
    return segment_quarter(
        stored.rule_set(), load().metrics, stored.inputs(), before, moves=stored.moves_searched
    )


# ---- reading ----


def folder(judgements_path: Path) -> Path:
    return judgements_path / DIR


def read(segments: Path, rules: str, quarter: Period) -> Stored | None:
    """The stored file of a rule set and quarter under a `segments` folder, if there is one."""
    path = segments / rules / f"{quarter}.json"
    if not path.exists():
        return None
    return Stored(path, json.loads(path.read_text(encoding="utf-8")))


def quarters(segments: Path, rules: str) -> list[Period]:
    """The quarters stored for a rule set, oldest first."""
    where = segments / rules
    if not where.is_dir():
        return []
    return sorted(Period.parse_quarter(p.stem) for p in where.glob("*.json"))


def current(home: Home) -> Path | None:
    """The segments folder of the published results' judgements, None if not stored."""
    from oversight.judge.stage import latest
    from oversight.metrics.results import current_version

    version = current_version(home)
    if version is None:
        return None
    found = latest(home, version)
    if found is None or not folder(found.path).is_dir():
        return None
    return folder(found.path)


# ---- building from a results version ----


def monthly_rows(metrics_path: Path, org_types: Sequence[str]) -> pd.DataFrame:
    """The total rows of the organisation types, with numerators and denominators (what
    quarter values pool), months as dates."""
    import pandas as pd

    columns = ["metric_id", "org_type", "org_code", "period", "group", "numerator",
               "denominator", "value"]
    frame = pd.read_parquet(
        metrics_path,
        columns=columns,
        filters=[("breakdown", "==", "total"), ("org_type", "in", list(org_types))],
    )
    frame = frame[frame["group"] == "total"].reset_index(drop=True)
    if len(frame):
        frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return frame


def quarter_inputs(
    cat: Catalogue,
    rule_set: RuleSet,
    monthly: pd.DataFrame,
    judged: pd.DataFrame | None,
    quarter: Period,
    recorded: Recordings,
    values: pd.DataFrame | Formed | None = None,
) -> Inputs:
    """A quarter's inputs: the quarter values of the rule set's organisations, the nof-2022
    judge outcomes from the judgements (`judged`), and the recorded judgements. `values`: the
    quarter values already formed for these organisations (a superset of the metrics), as a
    frame or as `Formed`."""
    from oversight.judge.segmentation.inputs import inputs_from_frame
    from oversight.judge.segmentation.published import organisations
    from oversight.judge.segmentation.quarter import in_quarter, quarter_outcomes, quarter_values

    orgs = organisations(cat, monthly, rule_set.org_type, quarter)
    metrics = {m: cat.metrics[m] for m in rule_set.metric_ids}
    starts = [m.start for m in quarter.months()]
    outcomes: dict[tuple[str, str], dict[str, str]] = {}
    if rule_set.method == "flags" and judged is not None:
        fields = tuple(dict.fromkeys(c.outcome for c in rule_set.flag_when))
        mine = judged[
            (judged["org_type"] == rule_set.org_type)
            & judged["metric_id"].isin(list(metrics))
            & in_quarter(judged["period"], quarter)  # each distinct month converted once
        ]
        outcomes = quarter_outcomes(mine, quarter, fields)
    if isinstance(values, Formed):
        return Inputs(
            period=quarter,
            orgs=tuple(orgs),
            values=values.of(orgs, metrics),
            finance=dict(recorded.finance),
            reviews=recorded.reviews,
            decisions=recorded.decisions,
            outcomes=outcomes,
        )
    if values is None:
        rows = monthly[
            (monthly["org_type"] == rule_set.org_type)
            & monthly["org_code"].isin(orgs)
            & monthly["metric_id"].isin(list(metrics))
            & monthly["period"].isin(starts)
        ]
        values = quarter_values(rows, metrics, quarter)
    else:
        values = values[values["org"].isin(orgs) & values["metric"].isin(list(metrics))]
    return inputs_from_frame(
        values,
        quarter,
        orgs=orgs,
        finance=dict(recorded.finance),
        reviews=recorded.reviews,
        decisions=recorded.decisions,
        outcomes=outcomes,
    )


class Formed:
    """A quarter's values (`quarter.quarter_values`) by organisation, each row's value as
    `inputs_from_frame` reads it: every rule set of the type takes its organisations and
    metrics from them (what filtering the frame and `inputs_from_frame` give, without a
    frame per rule set)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.by_org: dict[str, list[tuple[str, float | None]]] = {}
        for o, m, v in zip(
            frame["org"].tolist(), frame["metric"].tolist(), frame["value"].tolist(), strict=True
        ):
            self.by_org.setdefault(str(o), []).append((str(m), None if v is None else float(v)))

    def of(self, orgs: Iterable[str], metrics: Iterable[str]) -> dict[Key, float | None]:
        """The values of these organisations on these metrics, by (organisation, metric)."""
        wanted = set(metrics)
        return {
            (o, m): v for o in dict.fromkeys(orgs) for m, v in self.by_org.get(o, ()) if m in wanted
        }


def _changed_months(changed: pd.DataFrame | None, rules: str) -> set[dt.date] | None:
    """The changed months, of one rule set when `changed` says which (a `rules` column)."""
    if changed is None:
        return None
    import pandas as pd

    if "rules" in changed.columns:
        changed = changed[changed["rules"] == rules]
    return {pd.Timestamp(p).date() for p in changed["period"].unique()}


def shown_quarter(rule_set: RuleSet, complete: Sequence[Period]) -> Period | None:
    """The quarter whose "what would move you" is stored for a rule set: the newest complete
    quarter it is in force for (the one the portal shows), None when it is in force for none."""
    return max((q for q in complete if rule_set.in_force(q)), default=None)


def _untouched(quarter: Period, months: set[dt.date] | None) -> bool:
    if months is None:
        return False
    span = [*quarter.previous().months(), *quarter.months()]
    return not any(m.start in months for m in span)


class Building:
    """Segments being built for one judgements folder: the rule sets' quarters, each either
    the parent's file shared or segmented again into a staging folder, which is renamed into
    place at the end (`publish`). The rule sets that read no judge outcomes (scored ones) can
    be started on forked children before the judging (`start`), the others are built after it
    (`build`)."""

    def __init__(
        self,
        home: Home,
        staging: Path,
        metrics_path: Path,
        *,
        catalogue: Catalogue,
        parent_path: Path | None = None,
        monthly: pd.DataFrame | None = None,
    ) -> None:
        from oversight.judge.segmentation import recorded as store

        self.catalogue = catalogue
        self.rule_sets = [catalogue.rule_sets[k] for k in sorted(catalogue.rule_sets)]
        types = sorted({r.org_type for r in self.rule_sets})
        if monthly is None and self.rule_sets:
            monthly = monthly_rows(metrics_path, types)
        self.monthly = monthly
        self.parent = folder(parent_path) if parent_path is not None else None
        self.read_recorded = store.reader(home)
        self.formed: dict[tuple[str, Period], Formed] = {}
        self.split: dict[str, _ByQuarter] = {}
        self.complete_of: dict[str, list[Period]] = {}
        self.changed_of: dict[str, set[dt.date] | None] = {}
        self.reader: Callable[[dt.date], pd.DataFrame] | None = None
        self.read: dict[dt.date, _ByQuarter] = {}  # one entry: the months from the earliest asked
        self.early: forked.Started[RuleSet] = []
        self.staging = staging
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)

    def outcomes(self, quarter: Period) -> pd.DataFrame:
        """The judge outcomes of a quarter's months. The reader of the months from a date on
        is called only if a quarter is redone, from the first quarter redone (quarters are
        redone oldest first, so one read serves the rest of the rule set); its rows are split
        by quarter once, not filtered per quarter."""
        assert self.reader is not None, "a rule set reading outcomes is built after judging"
        if not self.read or quarter.start < min(self.read):
            self.read.clear()
            self.read[quarter.start] = _ByQuarter(self.reader(quarter.start), _outcome_columns())
        return next(iter(self.read.values())).get(quarter)

    def complete_for(self, org_type: str) -> list[Period]:
        """The complete quarters of an organisation type, worked out once."""
        from oversight.judge.segmentation.published import complete_quarters

        assert self.monthly is not None
        if org_type not in self.complete_of:
            self.complete_of[org_type] = complete_quarters(self.monthly, org_type)
        return self.complete_of[org_type]

    def values(self, org_type: str, quarter: Period) -> Formed:
        """Quarter values over every rule set's metrics, formed once per type and quarter."""
        from oversight.judge.segmentation.quarter import quarter_values

        if (org_type, quarter) not in self.formed:
            assert self.monthly is not None
            wanted = {m for r in self.rule_sets for m in r.metric_ids}
            if org_type not in self.split:  # the type's rows split by quarter once
                monthly = self.monthly
                rows = monthly[
                    (monthly["org_type"] == org_type) & monthly["metric_id"].isin(wanted)
                ]
                self.split[org_type] = _ByQuarter(rows)
            metrics = {m: self.catalogue.metrics[m] for m in sorted(wanted)}
            self.formed[(org_type, quarter)] = Formed(
                quarter_values(self.split[org_type].get(quarter), metrics, quarter)
            )
        return self.formed[(org_type, quarter)]

    def busy(self, rule_sets: Iterable[RuleSet], changed: pd.DataFrame | None) -> list[RuleSet]:
        """The rule sets with a month to redo (`changed`: the months whose inputs changed, per
        rule set when it has a `rules` column; None: all), the quarters they redo formed here,
        once, rather than once per forked process."""
        out = []
        for rule_set in rule_sets:
            months = self.changed_of.setdefault(rule_set.id, _changed_months(changed, rule_set.id))
            if months != set():
                out.append(rule_set)
                for quarter in self.complete_for(rule_set.org_type):
                    if not _untouched(quarter, months):
                        self.values(rule_set.org_type, quarter)
        return out

    def one(self, rule_set: RuleSet) -> None:
        """Every complete quarter of one rule set, oldest first (each reads the one before);
        run again from the start if it failed on a forked child."""
        assert self.monthly is not None
        parent, staging, catalogue = self.parent, self.staging, self.catalogue
        (staging / rule_set.id).mkdir(exist_ok=True)
        previous: tuple[OrgSegment, ...] | Head | None = None  # a copied file: decoded if used
        months = self.changed_of[rule_set.id]
        applied = rule_set.model_dump(mode="json")
        complete = self.complete_for(rule_set.org_type)
        shown = shown_quarter(rule_set, complete)
        # the previous quarter's result is the parent's (before the first quarter: the parent
        # has none either), so the change since then is the parent's too
        same_before = parent is not None and bool(complete) and not (
            parent / rule_set.id / f"{complete[0].previous()}.json"
        ).exists()
        for quarter in complete:
            recorded = self.read_recorded(quarter, rule_set.id)
            target = staging / rule_set.id / f"{quarter}.json"
            old = _head(parent, rule_set.id, quarter) if parent is not None else None
            alike = (
                old is not None
                and old.moves_searched == (quarter == shown)
                and old.data["rule_set"] == applied
            )
            if (
                old is not None
                and alike
                and _untouched(quarter, months)
                and _stored_recorded(old.recorded) == _recorded_of(recorded, quarter)
            ):
                _share(old.path, target)
                previous, same_before = old, True
                continue
            inputs = quarter_inputs(
                catalogue,
                rule_set,
                self.monthly,
                self.outcomes(quarter) if rule_set.method == "flags" else None,
                quarter,
                recorded,
                self.values(rule_set.org_type, quarter),
            )
            if old is not None and alike and same_before and (
                inputs_to_data(inputs) == old.inputs()
            ):  # a changed month that changed none of its inputs: the parent's result
                _share(old.path, target)
                previous = old
                continue
            if isinstance(previous, Head):  # a copied file: its results decoded only now, and
                # only for a scored rule set (the change since then; a flags one reads none)
                previous = (
                    Stored(previous.path, _load(previous.path)).results()
                    if rule_set.method == "scored"
                    else None
                )
            results = segment_quarter(
                rule_set, catalogue.metrics, inputs, previous, moves=quarter == shown
            )
            document = _document(rule_set, inputs, results, quarter == shown)
            target.write_text(document, encoding="utf-8")
            previous = results
            same_before = old is not None and old.path.read_bytes() == document.encode()

    def publish(self, version_path: Path) -> Path:
        """The staging folder renamed into `version_path` (replacing any earlier segments)."""
        final = folder(version_path)
        if final.exists():
            old_dir = version_path / f".{DIR}-old-{os.getpid()}"
            os.replace(final, old_dir)
            os.replace(self.staging, final)
            shutil.rmtree(old_dir)
        else:
            os.replace(self.staging, final)
        return final

    def abandon(self) -> None:
        """After a failure between `start` and `build`: the children ended, nothing kept."""
        forked.wait(self.early)
        shutil.rmtree(self.staging, ignore_errors=True)


def start(
    home: Home,
    version_path: Path,
    metrics_path: Path,
    rules: Iterable[str],
    *,
    catalogue: Catalogue,
    parent_path: Path | None = None,
    changed: pd.DataFrame | None = None,
    monthly: pd.DataFrame | None = None,
) -> Building:
    """A build whose rule sets `rules` (none reading judge outcomes) with a month to redo are
    started now, each on a forked child, while the caller judges; `build(..., started=)`
    builds the others and publishes them all. `changed` as for `build`, for these rule sets.
    Where forking is not possible nothing is started: `build` then builds them here."""
    staging = version_path.parent / f".{DIR}-{version_path.name}-{os.getpid()}"
    building = Building(home, staging, metrics_path, catalogue=catalogue,
                        parent_path=parent_path, monthly=monthly)
    chosen = [r for r in building.rule_sets if r.id in set(rules)]
    assert all(r.method != "flags" for r in chosen), "a flags rule set reads judge outcomes"
    busy = building.busy(chosen, changed)
    if busy and not forked.forked_sequential():
        building.early = forked.begin(building.one, busy)
    return building


def build(
    home: Home,
    version_path: Path,
    metrics_path: Path,
    judged: pd.DataFrame | Callable[[dt.date], pd.DataFrame],
    *,
    catalogue: Catalogue,
    parent_path: Path | None = None,
    changed: pd.DataFrame | None = None,
    monthly: pd.DataFrame | None = None,
    started: Building | None = None,
) -> Path:
    """Segment every complete quarter under every rule set and store the files in the
    judgements folder `version_path` (whole, replacing any earlier ones). `parent_path` and
    `changed` (the months whose inputs changed, per rule set when it has a `rules` column)
    let unchanged quarters be copied. `monthly`: `monthly_rows` of the rule sets'
    organisation types when the caller has them another way. `started`: the build `start`
    began (its parent and monthly rows are used; `changed` is for the other rule sets)."""
    building = started or Building(
        home, version_path / f".{DIR}-{os.getpid()}", metrics_path, catalogue=catalogue,
        parent_path=parent_path, monthly=monthly,
    )
    building.reader = judged if callable(judged) else (lambda since: judged)
    try:
        # The rule sets with a month to redo (every one, built from nothing) side by side,
        # each on a forked process of its own; the others (linking the parent's files, unless
        # a recorded judgement changed) here. Those `start` began are running already.
        running = {r.id for _, r in building.early}
        rest = [r for r in building.rule_sets if r.id not in running]
        busy = building.busy(rest, changed)
        forked.in_parallel(building.one, busy)
        for rule_set in rest:
            if rule_set not in busy:
                building.one(rule_set)
    finally:
        forked.wait(building.early)
    forked.end(building.one, building.early)
    return building.publish(version_path)


def _load(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _head(segments: Path, rules: str, quarter: Period) -> Head | None:
    """A stored file's `Head`. Its results (most of the file) are not read; its inputs' values
    and outcomes (most of the rest) are decoded only if asked for. A file not laid out as
    `_document` lays it out is decoded in full."""
    path = segments / rules / f"{quarter}.json"
    if not path.exists():
        return None
    with path.open("rb") as fh:
        text = fh.read(HEAD_BYTES)
        while (cut := text.find(RESULTS_KEY)) < 0 and (more := fh.read(HEAD_BYTES)):
            text += more
    at = text.find(INPUTS_KEY, 0, cut) if cut > 0 else -1
    if at > 0:
        line = text[at + len(INPUTS_KEY) : cut].removesuffix(b",")  # the comma after the inputs
        # the recorded judgements end the inputs (`inputs_to_data`); a key "finance" deeper
        # in them would leave the brackets unbalanced or other keys: then read it all
        tail = line.rfind(b',"finance":')
        try:
            data = json.loads(text[:at].removesuffix(b",") + b"\n}")
            recorded = json.loads(b"{" + line[tail + 1 :]) if tail > 0 else None
        except json.JSONDecodeError:
            recorded = None
        if isinstance(recorded, dict) and list(recorded) == ["finance", "reviews", "decisions"]:
            return Head(path, data, recorded, line)
    whole = _load(path)
    stored = whole["inputs"]
    recorded = {k: stored[k] for k in ("finance", "reviews", "decisions")}
    return Head(path, {k: v for k, v in whole.items() if k not in ("inputs", "results")},
                recorded, json.dumps(stored).encode())


@dataclass(frozen=True)
class Head:
    """What decides whether a stored file can be shared: its top-level keys before the
    inputs (the rule set as applied, whether moves were searched), its inputs' recorded
    judgements, and its inputs as undecoded text."""

    path: Path
    data: Mapping[str, Any]
    recorded: Mapping[str, Any]
    text: bytes

    @property
    def moves_searched(self) -> bool:
        return bool(self.data.get("moves", False))

    def inputs(self) -> Any:
        """The stored inputs as data (`inputs_to_data`'s form)."""
        return json.loads(self.text)


RESULTS_KEY = b'\n "results": ['
"""Where `_document` (one top-level key a line, results last) starts the results: the first
line that opens a top-level "results" (in files written with json.dumps(indent=1) before,
a deeper key is indented further; `_document`'s values hold no newline)."""
INPUTS_KEY = b'\n "inputs": '
"""Where `_document` starts the inputs, the line before the results."""
HEAD_BYTES = 1 << 16


def _share(source: Path, target: Path) -> None:
    """A parent's file in the new folder: hard-linked (stored files are never changed in
    place; `refresh` replaces them), copied where links are not possible."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _stored_recorded(stored: Mapping[str, Any]) -> Any:
    """`_recorded_data` of a stored file's recorded judgements (`Head.recorded`)."""
    finance = {o: codec.load(FinancialStatus, f) for o, f in stored["finance"].items()}
    reviews = [codec.load(CapabilityReview, r) for r in stored["reviews"]]
    decisions = [codec.load(SegmentDecision, d) for d in stored["decisions"]]
    return [
        {o: codec.dump(f) for o, f in sorted(finance.items())},
        [codec.dump(r) for r in reviews],
        [codec.dump(d) for d in decisions],
    ]


class _ByQuarter:
    """A frame's rows by quarter: the quarter of each row worked out once (per distinct
    month), a quarter's rows taken only when asked for, in their order."""

    def __init__(self, frame: pd.DataFrame, columns: Sequence[str] | None = None) -> None:
        import numpy as np
        import pandas as pd

        if columns is not None:
            frame = frame[list(dict.fromkeys(c for c in columns if c in frame.columns))]
        self.frame = frame
        codes, months = pd.factorize(frame["period"]) if len(frame) else ([], [])
        quarters = [Period.month_of(pd.Timestamp(m).date()).to(Kind.QUARTER) for m in months]
        self.where = {q: i for i, q in reversed(list(enumerate(quarters)))}
        # a month's quarter; a row without a month (code -1) takes the last entry: none
        self.of_month = np.array([self.where[q] for q in quarters] + [-1], dtype=np.intp)
        self.codes = np.asarray(codes, dtype=np.intp)

    def get(self, quarter: Period) -> pd.DataFrame:
        """The quarter's rows (none: an empty frame with the columns)."""
        import numpy as np

        if quarter not in self.where:
            return self.frame.iloc[:0]
        rows = np.flatnonzero(self.of_month[self.codes] == self.where[quarter])
        return self.frame.iloc[rows]


def _outcome_columns() -> list[str]:
    """The outcome columns segmentation reads (`quarter_inputs`)."""
    from typing import get_args

    from oversight.catalogue.models.rule_sets import FlagOutcome

    return ["metric_id", "org_type", "org_code", "period", "breakdown", "variation",
            *get_args(FlagOutcome)]


def _recorded_of(recorded: Recordings, quarter: Period) -> Any:
    return _recorded_data(
        Inputs(
            period=quarter,
            orgs=(),
            finance=recorded.finance,
            reviews=recorded.reviews,
            decisions=recorded.decisions,
        )
    )


def refresh(home: Home, quarter: Period) -> list[Path]:
    """After a judgement is recorded: the stored files of the quarter (every rule set) and of
    the quarter after it (whose change compares with it) made again with the recordings now
    in the store, each replaced atomically. Nothing when no segments are stored."""
    from oversight.catalogue import load
    from oversight.judge.segmentation import recorded as store

    segments = current(home)
    if segments is None:
        return []
    metrics = load().metrics
    done: list[Path] = []
    for rules_dir in sorted(p for p in segments.iterdir() if p.is_dir()):
        for q in (quarter, quarter.next()):
            stored = read(segments, rules_dir.name, q)
            if stored is None:
                continue
            rule_set = stored.rule_set()
            recorded = store.read(home, q, rule_set.id)
            inputs = replace(
                stored.inputs(),
                finance=dict(recorded.finance),
                reviews=recorded.reviews,
                decisions=recorded.decisions,
            )
            before = read(segments, rules_dir.name, q.previous())
            results = segment_quarter(
                rule_set, metrics, inputs, before.results() if before is not None else None,
                moves=stored.moves_searched,
            )
            tmp = stored.path.with_suffix(f".json.{os.getpid()}")
            tmp.write_text(
                _document(rule_set, inputs, results, stored.moves_searched), encoding="utf-8"
            )
            os.replace(tmp, stored.path)
            done.append(stored.path)
    return done
