"""The organisations the synthetic NHS is generated for, read from the catalogue.

The generator needs only a few facts per ICB (code, region, population, providers by kind), so
it reads them once through `oversight.catalogue.load()` into small frozen records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from oversight.catalogue import ICB, Provider

#: Provider kinds each record-level dataset prefers, in order of preference.
PREFERRED_KINDS: dict[str, tuple[str, ...]] = {
    "ae_attendances": ("acute",),
    "ambulance_incidents": ("ambulance",),
    "rtt_pathways": ("acute",),
    "cancer_referrals": ("acute",),
    "talking_therapies_referrals": ("mental_health", "community"),
}


class CatalogueLike(Protocol):
    """The part of the catalogue the generator reads."""

    @property
    def icbs(self) -> Mapping[str, ICB]: ...

    def providers_of(self, icb_code: str) -> Iterable[Provider]: ...


@dataclass(frozen=True)
class SynthICB:
    """One ICB as the generator sees it."""

    code: str
    name: str
    region_code: str
    population: int
    providers: Mapping[str, tuple[str, ...]]  # kind -> provider codes, sorted
    regional: Mapping[str, tuple[str, ...]]  # kind -> codes attached anywhere in the region

    def providers_for(self, dataset: str) -> tuple[str, ...]:
        """Providers that report `dataset` for this ICB.

        An ambulance service attaches to one ICB per region, so a kind missing from the ICB is
        taken from its region; failing that, any provider of the ICB; failing that (the
        catalogue attaches none), the ICB's own code.
        """
        for kinds in (self.providers, self.regional):
            for kind in PREFERRED_KINDS.get(dataset, ()):
                if kinds.get(kind):
                    return kinds[kind]
        every = tuple(sorted({c for codes in self.providers.values() for c in codes}))
        return every or (self.code,)


def from_catalogue(catalogue: CatalogueLike) -> tuple[SynthICB, ...]:
    """The ICBs of `catalogue`, sorted by code so generation order never depends on file order."""
    own: dict[str, dict[str, set[str]]] = {}
    regional: dict[str, dict[str, set[str]]] = {}
    for code in sorted(catalogue.icbs):
        region = str(catalogue.icbs[code].region_code)
        for provider in catalogue.providers_of(code):
            kind, provider_code = str(provider.kind), str(provider.code)
            own.setdefault(code, {}).setdefault(kind, set()).add(provider_code)
            regional.setdefault(region, {}).setdefault(kind, set()).add(provider_code)
    return tuple(
        SynthICB(
            code=str(icb.code),
            name=str(icb.name),
            region_code=str(icb.region_code),
            population=int(icb.population),
            providers=_sorted(own.get(code, {})),
            regional=_sorted(regional.get(str(icb.region_code), {})),
        )
        for code, icb in ((c, catalogue.icbs[c]) for c in sorted(catalogue.icbs))
    )


def _sorted(kinds: Mapping[str, set[str]]) -> dict[str, tuple[str, ...]]:
    return {k: tuple(sorted(v)) for k, v in sorted(kinds.items())}


def load_icbs() -> tuple[SynthICB, ...]:
    """The ICBs of the shipped catalogue."""
    from oversight.catalogue import load

    return from_catalogue(load())
