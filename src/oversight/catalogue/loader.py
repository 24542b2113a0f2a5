"""`load()`: the one entry point every layer uses to read the catalogue."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from oversight.catalogue.catalogue import Catalogue
from oversight.catalogue.compile import compile_catalogue
from oversight.catalogue.files import DEFAULT_DIR
from oversight.catalogue.problems import CatalogueError


def _load(directory: Path) -> Catalogue:
    catalogue, problems = compile_catalogue(directory)
    if catalogue is None or any(p.severity == "error" for p in problems):
        raise CatalogueError(problems)
    return catalogue


@lru_cache(maxsize=1)
def _load_default() -> Catalogue:
    return _load(DEFAULT_DIR)


def load(path: str | Path | None = None) -> Catalogue:
    """The catalogue in `path` (a directory of catalogue files), default the packaged one.

    The packaged catalogue is loaded once per process. Raises CatalogueError listing every
    problem when the catalogue is broken.
    """
    if path is None:
        return _load_default()
    return _load(Path(path))
