"""Named entities written by the index sink itself while it keeps up, and handed to the NER worker when
it has a backlog (real Kafka, Elasticsearch and spaCy)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from ecoute import mentions_index
from ecoute.demo import topic_end_offsets
from ecoute.es import ensure_mention_templates
from ecoute.kafka import ensure_topics
from ecoute.settings import Settings
from enrich.indexing.sink import IndexSink
from enrich.ner import SpacyNer
from enrich.ner_app import ner_messages
from enrich.stream import InMessage
from schemas.mention import EnrichedMention, Entity, MentionBase, QueryMatch
from tests.enrich.indexing.test_sink_integration import NOW, _count, _mention, _run_until
from tests.kafka_utils import produce, read_all

pytestmark = pytest.mark.integration
NER = SpacyNer()
TEXT = "Grève chez Ferralis : Jean Dupont manifeste à Lyon devant la gare"


def _batch(n: int) -> list[EnrichedMention]:
    """``n`` mentions, every other one matched by tenant acme."""
    return [
        _mention(i).model_copy(
            update={
                "text": f"{TEXT} ({i})",
                "published_at": NOW,
                "matches": (QueryMatch(tenant="acme", query_id="q"),) if i % 2 == 0 else (),
            }
        )
        for i in range(n)
    ]


def _published(s: Settings, es: Elasticsearch, n: int, *, timestamp_ms: int = 0) -> list[EnrichedMention]:
    """``_batch(n)`` produced to ``mentions.enriched`` (Kafka timestamp ``timestamp_ms``, 0: now), with
    the topics and index templates in place."""
    ensure_topics(s)
    ensure_mention_templates(es, s.index_prefix)
    mentions = _batch(n)
    produce(
        s.kafka_bootstrap or "", s.topic("mentions.enriched"), _records(mentions), timestamp_ms=timestamp_ms
    )
    return mentions


def _keeping_up(s: Settings) -> Settings:
    """Mentions produced before the sink joined its group count as fresh (joining takes seconds)."""
    return s.model_copy(update={"index_entities_wait_s": 300.0})


def _records(mentions: Sequence[EnrichedMention]) -> list[tuple[bytes, bytes]]:
    return [(m.id.encode(), m.model_dump_json().encode()) for m in mentions]


def _with_lyon(es: Elasticsearch, s: Settings) -> list[dict[str, Any]]:
    aliases = [mentions_index.alias(s.index_prefix, f) for f in ("mentions", "tenant-mentions")]
    es.indices.refresh(index=aliases)
    hits = es.search(index=aliases, query={"term": {"places": "Lyon"}}, version=True, size=100)["hits"]
    return list(hits["hits"])


def test_a_sink_that_keeps_up_writes_the_named_entities_with_the_mention_once(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    s = _keeping_up(pipeline_settings)
    mentions = _published(s, es_client, 20)
    global_alias = mentions_index.alias(s.index_prefix, "mentions")
    sink = IndexSink(s, es_client, ner=NER)
    _run_until(sink, lambda: _count(es_client, global_alias) >= 20)

    assert (sink.stats.tagged, sink.stats.deferred) == (10, 0)
    hits = _with_lyon(es_client, s)
    # the 10 matched mentions: their global and tenant documents, each written once, entities included
    assert len(hits) == 20 and all(h["_version"] == 1 for h in hits)
    assert {h["_id"] for h in hits if h["_source"]["tenant"] is None} == {m.id for m in mentions[::2]}
    assert all("Jean Dupont" in h["_source"]["persons"] for h in hits)
    assert topic_end_offsets(s, s.topic("mentions.ner")) == 0


def test_with_a_backlog_the_sink_hands_the_mentions_to_the_ner_worker_and_their_entities_land_later(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    s = pipeline_settings
    bootstrap = s.kafka_bootstrap or ""
    a_minute_ago = int((time.time() - 60) * 1000)  # consumed a minute after it was produced: a backlog
    mentions = _published(s, es_client, 20, timestamp_ms=a_minute_ago)
    global_alias = mentions_index.alias(s.index_prefix, "mentions")
    sink = IndexSink(s, es_client, ner=NER)
    _run_until(sink, lambda: _count(es_client, global_alias) >= 20)

    assert (sink.stats.tagged, sink.stats.deferred) == (0, 10)
    assert _with_lyon(es_client, s) == []  # written at once, without named entities
    handed = read_all(bootstrap, s.topic("mentions.ner"), 10)
    assert sorted((m.key() or b"", m.value() or b"") for m in handed) == sorted(
        _records(mentions[::2])
    )  # as they came

    # the NER worker's step on what it was handed, its updates applied by a sink that keeps up
    step = ner_messages(
        [InMessage(m.key(), m.value(), m.topic() or "", m.partition() or 0, m.offset() or 0) for m in handed],
        NER,
        scope=s.ner_scope,
    )
    produce(bootstrap, s.topic("mentions.entities"), step.produced)
    sink = IndexSink(s, es_client, ner=NER)
    _run_until(sink, lambda: len(_with_lyon(es_client, s)) >= 20)
    hits = _with_lyon(es_client, s)
    assert len(hits) == 20 and all(h["_version"] == 2 for h in hits)  # written, then updated
    assert _count(es_client, global_alias) == 20


def test_a_failing_tagger_costs_the_entities_freshness_not_a_mention(
    pipeline_settings: Settings, es_client: Elasticsearch, caplog: pytest.LogCaptureFixture
) -> None:
    s = _keeping_up(pipeline_settings)
    mentions = _published(s, es_client, 6)

    def broken(items: Sequence[tuple[MentionBase, str]]) -> list[list[Entity]]:
        raise MemoryError("model too big")

    global_alias = mentions_index.alias(s.index_prefix, "mentions")
    sink = IndexSink(s, es_client, ner=broken)
    with caplog.at_level(logging.WARNING, logger="enrich.indexing.sink"):
        _run_until(sink, lambda: _count(es_client, global_alias) >= 6)
    assert (sink.stats.tagged, sink.stats.deferred) == (0, 3)
    assert any("NER failed" in r.getMessage() and "model too big" in r.getMessage() for r in caplog.records)
    handed = read_all(s.kafka_bootstrap or "", s.topic("mentions.ner"), 3)
    assert sorted(m.key() or b"" for m in handed) == sorted(m.id.encode() for m in mentions[::2])
