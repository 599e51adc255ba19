"""The real local stack: `up` is idempotent, `status` reports health, topics come from the registry."""

from __future__ import annotations

import pytest
from elasticsearch import Elasticsearch

from deploy.stack.local import stack_status, stack_up
from ecoute.es import ensure_mention_templates
from ecoute.kafka import broker_reachable, ensure_topics
from ecoute.mentions_index import MAPPING_VERSION
from ecoute.settings import Settings
from schemas.topics import REGISTRY
from tests.conftest import StackEndpoints

pytestmark = pytest.mark.integration


def test_up_twice_is_fine_and_status_is_healthy(stack: StackEndpoints) -> None:
    settings = Settings()
    again = stack_up(settings)
    assert all(s.healthy for s in again)
    assert not any(s.started_now for s in again)
    assert all(s.healthy for s in stack_status(settings))
    assert broker_reachable(stack.kafka_bootstrap)


def test_topics_are_created_from_the_registry(pipeline_settings: Settings) -> None:
    from confluent_kafka.admin import AdminClient, ConfigResource  # type: ignore[attr-defined]

    created = ensure_topics(pipeline_settings)
    assert sorted(created) == sorted(pipeline_settings.topic(s.name) for s in REGISTRY)
    assert ensure_topics(pipeline_settings) == []
    admin = AdminClient({"bootstrap.servers": pipeline_settings.effective_kafka_bootstrap})
    meta = admin.list_topics(timeout=10)
    cursors = pipeline_settings.topic("ingest.cursors")
    assert len(meta.topics[cursors].partitions) == 1
    assert (
        len(meta.topics[pipeline_settings.topic("mentions.raw")].partitions)
        == pipeline_settings.topic_partitions
    )
    (future,) = admin.describe_configs([ConfigResource("topic", cursors)]).values()
    assert future.result()["cleanup.policy"].value == "compact"


def test_index_templates_create_current_month_behind_aliases(pipeline_settings: Settings, es_client) -> None:  # type: ignore[no-untyped-def]
    prefix = pipeline_settings.index_prefix
    ensure_mention_templates(es_client, prefix)
    ensure_mention_templates(es_client, prefix)  # idempotent
    aliases = es_client.indices.get_alias(index=f"{prefix}-*")
    names = {alias for body in aliases.values() for alias in body["aliases"]}
    assert names == {f"{prefix}-mentions", f"{prefix}-tenant-mentions"}
    mapping = next(iter(es_client.indices.get_mapping(index=f"{prefix}-mentions").values()))["mappings"]
    assert mapping["dynamic"] == "strict" and "@timestamp" in mapping["properties"]


def refresh_intervals(es_client: Elasticsearch, prefix: str) -> dict[str, str]:
    found = es_client.indices.get_settings(index=f"{prefix}-*", name="index.refresh_interval")
    return {index: body["settings"]["index"]["refresh_interval"] for index, body in found.body.items()}


def test_refresh_interval_setting_reaches_indices_already_there(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    prefix = pipeline_settings.index_prefix
    ensure_mention_templates(es_client, prefix)
    first = refresh_intervals(es_client, prefix)
    assert len(first) == 2 and set(first.values()) == {"500ms"}  # one index per family, the default
    # a restart with another setting changes the indices that exist (not only next month's template)
    ensure_mention_templates(es_client, prefix, refresh_interval_s=2)
    assert refresh_intervals(es_client, prefix) == dict.fromkeys(first, "2000ms")
    templates = es_client.indices.get_index_template(name=f"{prefix}-*")["index_templates"]
    assert {t["index_template"]["template"]["settings"]["index"]["refresh_interval"] for t in templates} == {
        "2000ms"
    }
    # an index created later from the template takes the setting too
    later = f"{prefix}-mentions-v{MAPPING_VERSION}-2031.01"
    es_client.indices.create(index=later)
    assert refresh_intervals(es_client, prefix)[later] == "2000ms"
