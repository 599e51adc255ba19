"""Shared fixtures.

Integration tests run against the real servers: by default the local stack (`ecoute stack up`'s code
path: Kafka and Elasticsearch resolved from Maven Central, cached under ~/.cache/ecoute), reused when
already running and stopped at the end only if this session started it. ``ECOUTE_KAFKA_BOOTSTRAP`` /
``ECOUTE_ES_URL`` point the tests at existing servers instead; ``ECOUTE_TESTCONTAINERS=1`` starts them
with testcontainers (needs a Docker engine). Every test gets its own topic prefix and index prefix.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

import pytest
from elasticsearch import Elasticsearch

from ecoute.kafka import delete_topics_with_prefix
from ecoute.settings import Settings


@dataclass(frozen=True)
class StackEndpoints:
    kafka_bootstrap: str
    es_url: str
    pids: Mapping[str, int | None] = field(default_factory=dict)
    """Server name → pid of the local servers (empty under testcontainers)."""


def _testcontainers_stack(stack: contextlib.ExitStack) -> StackEndpoints:
    from testcontainers.elasticsearch import ElasticSearchContainer
    from testcontainers.kafka import KafkaContainer

    kafka = stack.enter_context(KafkaContainer("confluentinc/cp-kafka:7.6.0").with_kraft())
    es = stack.enter_context(
        ElasticSearchContainer(
            "docker.elastic.co/elasticsearch/elasticsearch:8.19.4", mem_limit="1G"
        ).with_env("xpack.security.enabled", "false")
    )
    return StackEndpoints(kafka.get_bootstrap_server(), es.get_url())  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def stack() -> Iterator[StackEndpoints]:
    """The real Kafka + Elasticsearch for this test session."""
    from deploy.stack.local import stack_down, stack_up

    base = Settings()
    if base.testcontainers:
        with contextlib.ExitStack() as exit_stack:
            yield _testcontainers_stack(exit_stack)
        return
    statuses = stack_up(base)
    by_name = {s.name: s for s in statuses}
    pids = {s.name: s.pid for s in statuses}
    yield StackEndpoints(by_name["kafka"].address, by_name["elasticsearch"].address, pids)
    if any(s.started_now for s in statuses):
        stack_down(base)


@pytest.fixture(scope="session")
def es_url(stack: StackEndpoints) -> str:
    return stack.es_url


@pytest.fixture(scope="session")
def kafka_bootstrap(stack: StackEndpoints) -> str:
    return stack.kafka_bootstrap


@pytest.fixture(scope="session")
def es_client(es_url: str) -> Iterator[Elasticsearch]:
    client = Elasticsearch(es_url, request_timeout=60)
    yield client
    client.close()


@pytest.fixture
def unique_name() -> Callable[[str], str]:
    """Factory of names unique to this test (for topics and indices): ``unique_name("q")``."""
    token = uuid.uuid4().hex[:8]

    def make(prefix: str) -> str:
        return f"{prefix}-{token}".lower()

    return make


@pytest.fixture
def pipeline_settings(stack: StackEndpoints, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings isolating one test: own topics, indices, consumer groups and state dir."""
    token = uuid.uuid4().hex[:8]
    settings = Settings(
        kafka_bootstrap=stack.kafka_bootstrap,
        es_url=stack.es_url,
        topic_prefix=f"t{token}.",
        index_prefix=f"t{token}",
        consumer_group_prefix=f"t{token}",
        home=tmp_path_factory.mktemp(f"home{token}"),
        allow_private_urls=True,
        enrich_batch_within_s=0.2,
        index_batch_within_s=0.2,
        topic_partitions=2,
    )
    yield settings
    delete_topics_with_prefix(settings, f"t{token}")  # its topics, and Faust's changelogs
    with contextlib.suppress(Exception):
        es = Elasticsearch(stack.es_url)
        es.options(ignore_status=404).indices.delete(index=f"{settings.index_prefix}-*")
        es.options(ignore_status=404).indices.delete_index_template(name=f"{settings.index_prefix}-*")
        es.close()
