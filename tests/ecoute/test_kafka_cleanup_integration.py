"""Deleting a test's or a benchmark's topics by prefix, on the real broker."""

from __future__ import annotations

import time

import pytest
from confluent_kafka.admin import AdminClient

from ecoute.kafka import delete_topics_with_prefix, ensure_topics
from ecoute.settings import Settings

pytestmark = pytest.mark.integration


def _topics(s: Settings) -> set[str]:
    admin = AdminClient({"bootstrap.servers": s.effective_kafka_bootstrap})
    return set(admin.list_topics(timeout=10).topics)


def test_only_the_prefixed_topics_are_deleted(pipeline_settings: Settings) -> None:
    mine = pipeline_settings
    other = mine.model_copy(update={"topic_prefix": f"x{mine.topic_prefix}"})
    ensure_topics(mine)
    ensure_topics(other)
    asked = delete_topics_with_prefix(mine, mine.topic_prefix)
    assert asked and all(name.startswith(mine.topic_prefix) for name in asked)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _topics(mine) & set(asked):
        time.sleep(0.5)
    left = _topics(mine)
    assert not left & set(asked)
    assert {other.topic("mentions.raw"), other.topic("alerts")} <= left
    assert delete_topics_with_prefix(other, other.topic_prefix)


def test_an_unreachable_broker_is_logged_not_raised() -> None:
    s = Settings(kafka_bootstrap="127.0.0.1:9")
    assert delete_topics_with_prefix(s, "anything", timeout_s=1) == []
