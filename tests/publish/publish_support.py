"""Helpers for the publish-path tests: a writable copy of the demo home, and a one-ICB-month
submission accepted the way the API and the command line accept one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from oversight.home import Home

COLLECTION = "community_ucr_return"
METRIC = "ucr_2hr"


def copy_home(demo_home: Home, where: Path) -> Home:
    shutil.copytree(demo_home.root, where)
    return Home.at(where)


def submit_ucr(home: Home, org: str, month: str, referrals: int, within: int,
               catalogue: Any = None) -> str:
    """Submit one ICB-month of urgent community response; returns the new revision's id."""
    from oversight.catalogue import load
    from oversight.collect.ingest import ingest

    home.incoming_dir.mkdir(parents=True, exist_ok=True)
    path = home.incoming_dir / f"ucr-{org}-{month}-{referrals}-{within}.csv"
    path.write_text(
        "icb_code,period,ucr_referrals,ucr_within_2_hours\n"
        f"{org},{month}-01,{referrals},{within}\n"
    )
    result = ingest(path, collection=COLLECTION, org=org, period=month, submitter="test",
                    catalogue=catalogue or load(), lake=home.lake(), engine=home.database(),
                    confirm=True)
    path.unlink()
    assert result.status == "accepted" and result.revision is not None, result.to_dict()
    return str(result.revision.id)
