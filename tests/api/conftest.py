"""Fixtures of the API integration tests: a world per test module (own topics, indices, app)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from tests.api.world import World, build_world
from tests.conftest import StackEndpoints


@pytest.fixture(scope="module")
def world(
    stack: StackEndpoints, es_client: Elasticsearch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    with build_world(
        stack.kafka_bootstrap, stack.es_url, tmp_path_factory.mktemp("api-home"), es_client
    ) as w:
        yield w
