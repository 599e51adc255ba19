"""Schemathesis over the OpenAPI schema, in-process against the ASGI app on the real Kafka and
Elasticsearch: generated requests (valid and invalid) must never produce a server error, and responses
must match the documented schemas. Both valid (positive) and invalid (negative) data are generated. Every generated request is sent by each kind of caller: a tenant
write key, a read key, the admin key and no key.

(Schemathesis' own pytest plugin cannot take a fixture-built schema on pytest 9, so the Hypothesis
strategy of each operation is driven directly; each operation is reported separately.)
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.api.world import World

pytestmark = pytest.mark.integration
CALLERS = ("acme-write", "acme-read", "admin", None)
EXAMPLES = 30


def test_no_server_error_on_any_operation(world: World) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    # the alert stream never ends by itself: its first event (`ready`) is enough to check the response
    schema.config.max_stream_events = 1
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 29
    failures: list[str] = []
    for operation, mode in itertools.product(operations, (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
        )
        def run(case: Any) -> None:
            for who in CALLERS:
                headers = world.h(who) if who else {}
                case.call_and_validate(
                    headers=headers, checks=[not_a_server_error, response_schema_conformance]
                )

        try:
            run()
        except Unsatisfiable:
            assert (
                mode is GenerationMode.NEGATIVE and not operation.path_parameters
            )  # nothing to make invalid
        except Exception as exc:
            failures.append(f"{operation.label} ({mode.value}): {exc}"[:3000])
    assert not failures, "\n\n".join(failures)
