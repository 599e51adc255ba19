"""The NER worker's entity updates applied by the index sink (real Kafka and Elasticsearch), including
an update that arrives before its document."""

from __future__ import annotations

import time
from collections.abc import Callable
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
from schemas.mention import EnrichedMention, Entity, EntityUpdate
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
    # stopped from the sink's own batch callback: the early update is requeued every batch and would
    # run out of attempts if a loaded machine let the sink loop on
    _run_until(sink, lambda: False, after_batch=lambda st: st.requeued >= 1 and st.dead_letters >= 1)
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


class RecordingConsumer:
    """The sink's consumer, recording ``(mentions, entity updates)`` of every consume in order and
    calling ``on_consume(n)`` after the n-th one (1-based)."""

    def __init__(self, inner: Consumer, entities_topic: str, on_consume: Callable[[int], None]) -> None:
        self.inner = inner
        self.entities_topic = entities_topic
        self.on_consume = on_consume
        self.batches: list[tuple[int, int]] = []

    def consume(self, num_messages: int, timeout: float) -> list[Any]:
        messages = self.inner.consume(num_messages, timeout)
        updates = sum(m.topic() == self.entities_topic for m in messages)
        self.batches.append((len(messages) - updates, updates))
        self.on_consume(len(self.batches))
        return messages

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _lyon_updates(mentions: list[EnrichedMention]) -> list[tuple[bytes, bytes]]:
    return [
        (
            m.id.encode(),
            EntityUpdate(
                id=m.id,
                published_at=m.published_at,
                tenants=(),
                entities=(Entity(kind="place", text="Lyon"),),
            )
            .model_dump_json()
            .encode(),
        )
        for m in mentions
    ]


def _records(mentions: list[EnrichedMention]) -> list[tuple[bytes, bytes]]:
    return [(m.id.encode(), m.model_dump_json().encode()) for m in mentions]


def _lyon_count(es: Elasticsearch, alias: str) -> int:
    es.indices.refresh(index=alias)
    return int(es.count(index=alias, query={"term": {"places": "Lyon"}})["count"])


def test_entity_updates_wait_while_mentions_have_a_backlog_then_all_land(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    s = pipeline_settings.model_copy(update={"index_batch_size": 400, "index_entities_wait_s": 5.0})
    ensure_topics(s)
    ensure_mention_templates(es_client, s.index_prefix)
    mentions = [_mention(i).model_copy(update={"published_at": NOW}) for i in range(3000)]
    bootstrap = s.kafka_bootstrap or ""
    # a backlog: mentions enriched a minute ago, not indexed yet (the sink was down, say)
    produce(
        bootstrap,
        s.topic("mentions.enriched"),
        _records(mentions),
        timestamp_ms=int((time.time() - 60) * 1000),
    )
    entities_topic = s.topic("mentions.entities")
    produced_after: list[int] = []  # how many consumes had happened when the updates were produced

    def updates_come_mid_backlog(consumes: int) -> None:
        # after the second consume that brought mentions (the first ones can come empty while the
        # consumer joins its group): the sink has seen the backlog once already
        if not produced_after and sum(n > 0 for n, _ in consumer.batches) == 2:
            produce(bootstrap, entities_topic, _lyon_updates(mentions[:30]))
            produced_after.append(consumes)

    consumer = RecordingConsumer(
        Consumer(consumer_config(s, s.group("index"))), entities_topic, updates_come_mid_backlog
    )
    global_alias = mentions_index.alias(s.index_prefix, "mentions")
    sink = IndexSink(s, es_client, consumer=consumer)  # type: ignore[arg-type]
    _run_until(sink, lambda: sink.stats.mentions >= 3000 and _lyon_count(es_client, global_alias) == 30)

    assert _lyon_count(es_client, global_alias) == 30 and _count(es_client, global_alias) == 3000
    batches = consumer.batches
    backlog = [i for i, (n, _) in enumerate(batches) if n > 0]
    # the backlog was still being read after the updates came
    assert produced_after and len([i for i in backlog if i >= produced_after[0]]) >= 2
    # the updates waited: none came with a batch of the backlog, nor in the batch right after one
    assert all(e == 0 for n, e in batches if n > 0)
    assert all(batches[i + 1][1] == 0 for i in backlog if i + 1 < len(batches))
    assert sum(e for _, e in batches) >= 30  # and every update was applied once the backlog was read


def test_entity_updates_flow_while_fresh_mentions_stream_in_however_fast(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    """A sink that keeps up applies the updates during a steady stream of mentions, even one that
    fills its batches (the arrival rate alone is no reason to wait: that starved entities at ~500/s)."""
    s = pipeline_settings.model_copy(
        update={"index_batch_size": 400, "index_entities_wait_s": 30.0, "index_entities_per_batch": 12}
    )
    ensure_topics(s)
    ensure_mention_templates(es_client, s.index_prefix)
    waves = [
        [_mention(1000 * w + i).model_copy(update={"published_at": NOW}) for i in range(300)]
        for w in range(8)
    ]
    bootstrap = s.kafka_bootstrap or ""
    produce(bootstrap, s.topic("mentions.enriched"), _records(waves[0]))
    entities_topic = s.topic("mentions.entities")

    def steady_stream(consumes: int) -> None:
        # keyed on the consumes that brought mentions (the first ones can come empty while the
        # consumer joins its group): 300 fresh mentions after each, so the sink's batches stay full
        if consumer.batches[-1][0] == 0:
            return
        seen = sum(n > 0 for n, _ in consumer.batches)
        if seen < len(waves):
            produce(bootstrap, s.topic("mentions.enriched"), _records(waves[seen]))
        if seen == 1:
            produce(bootstrap, entities_topic, _lyon_updates(waves[0][:30]))

    consumer = RecordingConsumer(
        Consumer(consumer_config(s, s.group("index"))), entities_topic, steady_stream
    )
    global_alias = mentions_index.alias(s.index_prefix, "mentions")
    applied: list[int] = []  # entity updates of each batch the sink went on with (after its cap)

    class CountingSink(IndexSink):
        def _prepare(self, messages: list[Any], *, tag: bool = False) -> Any:
            applied.append(sum(m.topic() == entities_topic for m in messages))
            return super()._prepare(messages, tag=tag)

    sink = CountingSink(s, es_client, consumer=consumer)  # type: ignore[arg-type]
    _run_until(sink, lambda: sink.stats.mentions >= 2400 and _lyon_count(es_client, global_alias) == 30)

    assert _lyon_count(es_client, global_alias) == 30 and _count(es_client, global_alias) == 2400
    batches = consumer.batches
    # (mentions, updates the sink went on with) of each consume: _prepare sees every consume's batch
    kept = [(n, e) for (n, _), e in zip(batches, applied, strict=False)]
    last_with_mentions = max(i for i, (n, _) in enumerate(kept) if n > 0)
    first_with_updates = min(i for i, (_, e) in enumerate(kept) if e > 0)
    assert first_with_updates < last_with_mentions  # applied during the stream, not after it
    assert any(n >= 200 and e > 0 for n, e in kept)  # with batches of 200+ mentions (was: wait)
    assert max(applied) <= 12 and sum(applied) >= 30  # in steps of index_entities_per_batch at most
    assert max(e for _, e in batches) > 12  # (a consume did bring more: those were read again later)
