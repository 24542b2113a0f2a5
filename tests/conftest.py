"""Suite-wide settings.

In the full run (scripts/test sets OVERSIGHT_REQUIRE_ALL=1) a test that needs PostgreSQL,
Spark or Chromium must not quietly skip: a skipped service test there is a failure, because
CI installs and starts all of them.
"""

from __future__ import annotations

import os

import pytest

SERVICE_MARKERS = ("postgres", "spark", "browser")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    outcome = yield
    report = outcome.get_result()
    if not os.environ.get("OVERSIGHT_REQUIRE_ALL") or not report.skipped:
        return
    needed = [m for m in SERVICE_MARKERS if item.get_closest_marker(m)]
    if needed:
        report.outcome = "failed"
        report.longrepr = (
            f"skipped a test that needs {', '.join(needed)} in a full run "
            f"(OVERSIGHT_REQUIRE_ALL=1): {report.longrepr}"
        )


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory):
    """A small demo home (synthetic lake + computed results), built once per test session.

    13 months from April 2023, so the latest month falls in planning year 2024/25.
    """
    from oversight.demo import build_demo
    from oversight.home import Home

    home = Home.at(tmp_path_factory.mktemp("demo-home"))
    build_demo(home, scale=0.002, months=13, start="2023-04", seed=7, progress=False)
    return home
