"""The synthetic NHS: record-level data for the 42 ICBs with known, injected truth.

Names load on first use, so importing the package (as the command line does) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oversight.synth.build import generate
    from oversight.synth.manifest import Manifest
    from oversight.synth.manifest import read as read_manifest

_WHERE = {
    "generate": ("oversight.synth.build", "generate"),
    "Manifest": ("oversight.synth.manifest", "Manifest"),
    "read_manifest": ("oversight.synth.manifest", "read"),
}

__all__ = ["Manifest", "generate", "read_manifest"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'oversight.synth' has no attribute {name!r}")
    module, attribute = _WHERE[name]
    return getattr(import_module(module), attribute)
