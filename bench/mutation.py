"""Mutation testing: plant one bug at a time and count how many the tests catch.

    .venv/bin/python bench/mutation.py                      # every package in mutation.yaml
    .venv/bin/python bench/mutation.py --package stats --sample 100 --seed 1
    .venv/bin/python bench/mutation.py --list --package judge
    .venv/bin/python bench/mutation.py --show 'oversight/judge/targets.py::judge_value::>= -> >#1'

Prints ONE JSON object: per package the mutants killed, survived, not reached by any test,
timed out and equivalent (listed in bench/mutation.yaml with a reason), and the score,
killed / (mutants - equivalent); then every mutant that survived.

How (docs/testing.md): the source is copied to a temporary directory, so the worktree is never
mutated. One traced run of each package's tests records which test reaches which line (a line
run while a session- or module-scoped fixture is set up counts for every test that uses that
fixture; a line run at import counts for all). For each mutant (bench/mutants.py) the mutated
file is written into the copy and a forked child, with numpy, pandas and pytest already
imported, runs only the tests that reach the mutant, fastest first, stopping at the first
failure (pytest -x -q -p no:cacheprovider). No test reaching it: it survives unrun.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # forked children share no thread pools
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import Mutant, mutants

ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path(__file__).resolve().parent / "mutation.yaml"
COPIED = ("src", "tests", "docs", "pyproject.toml")
"""What a slot copies: the code, its tests and what the tests read."""
COLLECT = "<import>"
PYTEST_ARGS = ["-x", "-q", "-p", "no:cacheprovider", "-m", "not spark and not postgres"]
HEAVY = (
    "sqlalchemy", "sqlalchemy.orm", "alembic", "alembic.context", "alembic.op", "ibis",
    "ibis.expr.api", "sqlglot", "duckdb", "fastapi", "fastapi.testclient", "starlette",
    "pydantic", "jinja2", "httpx", "yaml", "click", "typer", "psycopg",
)  # fmt: skip
"""Third-party libraries the parent imports once so that no mutant's child imports them again."""
KILLED, SURVIVED, UNREACHED, TIMEOUT, ERROR = "killed", "survived", "unreached", "timeout", "error"
COUNTED = (KILLED, TIMEOUT, SURVIVED, UNREACHED, ERROR, "equivalent")


# --- the child processes -------------------------------------------------------------------


class _Select:
    """pytest plugin: run only the given tests, in the given order."""

    def __init__(self, order: list[str] | None) -> None:
        self.order = order

    def pytest_collection_modifyitems(self, session: Any, config: Any, items: list[Any]) -> None:
        if self.order is None:
            return
        rank = {nodeid: i for i, nodeid in enumerate(self.order)}
        keep = sorted((i for i in items if i.nodeid in rank), key=lambda i: rank[i.nodeid])
        dropped = [i for i in items if i.nodeid not in rank]
        if dropped:
            config.hook.pytest_deselected(items=dropped)
        items[:] = keep


class _Trace:
    """pytest plugin: which test (or shared fixture, or import) runs each line of `files`."""

    def __init__(self, files: set[str]) -> None:
        self.files = files
        self.context = COLLECT
        self.hits: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.durations: dict[str, float] = {}
        self.fixtures: dict[str, list[str]] = {}
        sys.settrace(self._global)

    def _global(self, frame: Any, event: str, arg: Any) -> Any:
        return self._local if frame.f_code.co_filename in self.files else None

    def _local(self, frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            self.hits[frame.f_code.co_filename][frame.f_lineno].add(self.context)
        return self._local

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: Any, nextitem: Any) -> Any:
        self.context = item.nodeid
        self.fixtures[item.nodeid] = list(item.fixturenames)
        start = time.perf_counter()
        yield
        self.durations[item.nodeid] = time.perf_counter() - start
        self.context = "<between>"

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef: Any, request: Any) -> Any:
        if fixturedef.scope == "function":
            yield
            return
        outer, self.context = self.context, f"fixture:{fixturedef.argname}"
        yield
        self.context = outer


def _child_setup(root: Path, write_bytecode: bool = False) -> None:
    """In a forked child: output to a log, imports and cwd from the slot.

    A mutant's child writes no .pyc: a mutated module of the same size written in the same
    second as the original would otherwise be loaded from a stale one.
    """
    log = os.open(root / "child.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(log, 1)
    os.dup2(log, 2)
    src = str(root / "src")
    os.environ["PYTHONPATH"] = src
    if not write_bytecode:
        os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
        sys.dont_write_bytecode = True
    sys.path.insert(0, src)
    os.chdir(root)
    from hypothesis import settings

    # the same examples every time, and no deadline (tracing slows everything down)
    settings.register_profile("mutation", derandomize=True, deadline=None, database=None)
    settings.load_profile("mutation")


def _run_tests(root: Path, files: list[str], order: list[str] | None) -> None:
    _child_setup(root)
    os._exit(int(pytest.main([*files, *PYTEST_ARGS], plugins=[_Select(order)])))


def _trace_tests(root: Path, files: list[str], targets: set[str], out: Path) -> None:
    _child_setup(root, write_bytecode=True)  # unmutated: its .pyc files serve every mutant
    tracer = _Trace(targets)
    threading.settrace(tracer._global)
    code = int(pytest.main([*files, "-q", "-p", "no:cacheprovider", "-m", PYTEST_ARGS[-1]],
                           plugins=[tracer]))  # fmt: skip
    sys.settrace(None)
    data = {
        "code": code,
        "hits": {f: {n: sorted(c) for n, c in lines.items()} for f, lines in tracer.hits.items()},
        "durations": tracer.durations,
        "fixtures": tracer.fixtures,
    }
    out.write_text(json.dumps(data))
    os._exit(0)


def _fork(target: Any, *args: Any) -> int:
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)  # its own process group, so a timeout also ends what the tests started
        try:
            target(*args)
        finally:
            os._exit(99)
    return pid


def _kill(pid: int) -> None:
    """End a child and every process it started (its process group)."""
    try:
        os.killpg(pid, 9)
    except ProcessLookupError:
        os.kill(pid, 9)


def _reap_group(pid: int) -> None:
    """After a child exits: end anything its tests left running."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, 9)


def _wait(pid: int, timeout: float) -> int | None:
    """Exit code of the child, or None (and the child killed) after `timeout` seconds."""
    end = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            _reap_group(pid)
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > end:
            _kill(pid)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.02)


# --- the parent ----------------------------------------------------------------------------


class Package:
    """One package of mutation.yaml: its source files, its test files and the line map."""

    def __init__(self, name: str, spec: dict[str, list[str]]) -> None:
        self.name = name
        self.sources: list[Path] = []
        for s in spec["source"]:
            p = ROOT / s
            if "*" in s:  # a glob: src/oversight/judge/*.py is the modules directly under judge/
                self.sources += sorted(Path(f) for f in glob.glob(str(p)))
            else:
                self.sources += [p] if p.is_file() else sorted(p.rglob("*.py"))
        tests, skip = _test_files(spec["tests"]), _test_files(spec.get("exclude", []))
        self.tests = tests if not skip else sorted(set(_expand(tests)) - set(skip))
        self.hits: dict[str, dict[str, list[str]]] = {}
        self.durations: dict[str, float] = {}
        self.fixtures: dict[str, list[str]] = {}

    def trace(self, root: Path) -> float:
        """Run the package's tests once, untouched, recording who reaches what. Seconds."""
        src = root / "src"
        targets = {str(src / p.relative_to(ROOT / "src")) for p in self.sources}
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "trace.json"
            start = time.perf_counter()
            code = _wait(_fork(_trace_tests, root, self.tests, targets, out), 3600)
            seconds = time.perf_counter() - start
            data = json.loads(out.read_text()) if out.exists() else {"code": code}
        if code != 0 or data["code"] != 0:
            raise SystemExit(f"{self.name}: the tests fail without any mutant (pytest {data})")
        self.hits = {str(Path(f).relative_to(src)): v for f, v in data["hits"].items()}
        self.durations, self.fixtures = data["durations"], data["fixtures"]
        return seconds

    def reaching(self, mutant: Mutant) -> list[str]:
        """Tests reaching the mutant, fastest first (all of them if it runs at import)."""
        lines = self.hits.get(mutant.path, {})
        contexts = {c for n in mutant.lines for c in lines.get(str(n), [])}
        if COLLECT in contexts:
            return sorted(self.durations, key=lambda t: (self.durations[t], t))
        fixtures = {c.removeprefix("fixture:") for c in contexts if c.startswith("fixture:")}
        tests = {t for t, used in self.fixtures.items() if t in contexts or fixtures & set(used)}
        return sorted(tests, key=lambda t: (self.durations.get(t, 0.0), t))


def _test_files(patterns: list[str]) -> list[str]:
    """The test files and directories the patterns match, relative to the repository."""
    return sorted(
        {str(Path(f).relative_to(ROOT)) for t in patterns for f in glob.glob(str(ROOT / t))}
    )


def _expand(paths: list[str]) -> list[str]:
    """Directories as the test files in them (so that single files can be excluded)."""
    out = []
    for p in paths:
        out += (
            [str(f.relative_to(ROOT)) for f in sorted((ROOT / p).rglob("test_*.py"))]
            if (ROOT / p).is_dir()
            else [p]
        )
    return out


def load_config(path: Path = CONFIG) -> tuple[dict[str, Package], dict[str, str]]:
    raw = yaml.safe_load(path.read_text())
    packages = {name: Package(name, spec) for name, spec in raw["packages"].items()}
    equivalent = {e["id"]: e["reason"] for e in raw.get("equivalent") or []}
    return packages, equivalent


def package_mutants(package: Package) -> list[tuple[Mutant, str]]:
    out = []
    for p in package.sources:
        out += mutants(p.read_text(encoding="utf-8"), str(p.relative_to(ROOT / "src")))
    return out


class Slot:
    """A private copy of src/ in which one mutant at a time is written, then restored."""

    def __init__(self, base: Path, n: int) -> None:
        self.root = base / f"slot{n}"
        skip = shutil.ignore_patterns("__pycache__", ".hypothesis", "*.pyc")
        for name in COPIED:
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, self.root / name, ignore=skip)
            else:
                shutil.copyfile(ROOT / name, self.root / name)
        import compileall

        compileall.compile_dir(self.root / "src", quiet=1)
        self.pid: int | None = None
        self.job: tuple[Mutant, str, float, float] | None = None

    def start(self, mutant: Mutant, text: str, files: list[str], order: list[str] | None,
              timeout: float) -> None:  # fmt: skip
        target = self.root / "src" / mutant.path
        for pyc in (target.parent / "__pycache__").glob(f"{target.stem}.*.pyc"):
            pyc.unlink()  # else a .pyc of the same size and second could be loaded instead
        original = target.read_text(encoding="utf-8")
        target.write_text(text, encoding="utf-8")
        self.pid = _fork(_run_tests, self.root, files, order)
        self.job = (mutant, original, time.monotonic(), timeout)

    def poll(self) -> tuple[Mutant, str, float] | None:
        """(mutant, status, seconds) once the child is done; the copy restored."""
        assert self.pid is not None and self.job is not None
        mutant, original, start, timeout = self.job
        done, status = os.waitpid(self.pid, os.WNOHANG)
        elapsed = time.monotonic() - start
        if done:
            _reap_group(self.pid)
            code = os.waitstatus_to_exitcode(status)
            result = SURVIVED if code == 0 else KILLED if code in (1, 2) or code < 0 else ERROR
        elif elapsed > timeout:
            _kill(self.pid)
            os.waitpid(self.pid, 0)
            result = TIMEOUT
        else:
            return None
        (self.root / "src" / mutant.path).write_text(original, encoding="utf-8")
        self.pid, self.job = None, None
        return mutant, result, elapsed


def run(args: argparse.Namespace) -> dict[str, Any]:
    packages, equivalent = load_config(Path(args.config))
    previous = json.loads(Path(args.rerun).read_text()) if args.rerun else None
    done_before = _read_progress(Path(args.progress)) if args.progress else {}
    retry = ((SURVIVED, ERROR) if args.retry_survivors else ()) + (
        (TIMEOUT,) if args.retry_timeouts else ()
    )
    done_before = {k: r for k, r in done_before.items() if r not in retry}
    chosen = args.package or list(previous["packages"] if previous else packages)
    started = time.perf_counter()
    report: dict[str, Any] = {"command": " ".join(sys.argv), "packages": {}, "survivors": []}
    all_ids: set[str] = set()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("mutation: stopped"))
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp, contextlib.ExitStack() as stack:
        slots = [Slot(Path(tmp), n) for n in range(args.jobs)]
        stack.callback(lambda: [_kill(s.pid) for s in slots if s.pid is not None])
        for name in chosen:
            package = packages[name]
            todo = package_mutants(package)
            all_ids |= {m.id for m, _ in todo}
            if args.match:
                todo = [(m, t) for m, t in todo if any(x in m.id for x in args.match)]
            if args.sample and args.sample < len(todo):
                todo = random.Random(args.seed).sample(todo, args.sample)
            counts = dict.fromkeys((KILLED, TIMEOUT, SURVIVED, UNREACHED, ERROR), 0)
            counts["equivalent"] = 0
            measured = len(todo)
            if previous is not None:  # only last time's survivors; its kills and equivalents stand
                before = previous["packages"][name]
                left = {s["id"] for s in previous["survivors"] if s["package"] == name}
                todo = [(m, t) for m, t in todo if m.id in left]
                measured = before["mutants"]
                for key in (KILLED, TIMEOUT, "equivalent"):
                    counts[key] = before[key]
            t0 = time.perf_counter()
            trace_s = package.trace(slots[0].root)
            for slot in slots[1:]:  # the assertion-rewritten tests compiled by the trace run
                shutil.copytree(slots[0].root / "tests", slot.root / "tests", dirs_exist_ok=True)
            runnable = []
            resumed = 0
            for m, text in todo:
                if m.id in equivalent:
                    counts["equivalent"] += 1
                    continue
                if m.id in done_before:  # finished by an earlier run with the same --progress
                    result = done_before[m.id]
                    counts[result] += 1
                    resumed += 1
                    if result in (SURVIVED, ERROR, UNREACHED):
                        report["survivors"].append(_row(name, m, result))
                    continue
                order = package.reaching(m)
                if order == []:
                    counts[UNREACHED] += 1
                    report["survivors"].append(_row(name, m, UNREACHED))
                    continue
                runnable.append((m, text, order))
            _log(
                f"{name}: {len(todo)} mutants, {len(runnable)} to run, {resumed} from the "
                f"progress file (trace {trace_s:.0f} s)"
            )
            for m, result, seconds in _schedule(slots, package, runnable):
                counts[result] += 1
                if args.progress:
                    _append_progress(Path(args.progress), name, m, result, seconds)
                if result in (SURVIVED, ERROR):
                    report["survivors"].append(_row(name, m, result))
                    _log(f"  {result}: {m.id} (line {m.line})")
            total = measured - counts["equivalent"]
            caught = counts[KILLED] + counts[TIMEOUT]
            report["packages"][name] = {
                "score": round(caught / total, 4) if total else None,
                "mutants": measured,
                **counts,
                "seconds": round(time.perf_counter() - t0, 1),
            }
    report["totals"] = _totals(report["packages"])
    if not (args.match or args.sample or args.rerun) and set(chosen) == set(packages):
        report["stale_equivalents"] = sorted(set(equivalent) - all_ids)
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["jobs"] = args.jobs
    return report


def _totals(packages: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """judge/segmentation, judge/assessment, ... summed as judge (only those run)."""
    out: dict[str, dict[str, Any]] = {}
    for name, row in packages.items():
        if "/" not in name or name.split("/")[0] == "collect":
            continue
        top = out.setdefault(name.split("/")[0], {"parts": []})
        top["parts"].append(name)
        for key in ("mutants", *COUNTED, "seconds"):
            top[key] = top.get(key, 0) + row[key]
    for top in out.values():
        total = top["mutants"] - top["equivalent"]
        top["score"] = round((top[KILLED] + top[TIMEOUT]) / total, 4) if total else None
    return out


def _schedule(
    slots: list[Slot], package: Package, runnable: list[tuple[Mutant, str, list[str]]]
) -> Any:
    """Run the mutants on the slots, yielding (mutant, result, seconds) as each finishes."""
    pending = list(reversed(runnable))
    busy: list[Slot] = []
    done = 0
    while pending or busy:
        for slot in [s for s in slots if s.pid is None]:
            if not pending:
                break
            m, text, order = pending.pop()
            # the traced durations of the very tests it runs (not of whole files: a mutant
            # reached at import once got 33 s for the whole suite, and timed out as "caught")
            budget = sum(package.durations.get(t, 1.0) for t in order)
            files = sorted({t.split("::")[0] for t in order})
            slot.start(m, text, files, order, timeout=30 + 3 * budget)
            busy.append(slot)
        for slot in list(busy):
            finished = slot.poll()
            if finished:
                busy.remove(slot)
                done += 1
                if done % 25 == 0:
                    _log(f"  {done}/{len(runnable)}")
                yield finished
        time.sleep(0.01)


def _read_progress(path: Path) -> dict[str, str]:
    """Mutant id -> result, from the lines an earlier run appended to a --progress file."""
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text().splitlines():
        with contextlib.suppress(ValueError, KeyError):
            row = json.loads(line)
            out[row["id"]] = row["status"]
    return out


def _append_progress(path: Path, package: str, m: Mutant, status: str, seconds: float) -> None:
    row = {"package": package, "id": m.id, "line": m.line, "status": status,
           "seconds": round(seconds, 2)}  # fmt: skip
    with path.open("a") as f:
        f.write(json.dumps(row) + "\n")


def _row(package: str, m: Mutant, status: str) -> dict[str, Any]:
    return {
        "package": package,
        "status": status,
        "id": m.id,
        "line": m.line,
        "original": m.original if len(m.original) <= 80 else m.original[:77] + "...",
        "replacement": m.replacement if len(m.replacement) <= 80 else m.replacement[:77] + "...",
    }


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def show(mutant_id: str, config: Path) -> str:
    """A unified diff of one mutant against the source."""
    import difflib

    packages, _ = load_config(config)
    for package in packages.values():
        for m, text in package_mutants(package):
            if m.id == mutant_id:
                original = (ROOT / "src" / m.path).read_text(encoding="utf-8")
                return "".join(
                    difflib.unified_diff(
                        original.splitlines(True),
                        text.splitlines(True),
                        m.path,
                        m.path + " (mutant)",
                    )
                )
    raise SystemExit(f"no mutant with id {mutant_id!r}; --list shows them")


def _preload() -> None:
    """Import once here what every forked child would otherwise import again.

    numpy, pandas, pyarrow, scipy, hypothesis, pytest's plugins (anyio's alone takes 0.4 s) and
    the HEAVY libraries the judge tests import (ibis, fastapi, alembic: 6 s together under load);
    then freeze them out of the garbage collector, whose full passes pytest runs at the end.
    """
    import gc
    import importlib
    from importlib.metadata import entry_points

    import hypothesis  # noqa: F401
    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401
    import scipy.special
    import scipy.stats  # noqa: F401

    for name in HEAVY:  # each an import of seconds when the machine is busy
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    for ep in entry_points(group="pytest11"):
        try:
            ep.load()
        except Exception:  # a plugin that cannot load here will not load in the child either
            continue
    gc.collect()
    gc.freeze()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default=str(CONFIG))
    parser.add_argument("--package", action="append", help="a package of mutation.yaml (repeat)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument("--sample", type=int, help="run a random N of each package's mutants")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--match", action="append", help="only mutants whose id contains this text (repeat: any)"
    )
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--show", metavar="ID", help="print one mutant as a diff")
    parser.add_argument("--out", help="also write the JSON report to this file")
    parser.add_argument(
        "--rerun",
        metavar="REPORT",
        help="run only the survivors of an earlier --out report (after adding tests); its "
        "killed and equivalent counts are kept, so the source must not have changed since",
    )
    parser.add_argument(
        "--progress",
        metavar="FILE",
        help="append each mutant's result to FILE as it finishes (JSON lines), and skip the "
        "mutants FILE already holds: a stopped run resumes where it was (same source only)",
    )
    parser.add_argument(
        "--retry-survivors",
        action="store_true",
        help="with --progress: run again the mutants that survived there (tests added since)",
    )
    parser.add_argument(
        "--retry-timeouts",
        action="store_true",
        help="with --progress: run again the mutants that timed out there",
    )
    args = parser.parse_args()
    if args.show:
        print(show(args.show, Path(args.config)))
        return
    if args.list:
        packages, equivalent = load_config(Path(args.config))
        for name in args.package or list(packages):
            for m, _ in package_mutants(packages[name]):
                if not args.match or any(x in m.id for x in args.match):
                    mark = "  [equivalent]" if m.id in equivalent else ""
                    print(f"{m.id}  (line {m.line}: {m.original!r} -> {m.replacement!r}){mark}")
        return
    _preload()
    report = run(args)
    text = json.dumps(report, indent=2)
    if args.out:
        Path(args.out).write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
