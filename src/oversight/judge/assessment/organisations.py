"""Which organisations a framework assesses: an ICS framework its ICBs (the catalogue's), the
local-authority framework the councils with Care Act 2014 adult social care duties, named by
their ONS codes (E06 unitary, E08 metropolitan district, E09 London borough, E10 county; not
E07 districts, which have no such duties). The catalogue holds no councils yet, so their codes
are checked by form."""

from __future__ import annotations

import re
from typing import Any

from oversight.judge.assessment.framework import Framework

CARE_ACT_COUNCIL = re.compile(r"^E(06|08|09|10)\d{6}$")


def check(framework: Framework, org: str, catalogue: Any) -> str:
    """The organisation code as stored (upper case), or ValueError saying what is expected."""
    code = org.strip().upper()
    if framework.settings.subject == "local_authority":
        if not CARE_ACT_COUNCIL.match(code):
            raise ValueError(
                f"{org!r} is not a council with Care Act duties: give its ONS code "
                "(E06…, E08…, E09… or E10…, e.g. E09000007)"
            )
        return code
    known = {**catalogue.icbs, **catalogue.merged_icbs}
    if code not in known:
        raise ValueError(f"{org!r} is not an ICB the catalogue knows (e.g. QMJ)")
    return code
