"""schemathesis against the open-data API's OpenAPI description: generated requests to every
read route (valid and invalid filters, cursors, codes) never get a 5xx, and every answer
matches the documented schema and status codes. Bounded: a few examples per route."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from oversight.home import Home
from oversight.publish.web.app import create_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


ROUTES = r"^/api/v1/(?!submissions|changes/stream)"


def test_read_routes_keep_to_their_schema(demo_home: Home) -> None:
    """Each GET route of /api/v1 (the submission API has its own fuzz tests), with a handful
    of generated requests; every failure is collected and named."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(demo_home))
    found = list(schema.include(method="GET", path_regex=ROUTES).get_all_operations())
    operations = [op.ok() for op in found if isinstance(op, Ok)]
    assert len(operations) == len(found) >= 12
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=5,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)

        try:
            run()
        except Exception as error:
            failures.append(f"{operation.label}: {str(error)[:600]}")
    assert failures == [], "\n\n".join(failures)
