"""SPC concern runs read from a published results version: national-target metrics, ICBs only."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from oversight.home import Home
from oversight.judge.escalation.trigger_inputs import national_concerns

CONCERN, COMMON = "special_cause_concern", "common_cause"


def _publish(home: Home, series: dict[tuple[str, str, str], list[str]]) -> None:
    metrics, stats = [], []
    for (org_type, org, metric), flags in series.items():
        periods = [dt.date(2025, m + 1, 1) for m in range(len(flags))]
        keys = {
            "metric_id": metric,
            "org_type": org_type,
            "org_code": org,
            "period": periods,
            "breakdown": "total",
            "group": "total",
        }
        metrics.append(pd.DataFrame({**keys, "value": 1.0}))
        stats.append(pd.DataFrame({**keys, "spc_point_type": flags}))
    version = home.results_dir / "v1"
    version.mkdir(parents=True)
    pd.concat(metrics).to_parquet(version / "metrics.parquet", index=False)
    pd.concat(stats).to_parquet(version / "statistics.parquet", index=False)
    (version / "manifest.json").write_text(json.dumps({"periods": []}))
    (home.results_dir / "CURRENT").write_text("v1")


def test_concerns_on_national_target_metrics_of_icbs(tmp_path: Path) -> None:
    home = Home.at(tmp_path)
    assert national_concerns(home, 3) == {}  # nothing published yet
    run = [COMMON, CONCERN, CONCERN, CONCERN]
    _publish(
        home,
        {
            ("icb", "QOP", "ae_4hr"): run,  # ae_4hr has a national target in the catalogue
            ("region", "Y62", "ae_4hr"): run,  # a region is not under case oversight
            ("england", "ENG", "ae_4hr"): run,
            ("icb", "QHL", "no_national_target_metric"): run,
            ("icb", "QMJ", "ae_4hr"): [CONCERN, CONCERN, CONCERN, COMMON],
        },
    )
    assert national_concerns(home, 3) == {("QOP", "ae_4hr"): 3}
    assert national_concerns(home, 4) == {}
