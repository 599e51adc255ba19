"""The NER worker's entity updates applied by the index sink (real Kafka and Elasticsearch), including
an update that arrives before its document."""

from __future__ import annotations

from typing import Any

import pytest
from confluent_kafka import Consumer
from elasticsearch import Elasticsearch

from ecoute import mentions_index
from ecoute.es import ensure_mention_templates
from ecoute.kafka import consumer_config, ensure_topics
from ecoute.settings import Settings
from enrich.indexing.sink import IndexSink
from schemas.dead_letter import DeadLetter
from schemas.mention import Entity, EntityUpdate
from tests.enrich.indexing.test_sink_integration import NOW, _count, _mention, _run_until
from tests.kafka_utils import produce, read_all

pytestmark = pytest.mark.integration


def test_entity_updates_land_even_before_their_document(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    s = pipeline_settings
    ensure_topics(s)
    ensure_mention_templates(es_client, s.index_prefix)
    mention = _mention(1, tenant="acme").model_copy(update={"published_at": NOW})
    update = EntityUpdate(
        id=mention.id,
        published_at=mention.published_at,
        tenants=("acme",),
        entities=(Entity(kind="place", text="Lyon"), Entity(kind="person", text="Jean Dupont")),
    )
    bootstrap = s.kafka_bootstrap or ""
    # the update first (the topics are not ordered with each other), then garbage, then the document
    produce(
        bootstrap,
        s.topic("mentions.entities"),
        [(mention.id.encode(), update.model_dump_json().encode()), (b"bad", b"{not an update")],
    )
    sink = IndexSink(s, es_client)
    _run_until(sink, lambda: sink.stats.requeued >= 1 and sink.stats.dead_letters >= 1)
    produce(
        bootstrap, s.topic("mentions.enriched"), [(mention.id.encode(), mention.model_dump_json().encode())]
    )
    global_alias = mentions_index.alias(s.index_prefix, "mentions")
    tenant_alias = mentions_index.alias(s.index_prefix, "tenant-mentions")

    def applied() -> bool:
        if _count(es_client, global_alias) < 1:
            return False
        hits = es_client.search(index=[global_alias, tenant_alias], query={"term": {"places": "Lyon"}})[
            "hits"
        ]
        return int(hits["total"]["value"]) == 2

    sink = IndexSink(s, es_client)
    _run_until(sink, applied)
    assert applied()
    doc = es_client.search(index=tenant_alias, query={"match_all": {}})["hits"]["hits"][0]["_source"]
    assert doc["persons"] == ["Jean Dupont"] and doc["tenant"] == "acme"

    # replaying the document (no named entities in it) keeps what NER found
    produce(
        bootstrap, s.topic("mentions.enriched"), [(mention.id.encode(), mention.model_dump_json().encode())]
    )
    sink = IndexSink(s, es_client)
    _run_until(sink, lambda: sink.stats.mentions >= 1)
    assert applied()

    (letter,) = [
        DeadLetter.model_validate_json(m.value() or b"") for m in read_all(bootstrap, s.topic("dlq.index"), 1)
    ]
    assert letter.key == "bad" and "EntityUpdate" in letter.reason


def test_entity_updates_wait_while_mentions_have_a_backlog_then_all_land(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    s = pipeline_settings.model_copy(update={"index_batch_size": 400, "index_entities_wait_at": 200})
    ensure_topics(s)
    ensure_mention_templates(es_client, s.index_prefix)
    mentions = [_mention(i).model_copy(update={"published_at": NOW}) for i in range(3000)]
    updates = [
        EntityUpdate(
            id=m.id, published_at=m.published_at, tenants=(), entities=(Entity(kind="place", text="Lyon"),)
        )
        for m in mentions[:30]
    ]
    bootstrap = s.kafka_bootstrap or ""
    produce(
        bootstrap,
        s.topic("mentions.enriched"),
        [(m.id.encode(), m.model_dump_json().encode()) for m in mentions],
    )
    batches: list[tuple[int, int]] = []  # (messages, entity updates) of each consume, in order
    entities_topic = s.topic("mentions.entities")

    class RecordingConsumer:
        def __init__(self, inner: Consumer) -> None:
            self.inner = inner

        def consume(self, num_messages: int, timeout: float) -> list[Any]:
            messages = self.inner.consume(num_messages, timeout)
            batches.append((len(messages), sum(m.topic() == entities_topic for m in messages)))
            if len(batches) == 2:  # mentions are rushing in: now NER's updates arrive
                records = [(u.id.encode(), u.model_dump_json().encode()) for u in updates]
                produce(bootstrap, entities_topic, records)
            return messages

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    consumer = RecordingConsumer(Consumer(consumer_config(s, s.group("index"))))
    global_alias = mentions_index.alias(s.index_prefix, "mentions")

    def all_landed() -> bool:
        es_client.indices.refresh(index=global_alias)
        return int(es_client.count(index=global_alias, query={"term": {"places": "Lyon"}})["count"]) == 30

    sink = IndexSink(s, es_client, consumer=consumer)  # type: ignore[arg-type]
    _run_until(sink, lambda: sink.stats.mentions >= 3000 and all_landed())

    assert all_landed() and _count(es_client, global_alias) == 3000
    rush = [i for i, (n, _) in enumerate(batches) if n >= 200]
    assert len([i for i in rush if i >= 2]) >= 2  # mentions still rushed in after the updates came
    # the updates waited: none came in a batch of the rush, nor in the batch right after one
    assert all(e == 0 for n, e in batches if n >= 200)
    assert all(batches[i + 1][1] == 0 for i in rush if i + 1 < len(batches))
    assert sum(e for _, e in batches) >= 30  # and every update was applied once the rush was over
