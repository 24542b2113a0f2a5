"""The organisation tree results roll up through: ICB -> NHS England region -> England.

Region and England figures are sums over the same records as the ICB figures (never averages of
ICB values), so the roll-up needs, for every period, which region each ICB belonged to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

ICB = "icb"
REGION = "region"
ENGLAND = "england"
LEVELS: tuple[str, ...] = (ICB, REGION, ENGLAND)
PROVIDER = "provider"
"""Providers have results only from provider-level returns (metrics/returns.py); they are not
a level of the ICB roll-up."""
ENGLAND_CODE = "ENG"
"""The org_code of England in results (NHS England's own ODS code is not an area code)."""


@dataclass(frozen=True)
class OrgTree:
    """ICB membership of regions for each period: a frame of icb_code, period, region_code."""

    membership: pd.DataFrame

    @classmethod
    def from_mapping(cls, regions: Mapping[str, str], periods: Iterable[dt.date]) -> OrgTree:
        """A fixed ICB -> region mapping, the same in every period (tests, small lakes)."""
        rows = [(icb, p, reg) for p in periods for icb, reg in sorted(regions.items())]
        return cls(pd.DataFrame(rows, columns=["icb_code", "period", "region_code"]))

    @classmethod
    def from_catalogue(cls, cat: Catalogue, periods: Iterable[dt.date]) -> OrgTree:
        """Membership from the catalogue: the ICBs in being at each period and their region."""
        rows = []
        for p in periods:
            for icb in cat.icbs_on(p):
                region = cat.region_of(icb.code, p)
                rows.append((icb.code, p, getattr(region, "code", region)))
        return cls(pd.DataFrame(rows, columns=["icb_code", "period", "region_code"]))

    @property
    def periods(self) -> list[dt.date]:
        return sorted(set(self.membership["period"]))

    def icbs(self, period: dt.date | None = None) -> list[str]:
        m = self.membership
        if period is not None:
            m = m[m["period"] == period]
        return sorted(set(m["icb_code"]))

    def region_of(self, icb: str, period: dt.date) -> str:
        m = self.membership
        hit = m[(m["icb_code"] == icb) & (m["period"] == period)]
        if hit.empty:
            raise KeyError(f"ICB {icb} has no region in {period:%Y-%m}")
        return str(hit["region_code"].iloc[0])

    def orgs(self) -> pd.DataFrame:
        """Every (org_type, org_code, period) results are expected for, with its member ICBs.

        Columns: org_type, org_code, period, icb_code (one row per member ICB).
        """
        m = self.membership
        icb = m.assign(org_type=ICB, org_code=m["icb_code"])
        reg = m.assign(org_type=REGION, org_code=m["region_code"])
        eng = m.assign(org_type=ENGLAND, org_code=ENGLAND_CODE)
        cols = ["org_type", "org_code", "period", "icb_code"]
        return pd.concat([icb[cols], reg[cols], eng[cols]], ignore_index=True)
