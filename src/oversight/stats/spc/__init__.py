"""SPC: Making Data Count XmR charts with NHSRplotthedots semantics (see docs/methodology/spc.md)."""

from oversight.stats.spc.single import SpcResult, spc

__all__ = ["SpcResult", "spc"]
