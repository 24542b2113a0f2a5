"""Where the judge stage gets its targets: the one seam between the judge and the target register.

When the home's operational database holds a target register with published targets
(`oversight target seed` copies the catalogue into it; `target add|publish|retire|revise` change
it, audited), those are the targets: `oversight.judge.register.standing_targets`. Otherwise,
before a register is seeded, the catalogue's national_targets.yaml and local_targets.yaml are
(drafts included: `standing` decides which stands in a month, and a draft stands nowhere).
"""

from __future__ import annotations

from typing import Any

from oversight.home import Home


def _register(home: Home) -> list[Any]:
    """The register's published targets; empty when the home has no database or register."""
    if home.database_file is not None and not home.database_file.exists():
        return []  # a home without a database has no register; do not create one to look
    from oversight.judge.register import standing_targets

    return list(standing_targets(home.database()))


def targets(home: Home, catalogue: Any) -> list[Any]:
    """Every national and local target the judge may hold a figure against, in id order: the
    register's published ones when it has any, else the catalogue's."""
    found = _register(home) or list(catalogue.targets.values())
    return sorted(found, key=lambda t: (t.id, t.version))


def describe(target: Any) -> dict[str, Any]:
    """A target as plain data, whichever source it came from (for the judgements' manifest)."""
    if hasattr(target, "model_dump"):
        return dict(target.model_dump(mode="json"))
    return dict(target.to_dict())
