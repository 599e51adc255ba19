"""Crash recovery: did the mentions of a ``pending`` intent reach ``mentions.raw``?

A cursor is written with ``pending`` (mention ids + ``mentions.raw`` end offsets) *before* those
mentions are produced, and rewritten without it once they are acknowledged. A cursor still carrying
``pending`` at start-up means the process died in between: some of those mentions may be in Kafka.
We read ``mentions.raw`` from the recorded offsets, for a bounded time window after the intent, and
remember the ids we find as already produced — so the re-fetched page does not produce them twice.
The position is left as it was: whatever was not found is produced again on the next poll.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from pydantic import ValidationError

from ecoute.kafka import consumer_config, watermark_offsets
from ecoute.settings import Settings
from ingest.seen import remember
from schemas.common import utc_now
from schemas.cursor import SourceCursor
from schemas.mention import RawMention

log = logging.getLogger(__name__)
HORIZON = timedelta(minutes=5)  # produce + flush of one page never takes longer than this


def _scan(
    consumer: Consumer, topic: str, start: dict[int, int], wanted: set[str], until_ms: int
) -> list[bytes]:
    meta = consumer.list_topics(topic, timeout=10).topics[topic]
    ends = {p: watermark_offsets(consumer, topic, p)[1] for p in meta.partitions}
    todo = {p: end for p, end in ends.items() if start.get(p, 0) < end}
    if not todo:
        return []
    consumer.assign([TopicPartition(topic, p, start.get(p, OFFSET_BEGINNING)) for p in todo])
    found: list[bytes] = []
    deadline = time.monotonic() + 120.0
    while todo and wanted and time.monotonic() < deadline:
        msg = consumer.poll(1.0)
        if msg is None or msg.error():
            continue
        partition, offset = msg.partition() or 0, msg.offset() or 0
        key = (msg.key() or b"").decode("utf-8", "replace")
        value = msg.value()
        if key in wanted and value is not None:
            wanted.discard(key)
            found.append(value)
        _kind, ts = msg.timestamp()
        if offset >= todo.get(partition, 0) - 1 or ts > until_ms:
            todo.pop(partition, None)
            consumer.pause([TopicPartition(topic, partition)])
    return found


def reconcile_pending(settings: Settings, mentions_topic: str, cursor: SourceCursor) -> SourceCursor:
    """``cursor`` with ``pending`` resolved: ids found in ``mentions.raw`` join ``seen``."""
    pending = cursor.pending
    if pending is None:
        return cursor
    group = f"{settings.group('ingest-recovery')}.{uuid.uuid4().hex[:8]}"
    consumer = Consumer(consumer_config(settings, group))
    until_ms = int((pending.started_at + HORIZON).timestamp() * 1000)
    try:
        values = _scan(consumer, mentions_topic, dict(pending.offsets), set(pending.mention_ids), until_ms)
    finally:
        consumer.close()
    mentions: list[RawMention] = []
    for value in values:
        try:
            mentions.append(RawMention.model_validate_json(value))
        except ValidationError:
            continue
    log.info(
        "recovered an interrupted page",
        extra={
            "source": cursor.source_id,
            "pending": len(pending.mention_ids),
            "already_in_kafka": len(mentions),
        },
    )
    capacity = max(len(cursor.seen), 10) + len(mentions)
    return cursor.model_copy(
        update={"seen": remember(cursor.seen, mentions, capacity), "pending": None, "updated_at": utc_now()}
    )
