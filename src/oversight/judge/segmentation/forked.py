"""One function over several items, each on a forked process of its own when cores are free.

The judge stage segments every rule set of the catalogue, and a rule set's quarters depend only
on each other, never on another rule set's; most of the work is Python (scores, the "what would
move you" search, the files), so threads would take turns. Forked processes inherit the frames
already in memory, write their files and exit: a full judgement takes about the time of its
slowest rule set rather than the sum.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def forked_sequential() -> bool:
    """Whether to run in this process only: one core, no fork (not Linux), other Python
    threads (a server's: a lock one of them holds at the fork would never be released in the
    child), or a tracer (a debugger, coverage or the mutation tests' trace of which lines a
    test runs) that would not see what a child runs."""
    return (
        _cores() < 2
        or "fork" not in multiprocessing.get_all_start_methods()
        or threading.active_count() > 1
        or sys.gettrace() is not None
    )


def in_parallel(fn: Callable[[T], None], items: Sequence[T]) -> None:
    """`fn(item)` for every item: the first here, the others each on a forked child at the same
    time. `fn` must keep its effects to files (a child's memory is lost when it exits) and may
    be run again for an item: a child that fails is run again here, so that its error is raised
    in this process."""
    if len(items) < 2 or forked_sequential():
        for item in items:
            fn(item)
        return
    started = begin(fn, items[1:])
    try:
        fn(items[0])
    finally:  # a failure here still waits for the children
        wait(started)
    end(fn, started)


Started = list[tuple["multiprocessing.process.BaseProcess", T]]
"""Items being run on forked children (`begin`), each with its child."""


def begin(fn: Callable[[T], None], items: Sequence[T]) -> Started[T]:
    """`fn(item)` started for every item, each on a forked child, not waited for (`end` waits).
    A child that cannot start is raised once the ones started have ended."""
    context = multiprocessing.get_context("fork")
    started: Started[T] = []
    try:
        gc.freeze()  # a child's collections leave the inherited objects (and their pages) be
        try:
            for item in items:
                child = context.Process(target=fn, args=(item,), daemon=True)
                child.start()
                started.append((child, item))
        finally:
            gc.unfreeze()
    except BaseException:
        wait(started)
        raise
    return started


def wait(started: Started[T]) -> None:
    """Every started child ended."""
    for child, _ in started:
        child.join()


def end(fn: Callable[[T], None], started: Started[T]) -> None:
    """Every started child ended, and the item of each that failed run again here."""
    wait(started)
    for child, item in started:
        if child.exitcode != 0:
            fn(item)
