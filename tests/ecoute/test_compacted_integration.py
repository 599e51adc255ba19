"""The compacted-topic table reader on the real Kafka: history, live changes, tombstones, and a topic
that only appears after the reader started."""

from __future__ import annotations

import time

import pytest

from ecoute.compacted import CompactedTopicReader
from ecoute.kafka import ensure_topics
from ecoute.settings import Settings
from schemas.topics import CONFIG_QUERIES
from tests.kafka_utils import produce

pytestmark = pytest.mark.integration


class DictTable:
    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def apply(self, key: bytes | None, value: bytes | None, *, where: str = "") -> None:
        name = (key or b"").decode()
        if value is None:
            self.data.pop(name, None)
        else:
            self.data[name] = value


def _eventually(check, timeout_s: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_reader_waits_for_a_missing_topic_then_follows_it(pipeline_settings: Settings) -> None:
    s = pipeline_settings
    topic = s.topic(CONFIG_QUERIES.name)
    table = DictTable()
    reader = CompactedTopicReader(s, topic, table)
    reader.start()
    try:
        assert reader.wait_caught_up(10)  # no topic yet: an empty table, and the reader keeps waiting
        ensure_topics(s, [CONFIG_QUERIES])
        produce(s.kafka_bootstrap or "", topic, [(b"a", b"1"), (b"b", b"2"), (b"a", b"3"), (b"b", None)])
        _eventually(lambda: table.data == {"a": b"3"})
    finally:
        reader.stop()


def test_reader_replays_history_before_reporting_caught_up(pipeline_settings: Settings) -> None:
    s = pipeline_settings
    ensure_topics(s, [CONFIG_QUERIES])
    topic = s.topic(CONFIG_QUERIES.name)
    produce(s.kafka_bootstrap or "", topic, [(f"k{i}".encode(), str(i).encode()) for i in range(50)])
    table = DictTable()
    reader = CompactedTopicReader(s, topic, table)
    reader.start()
    try:
        assert reader.wait_caught_up(20)
        assert len(table.data) == 50
    finally:
        reader.stop()
