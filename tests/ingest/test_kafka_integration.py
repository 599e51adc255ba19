"""Cursors, crash recovery and config.sources on the real Kafka."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ecoute.kafka import ensure_topics
from ecoute.settings import Settings
from ingest.config_sources import load_all_sources, read_config_sources
from ingest.cursor_store import KafkaCursorStore
from ingest.producer import MentionProducer
from ingest.progress import with_pending
from ingest.seen import fingerprint
from schemas.cursor import FeedPosition, SourceCursor
from schemas.mention import RawMention
from schemas.source import FeedSourceConfig, MastodonSourceConfig, SourceDefinition
from tests.kafka_utils import produce
from tests.mentions import raw_mention

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 22, 9, tzinfo=UTC)


def mention(n: int) -> RawMention:
    return raw_mention(f"guid-{n}", f"item {n}", at=NOW, source_id="f")


async def test_cursors_round_trip_and_the_last_one_wins(pipeline_settings: Settings) -> None:
    ensure_topics(pipeline_settings)
    store = KafkaCursorStore(pipeline_settings)
    try:
        for etag in ('"a"', '"b"'):
            await store.write(
                SourceCursor(source_id="f", kind="feed", position=FeedPosition(etag=etag), updated_at=NOW)
            )
        await store.write(SourceCursor(source_id="g", kind="feed", updated_at=NOW))
        loaded = await store.load(["f", "missing"])
    finally:
        store.close()
    assert set(loaded) == {"f"} and loaded["f"].position == FeedPosition(etag='"b"')


async def test_a_pending_intent_is_reconciled_against_mentions_raw(pipeline_settings: Settings) -> None:
    """The crash window: intent written, some mentions acknowledged, cursor not rewritten."""
    s = pipeline_settings
    ensure_topics(s)
    store = KafkaCursorStore(s)
    producer = MentionProducer(s)
    try:
        producer.send(mention(0))  # an older message, before the intent's offsets
        producer.flush()
        offsets = await store.mention_offsets()
        cursor = SourceCursor(
            source_id="f", kind="feed", updated_at=NOW, seen={mention(0).id: fingerprint(mention(0))}
        )
        cursor = with_pending(cursor, [mention(n).id for n in (1, 2, 3)], offsets, datetime.now(UTC))
        await store.write(cursor)
        for n in (1, 2):  # the process died before producing the third one
            producer.send(mention(n))
        producer.flush()
        (recovered,) = (await store.load(["f"])).values()
        again = KafkaCursorStore(s)
        try:
            persisted = (await again.load(["f"]))["f"]
        finally:
            again.close()
    finally:
        store.close()
    assert recovered.pending is None and persisted == recovered
    assert set(recovered.seen) == {mention(n).id for n in (0, 1, 2)}
    assert recovered.seen[mention(1).id] == fingerprint(mention(1))


def test_config_sources_topic_is_merged_with_the_file(pipeline_settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = pipeline_settings
    ensure_topics(s)
    (tmp_path / "sources.json").write_text(
        '{"sources": [{"id": "a", "url": "https://a.example/rss"}, {"id": "b", "url": "https://b.example/rss"}]}'
    )
    masto = MastodonSourceConfig(
        id="m", instance="https://mastodon.example", hashtags=("x",), tenants=("acme", "beta")
    )
    b2 = FeedSourceConfig(id="b", url="https://b.example/other.xml", tenants=("acme",))
    records = [
        (b"m", SourceDefinition(masto).model_dump_json().encode()),
        (b"b", SourceDefinition(b2).model_dump_json().encode()),
        (
            b"gone",
            SourceDefinition(FeedSourceConfig(id="gone", url="https://g.example/rss"))
            .model_dump_json()
            .encode(),
        ),
        (b"gone", None),
        (b"bad", b'{"id": "bad", "kind": "mastodon"}'),
    ]
    produce(s.effective_kafka_bootstrap, s.topic("config.sources"), records)
    assert set(read_config_sources(s)) == {"m", "b", "gone"}
    merged = {src.id: src for src in load_all_sources(s, tmp_path / "sources.json", use_topic=True)}
    assert set(merged) == {"a", "b", "m"}
    assert merged["b"] == b2 and merged["m"].tenants == ("acme", "beta")
