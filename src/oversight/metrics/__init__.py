"""metrics: catalogue metrics computed for every ICB, region and England, read back by API.

The stage is `compute(home, ...) -> ResultsVersion`; published results are read through a
`ResultsVersion` (`published(home)`, `current(home)`): `.rows()`, `.series()`, `.metrics()`,
`.statistics()`, `.lineage()`, `.revisions_behind()`. Names load on first use, so importing
the package (as the command line does) loads no data library.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oversight.metrics.results import ResultsVersion, current, published
    from oversight.metrics.stage import compute

_WHERE = {
    "compute": "oversight.metrics.stage",
    "ResultsVersion": "oversight.metrics.results",
    "current": "oversight.metrics.results",
    "published": "oversight.metrics.results",
}

__all__ = ["ResultsVersion", "compute", "current", "published"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'oversight.metrics' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
