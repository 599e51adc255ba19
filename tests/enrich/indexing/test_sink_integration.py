"""The index sink against the real Kafka and Elasticsearch."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from ecoute import mentions_index
from ecoute.kafka import ensure_topics
from ecoute.settings import Settings
from enrich.indexing.sink import IndexSink, SinkStats
from schemas.dead_letter import DeadLetter
from schemas.mention import EnrichedMention, QueryMatch, stable_mention_id
from tests.kafka_utils import committed_offsets, produce, read_all

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


def _mention(i: int, tenant: str | None = None) -> EnrichedMention:
    return EnrichedMention(
        id=stable_mention_id("feed", f"item-{i}"),
        source_type="feed",
        source_id="s",
        text=f"mention numéro {i}",
        title=f"titre {i}",
        url=f"https://ex.example/{i}",
        published_at=NOW - timedelta(minutes=i),
        fetched_at=NOW,
        enriched_at=NOW,
        lang="fr",
        matches=(QueryMatch(tenant=tenant, query_id="q"),) if tenant else (),
    )


def _run_until(  # type: ignore[no-untyped-def]
    sink: IndexSink, condition, timeout_s: float = 60.0, *, after_batch=None
) -> None:
    """Run ``sink`` until ``condition()`` (polled) holds or, with ``after_batch``, until a finished
    batch's counters meet it (checked in the sink's own loop, so it stops right after that batch)."""
    stop = threading.Event()

    def check(stats: SinkStats) -> None:
        if after_batch is not None and after_batch(stats):
            stop.set()

    thread = threading.Thread(target=sink.run, args=(stop,), kwargs={"on_batch": check}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline and not stop.is_set() and not condition():
            time.sleep(0.3)
    finally:
        stop.set()
        thread.join(60)
    assert not thread.is_alive()


def _count(es: Elasticsearch, index: str) -> int:
    es.indices.refresh(index=index, ignore_unavailable=True, allow_no_indices=True)
    return int(es.count(index=index, ignore_unavailable=True, allow_no_indices=True)["count"])


def test_sink_indexes_dead_letters_poison_and_commits(
    pipeline_settings: Settings, es_client: Elasticsearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("enrich.indexing.timings.REPORT_EVERY_S", 1e9)  # timings kept, not reset
    s = pipeline_settings
    ensure_topics(s)
    from ecoute.es import ensure_mention_templates

    ensure_mention_templates(es_client, s.index_prefix)
    topic = s.topic("mentions.enriched")
    good = [_mention(i, tenant="acme" if i % 2 else None) for i in range(30)]
    records = [(m.id.encode(), m.model_dump_json().encode()) for m in good]
    records.insert(5, (b"poison", b"{not json"))
    produce(s.kafka_bootstrap or "", topic, records)

    global_alias = mentions_index.alias(s.index_prefix, "mentions")
    tenant_alias = mentions_index.alias(s.index_prefix, "tenant-mentions")
    sink = IndexSink(s, es_client)
    _run_until(sink, lambda: _count(es_client, global_alias) >= 30 and sink.stats.dead_letters >= 1)

    assert _count(es_client, global_alias) == 30
    assert _count(es_client, tenant_alias) == 15
    hit = es_client.search(index=tenant_alias, query={"term": {"tenant": "acme"}}, size=1)["hits"]["hits"][0]
    assert hit["_id"].startswith("acme:") and hit["_source"]["query_ids"] == ["q"]

    letters = [
        DeadLetter.model_validate_json(m.value() or b"")
        for m in read_all(s.kafka_bootstrap or "", s.topic("dlq.index"), expected=1)
    ]
    assert len(letters) == 1 and letters[0].original_value() == b"{not json" and letters[0].offset is not None
    assert "EnrichedMention" in letters[0].reason

    committed = committed_offsets(s.kafka_bootstrap or "", s.group("index"), topic, s.topic_partitions)
    assert sum(committed.values()) == len(records)
    # where the time went
    timings = sink.timings
    assert timings.messages == len(records) and timings.batches >= 1
    assert timings.prepare > 0 and timings.write > 0 and timings.consume > 0


def test_replay_creates_no_duplicate_and_keeps_tenant_state(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    s = pipeline_settings
    ensure_topics(s)
    from ecoute.es import ensure_mention_templates

    ensure_mention_templates(es_client, s.index_prefix)
    topic = s.topic("mentions.enriched")
    mentions = [_mention(i, tenant="acme") for i in range(10)]
    produce(s.kafka_bootstrap or "", topic, [(m.id.encode(), m.model_dump_json().encode()) for m in mentions])
    tenant_alias = mentions_index.alias(s.index_prefix, "tenant-mentions")
    _run_until(IndexSink(s, es_client), lambda: _count(es_client, tenant_alias) >= 10)

    # a CM marks one mention as read, then every message is delivered again (replay)
    target = es_client.search(index=tenant_alias, size=1, query={"match_all": {}})["hits"]["hits"][0]
    es_client.update(index=target["_index"], id=target["_id"], doc={"state": {"read": True}}, refresh=True)
    produce(s.kafka_bootstrap or "", topic, [(m.id.encode(), m.model_dump_json().encode()) for m in mentions])
    sink = IndexSink(s, es_client)
    _run_until(sink, lambda: sink.stats.messages >= 10)

    assert _count(es_client, tenant_alias) == 10
    assert _count(es_client, mentions_index.alias(s.index_prefix, "mentions")) == 10
    again = es_client.get(index=target["_index"], id=target["_id"])["_source"]
    assert again["state"] == {"read": True}


def test_a_mention_whose_date_moves_to_another_month_stays_one_document(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    s = pipeline_settings
    ensure_topics(s)
    from ecoute.es import ensure_mention_templates

    ensure_mention_templates(es_client, s.index_prefix)
    topic = s.topic("mentions.enriched")
    first = _mention(1, tenant="acme").model_copy(
        update={"published_at": datetime(2026, 9, 30, 23, 0, tzinfo=UTC)}
    )
    produce(s.kafka_bootstrap or "", topic, [(first.id.encode(), first.model_dump_json().encode())])
    tenant_alias = mentions_index.alias(s.index_prefix, "tenant-mentions")
    _run_until(IndexSink(s, es_client), lambda: _count(es_client, tenant_alias) >= 1)
    es_client.indices.refresh(index=f"{s.index_prefix}-*")  # some time passes: every write is searchable
    # the source now dates the same item a few hours later, in October
    moved = first.model_copy(
        update={"published_at": datetime(2026, 10, 1, 2, 0, tzinfo=UTC), "text": "modifié"}
    )
    produce(s.kafka_bootstrap or "", topic, [(moved.id.encode(), moved.model_dump_json().encode())])
    sink = IndexSink(s, es_client)
    _run_until(sink, lambda: sink.stats.messages >= 1)

    es_client.indices.refresh(index=f"{s.index_prefix}-*")
    for family in ("mentions", "tenant-mentions"):
        hits = es_client.search(index=mentions_index.alias(s.index_prefix, family), query={"match_all": {}})[
            "hits"
        ]
        assert hits["total"]["value"] == 1
        (hit,) = hits["hits"]
        assert hit["_index"].endswith("-2026.09") and hit["_source"]["text"] == "modifié"


def test_two_dates_of_one_mention_in_one_batch_give_one_document(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    s = pipeline_settings
    ensure_topics(s)
    from ecoute.es import ensure_mention_templates

    ensure_mention_templates(es_client, s.index_prefix)
    first = _mention(2, tenant="acme").model_copy(
        update={"published_at": datetime(2026, 9, 30, 23, 0, tzinfo=UTC)}
    )
    moved = first.model_copy(
        update={"published_at": datetime(2026, 10, 1, 2, 0, tzinfo=UTC), "text": "modifié"}
    )
    records = [(m.id.encode(), m.model_dump_json().encode()) for m in (first, moved)]
    produce(s.kafka_bootstrap or "", s.topic("mentions.enriched"), records)
    sink = IndexSink(s, es_client)
    _run_until(sink, lambda: sink.stats.messages >= 2)
    for family in ("mentions", "tenant-mentions"):
        alias = mentions_index.alias(s.index_prefix, family)
        assert _count(es_client, alias) == 1
        (hit,) = es_client.search(index=alias, query={"match_all": {}})["hits"]["hits"]
        assert hit["_source"]["text"] == "modifié"  # the later message wins, in the first one's index


def test_new_documents_are_created_and_one_that_appeared_meanwhile_is_upserted(
    pipeline_settings: Settings, es_client: Elasticsearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document no lookup can see yet (written by someone else, not refreshed) makes the ``create``
    answer 409; the sink then upserts it at once, keeping what was there (here a CM's state)."""
    import enrich.indexing.sink as sink_module
    from ecoute.es import ensure_mention_templates
    from enrich.indexing.bulk import Action, BulkOutcome, write_bulk

    s = pipeline_settings
    ensure_topics(s)
    ensure_mention_templates(es_client, s.index_prefix)
    hidden, fresh = _mention(1, tenant="acme"), _mention(2, tenant="acme")
    index = mentions_index.monthly_index(s.index_prefix, "tenant-mentions", hidden.published_at)
    if not es_client.indices.exists(index=index):
        es_client.indices.create(index=index)
    es_client.indices.put_settings(index=index, settings={"refresh_interval": "-1"})  # nothing searchable
    doc_id = mentions_index.tenant_doc_id("acme", hidden.id)
    es_client.index(index=index, id=doc_id, document={"id": hidden.id, "state": {"read": True}})

    sent: list[list[tuple[str, str]]] = []

    def spy(es: Elasticsearch, actions: list[Action], *, refresh: bool = False) -> BulkOutcome:
        sent.append([(a["_op_type"], a["_id"]) for a in actions])
        return write_bulk(es, actions, refresh=refresh)

    monkeypatch.setattr(sink_module, "write_bulk", spy)
    produce(
        s.kafka_bootstrap or "",
        s.topic("mentions.enriched"),
        [(m.id.encode(), m.model_dump_json().encode()) for m in (hidden, fresh)],
    )
    sink = IndexSink(s, es_client)
    _run_until(sink, lambda: sink.stats.messages >= 2 and sink.stats.documents >= 4)

    # the two mentions may come in one consume or two (partitions fetched apart on a slow machine)
    ops = [op for batch in sent for op in batch]
    assert sorted(op for op in ops if op[0] == "create") == sorted(
        [
            ("create", hidden.id),
            ("create", doc_id),
            ("create", fresh.id),
            ("create", mentions_index.tenant_doc_id("acme", fresh.id)),
        ]
    )
    assert [op for op in ops if op[0] != "create"] == [("update", doc_id)]  # only the conflicting one
    (conflict,) = [i for i, batch in enumerate(sent) if ("create", doc_id) in batch]
    assert sent[conflict + 1] == [("update", doc_id)]  # retried at once as an upsert
    assert sink.stats.retries == 0 and sink.stats.documents == 4
    doc = es_client.get(index=index, id=doc_id)["_source"]
    assert doc["state"] == {"read": True} and doc["text"] == hidden.text and doc["tenant"] == "acme"
    assert _count(es_client, mentions_index.alias(s.index_prefix, "tenant-mentions")) == 2


def test_the_next_batch_is_decoded_while_one_is_written_and_sent_only_after_its_commit(
    pipeline_settings: Settings, es_client: Elasticsearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecoute.es import ensure_mention_templates

    s = pipeline_settings.model_copy(update={"index_batch_size": 100})
    ensure_topics(s)
    ensure_mention_templates(es_client, s.index_prefix)
    mentions = [_mention(i, tenant="acme") for i in range(1000)]
    topic = s.topic("mentions.enriched")
    produce(s.kafka_bootstrap or "", topic, [(m.id.encode(), m.model_dump_json().encode()) for m in mentions])

    events: list[str] = []
    real_prepare, real_write, real_commit = IndexSink._prepare, IndexSink._place_and_write, IndexSink._commit

    def prepare(self: IndexSink, messages: list[Any], *, tag: bool = False) -> Any:
        batch = real_prepare(self, messages, tag=tag)
        if batch is not None:  # not only partition-end events
            events.append("decode")
        return batch

    def place_and_write(self: IndexSink, actions: list[Any]) -> Any:
        events.append("send")
        time.sleep(0.3)  # a slow Elasticsearch: the next batch is decoded meanwhile
        outcome = real_write(self, actions)
        events.append("written")
        return outcome

    def commit(self: IndexSink, messages: list[Any]) -> None:
        real_commit(self, messages)
        events.append("committed")

    monkeypatch.setattr(IndexSink, "_prepare", prepare)
    monkeypatch.setattr(IndexSink, "_place_and_write", place_and_write)
    monkeypatch.setattr(IndexSink, "_commit", commit)
    sink = IndexSink(s, es_client)
    _run_until(sink, lambda: sink.stats.batches >= 1 and sink.stats.messages >= 1000)

    sends = [i for i, e in enumerate(events) if e == "send"]
    overlapped = 0
    for first, second in itertools.pairwise(sends):
        between = events[first:second]
        # a batch is sent only once the previous one is written and committed...
        assert "written" in between and between.index("written") < between.index("committed")
        # ...and the next one was decoded meanwhile (when it had arrived by then)
        overlapped += "decode" in between[: between.index("written")]
    assert overlapped >= 3
    assert events.count("send") == events.count("committed") == sink.stats.batches
    assert _count(es_client, mentions_index.alias(s.index_prefix, "mentions")) == 1000
    committed = committed_offsets(s.kafka_bootstrap or "", s.group("index"), topic, s.topic_partitions)
    assert sum(committed.values()) == 1000
