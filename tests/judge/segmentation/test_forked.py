"""Rule sets segmented on forked processes: every item's files written, a failure raised here."""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from oversight.judge.segmentation import forked


def _write(where: Path) -> Callable[[str], None]:
    def fn(item: str) -> None:
        (where / item).write_text(str(os.getpid()))

    return fn


@pytest.fixture
def untraced(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a plain run: more than one core and no tracer (coverage or the mutation tests'
    trace would make it sequential)."""
    monkeypatch.setattr(forked, "_cores", lambda: 2)
    monkeypatch.setattr(sys, "gettrace", lambda: None)


@pytest.mark.usefixtures("untraced")
def test_every_item_is_done_the_first_here_the_others_on_children(tmp_path: Path) -> None:
    forked.in_parallel(_write(tmp_path), ["a", "b", "c"])
    pids = {p.name: int(p.read_text()) for p in tmp_path.iterdir()}
    assert sorted(pids) == ["a", "b", "c"]
    assert pids["a"] == os.getpid()
    assert len({pids["b"], pids["c"], os.getpid()}) == 3


@pytest.mark.usefixtures("untraced")
def test_this_process_collects_its_garbage_again_once_the_children_are_started(
    tmp_path: Path,
) -> None:
    """The objects frozen for the fork (so children leave their pages be) are unfrozen
    after it: a long-lived process would otherwise never free them."""
    assert gc.get_freeze_count() == 0
    seen: list[int] = []

    def fn(item: str) -> None:
        seen.append(gc.get_freeze_count())
        _write(tmp_path)(item)

    forked.in_parallel(fn, ["a", "b"])
    assert seen == [0] and gc.get_freeze_count() == 0  # "a" ran here, after unfreezing


@pytest.mark.usefixtures("untraced")
def test_a_child_that_fails_is_run_again_here_and_its_error_raised(tmp_path: Path) -> None:
    parent = os.getpid()

    def fn(item: str) -> None:
        if item == "b" and os.getpid() != parent:
            os._exit(3)  # the child dies without writing
        if item == "c":
            raise ValueError(f"no rule set {item}")
        (tmp_path / item).write_text("done")

    with pytest.raises(ValueError, match="no rule set c"):
        forked.in_parallel(fn, ["a", "b", "c"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]  # b done again here


@pytest.mark.usefixtures("untraced")
def test_a_failure_here_still_waits_for_the_children(tmp_path: Path) -> None:
    def fn(item: str) -> None:
        if item == "a":
            raise RuntimeError("first failed")
        (tmp_path / item).write_text("done")

    with pytest.raises(RuntimeError, match="first failed"):
        forked.in_parallel(fn, ["a", "b"])
    assert (tmp_path / "b").read_text() == "done"


def test_one_core_or_a_tracer_runs_everything_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forked, "_cores", lambda: 1)
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    assert forked.forked_sequential()
    forked.in_parallel(_write(tmp_path), ["a", "b"])
    assert {int(p.read_text()) for p in tmp_path.iterdir()} == {os.getpid()}
    monkeypatch.setattr(forked, "_cores", lambda: 2)
    assert not forked.forked_sequential()
    monkeypatch.setattr(sys, "gettrace", lambda: print)
    assert forked.forked_sequential()


def test_another_python_thread_keeps_it_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server's worker threads: a lock held by one at the fork stays held in the child."""
    import threading

    monkeypatch.setattr(forked, "_cores", lambda: 2)
    monkeypatch.setattr(sys, "gettrace", lambda: None)
    assert not forked.forked_sequential()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert forked.forked_sequential()
    finally:
        stop.set()
        other.join()
    assert not forked.forked_sequential()


def test_cores_are_those_this_process_may_run_on() -> None:
    assert 1 <= forked._cores() <= (os.cpu_count() or 1)


def _judged_home(tmp_path: Path) -> tuple[Any, Any, Any]:
    """A home with one results version of `_rows()`, judged in full: (home, version, judged)."""
    from tests.judge.segmentation.test_segmentation_published_survivors import CAT, _rows
    from tests.judge.stage_support import write_version

    from oversight.home import Home
    from oversight.judge import stage
    from oversight.metrics.results import current

    home = Home.at(tmp_path / "home")
    write_version(home, "v1", _rows())
    version = current(home)
    assert version is not None
    return home, version, stage.assess(home, version, catalogue=CAT, incremental=False)


def _noting_segmenting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[], list[tuple[int, str]]]:
    """Each quarter segmented noted as a file naming the process and the rule set; the
    function returned reads (and clears) the notes as (pid, rule set) pairs."""
    from oversight.judge.segmentation import artefact

    real = artefact.segment_quarter

    def noted(rule_set: Any, *args: Any, **kwargs: Any) -> Any:
        (tmp_path / f"pid-{os.getpid()}-{rule_set.id}").touch()
        return real(rule_set, *args, **kwargs)

    monkeypatch.setattr(artefact, "segment_quarter", noted)

    def ran() -> list[tuple[int, str]]:
        found = []
        for p in tmp_path.glob("pid-*"):
            pid, rules = p.name.removeprefix("pid-").split("-", 1)
            found.append((int(pid), rules))
            p.unlink()
        return found

    return ran


def _built_here_and_forked(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    judged_home: tuple[Any, Any, Any],
    after_each: Callable[[], None],
    **build: Any,
) -> dict[str, dict[str, bytes]]:
    """`_judged_home`'s segments built twice, every rule set in this process ("here") and
    side by side on forked processes ("forked"): each file's bytes by path. `after_each` runs
    after each build."""
    from tests.judge.segmentation.test_segmentation_published_survivors import CAT

    from oversight.judge import stage
    from oversight.judge.segmentation import artefact

    home, version, judged = judged_home
    built = {}
    for name, alone in (("here", True), ("forked", False)):
        monkeypatch.setattr(forked, "forked_sequential", lambda alone=alone: alone)
        where = artefact.build(
            home, tmp_path / name, version.metrics_path,
            lambda since: stage._flag_outcomes(judged, CAT, since=since), catalogue=CAT,
            **build,
        )  # fmt: skip
        built[name] = {str(p.relative_to(where)): p.read_bytes() for p in where.rglob("*.json")}
        after_each()
    return built


def test_a_build_from_nothing_on_children_writes_the_same_files_as_one_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every rule set of the catalogue segmented on a process of its own (the first here):
    byte for byte the files segmenting them one after another here writes."""
    from tests.judge.segmentation.test_segmentation_published_survivors import CAT

    judged_home = _judged_home(tmp_path)
    ran = _noting_segmenting(tmp_path, monkeypatch)
    pids: set[int] = set()
    built = _built_here_and_forked(
        tmp_path, monkeypatch, judged_home, lambda: pids.update(pid for pid, _ in ran())
    )
    assert len(built["here"]) == 2 * len(CAT.rule_sets)
    assert built["forked"] == built["here"]
    assert len(pids) == len(CAT.rule_sets)  # this process, and a child per other rule set


@pytest.mark.usefixtures("untraced")
def test_a_child_that_cannot_start_is_raised_after_the_started_ones_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    real = multiprocessing.get_context("fork").Process.start
    calls: list[int] = []

    def start(self: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError("Cannot allocate memory")
        real(self)

    def slow(item: str) -> None:
        time.sleep(0.5)
        (tmp_path / item).write_text("done")

    monkeypatch.setattr(multiprocessing.get_context("fork").Process, "start", start)
    with pytest.raises(OSError, match="Cannot allocate memory"):
        forked.in_parallel(slow, ["a", "b", "c"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]  # started, and waited for


def test_an_incremental_build_forks_only_the_rule_sets_with_a_changed_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two rule sets read a changed month: those two side by side, the third (linking its
    parent's files) here; byte for byte the files of building them one after another here."""
    import datetime as dt

    import pandas as pd
    from tests.judge.segmentation.test_segmentation_published_survivors import CAT

    from oversight.judge.segmentation import artefact
    from oversight.judge.segmentation import quarter as quarter_module

    judged_home = _judged_home(tmp_path)
    _, version, judged = judged_home
    busy = sorted(CAT.rule_sets)[1:]
    changed = pd.DataFrame({"rules": busy, "period": [dt.date(2026, 8, 1)] * len(busy)})
    monthly = artefact.monthly_rows(version.metrics_path, ["icb"])
    monthly.loc[monthly["period"] == dt.date(2026, 8, 1), "value"] += 3.0
    ran = _noting_segmenting(tmp_path, monkeypatch)
    formed = tmp_path / "formed"
    formed.mkdir()
    real_values = quarter_module.quarter_values

    def counted(*args: Any, **kwargs: Any) -> Any:
        (formed / f"{os.getpid()}-{len(list(formed.iterdir()))}").touch()
        return real_values(*args, **kwargs)

    monkeypatch.setattr(quarter_module, "quarter_values", counted)
    runs: list[tuple[int, str]] = []

    def after_each() -> None:
        # the changed quarter's values formed once, here, not again on each child
        assert [p.name.split("-")[0] for p in formed.iterdir()] == [str(os.getpid())]
        (next(formed.iterdir())).unlink()
        runs.extend(ran())

    built = _built_here_and_forked(
        tmp_path, monkeypatch, judged_home, after_each,
        parent_path=judged.path, changed=changed, monthly=monthly,
    )  # fmt: skip
    assert len(built["here"]) == 2 * len(CAT.rule_sets)
    assert built["forked"] == built["here"]
    mine = os.getpid()
    forked_runs = {r for pid, r in runs if pid != mine}
    assert forked_runs == set(busy[1:])  # the first busy one here, the other on a child
    assert {r for _, r in runs} == set(busy)  # the quiet rule set segmented nothing
