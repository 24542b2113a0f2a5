"""metrics: catalogue metrics computed for every ICB, region and England, read back by API."""

from oversight.metrics.results import lineage, results, series

__all__ = ["lineage", "results", "series"]
