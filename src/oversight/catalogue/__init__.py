"""The catalogue: organisations, datasets, data items, metrics, collections and targets.

Every other layer reads it through `load()`.
"""

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
