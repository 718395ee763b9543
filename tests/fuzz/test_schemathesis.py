"""Every operation of the API's own OpenAPI schema, fuzzed through WSGI with all of
Schemathesis' default checks, as the leader of a tandem full of real data.

Schemathesis runs three phases per operation: the schema's examples, coverage (boundary
values and every kind of invalid value for each parameter: wrong types, missing required
fields, out-of-range numbers, NUL bytes, …) and random fuzzing (valid and invalid data:
huge strings and numbers, unknown keys, nested structures). Each request is checked for
no server error, a documented status code and content type, a body that matches the
documented schema, invalid data refused and valid data accepted.

Examples per operation: 8 by default, 40 with HYPOTHESIS_PROFILE=ci, or TANDEM_FUZZ_EXAMPLES.
"""

from __future__ import annotations

import json
import os
import time

import schemathesis
from hypothesis import HealthCheck, settings

from tests.fuzz.api_schema import schema
from tests.fuzz.realistic import make_realistic
from tests.helpers.world import World, request_savepoint

EXAMPLES = int(
    os.environ.get("TANDEM_FUZZ_EXAMPLES")
    or (40 if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else 8)
)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_every_operation_holds_to_its_schema(case: schemathesis.Case, world: World) -> None:
    make_realistic(case, world)
    token = world.token_for(world.home.leader)
    started = time.perf_counter()
    try:
        with request_savepoint():
            case.call_and_validate(headers={"Authorization": f"Token {token}"})
    finally:
        _record(case, time.perf_counter() - started)


def _record(case: schemathesis.Case, seconds: float) -> None:
    """With TANDEM_FUZZ_STATS=<file>, one JSON line per request (for docs/reliability.md)."""
    path = os.environ.get("TANDEM_FUZZ_STATS")
    if not path:
        return
    meta = case.meta
    line = {
        "operation": f"{case.method.upper()} {case.operation.path}",
        "phase": meta.phase.name.value if meta else None,
        "mode": meta.generation.mode.value if meta else None,
        "seconds": round(seconds, 4),
    }
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
