"""Where the judge stage gets its targets: the one seam between the judge and a target register.

Today the targets are the catalogue's (national_targets.yaml and local_targets.yaml, drafts
included: `standing` decides which of them stands in a month, and a draft stands nowhere). When
the operational database's target register holds the published targets, this function reads
them from `home` instead; nothing else in the judge stage needs to change.
"""

from __future__ import annotations

from typing import Any

from oversight.home import Home


def targets(home: Home, catalogue: Any) -> list[Any]:
    """Every national and local target the judge may hold a figure against, in id order.

    `home` is where a database register will be read from; the catalogue's YAML is read now."""
    del home  # the catalogue is the register until the database one lands
    return sorted(catalogue.targets.values(), key=lambda t: t.id)
