"""SPC: Making Data Count XmR charts, NHSRplotthedots semantics (docs/methodology/spc.md)."""

from oversight.stats.spc.many import SpcMany, spc_many
from oversight.stats.spc.single import SpcResult, spc

__all__ = ["SpcMany", "SpcResult", "spc", "spc_many"]
