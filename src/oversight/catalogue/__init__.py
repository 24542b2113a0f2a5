"""The catalogue: organisations, datasets, data items, metrics, collections and targets.

Every other layer reads it through `load()`. Names load on first use, so importing the
package (as the command line does) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oversight.catalogue.catalogue import Catalogue
    from oversight.catalogue.loader import load
    from oversight.catalogue.models import (
        ICB,
        Collection,
        Column,
        Condition,
        DataItem,
        Dataset,
        Membership,
        Metric,
        Provider,
        Region,
        Target,
        TrajectoryPoint,
    )
    from oversight.catalogue.problems import CatalogueError, Problem

_MODELS = "oversight.catalogue.models"
_WHERE = {
    "Catalogue": "oversight.catalogue.catalogue",
    "load": "oversight.catalogue.loader",
    "CatalogueError": "oversight.catalogue.problems",
    "Problem": "oversight.catalogue.problems",
}

__all__ = [
    "ICB",
    "Catalogue",
    "CatalogueError",
    "Collection",
    "Column",
    "Condition",
    "DataItem",
    "Dataset",
    "Membership",
    "Metric",
    "Problem",
    "Provider",
    "Region",
    "Target",
    "TrajectoryPoint",
    "load",
]


def __getattr__(name: str) -> Any:
    """Load names on first use: the command line imports this package without needing them."""
    if name not in __all__:
        raise AttributeError(f"module 'oversight.catalogue' has no attribute {name!r}")
    return getattr(import_module(_WHERE.get(name, _MODELS)), name)
