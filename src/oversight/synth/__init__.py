"""The synthetic NHS: record-level data for the 42 ICBs with known, injected truth."""

from oversight.synth.build import generate
from oversight.synth.manifest import Manifest
from oversight.synth.manifest import read as read_manifest

__all__ = ["Manifest", "generate", "read_manifest"]
