"""Faust stages fetch in batches: the consumer Faust builds carries our fetch settings, its fetcher
starts with them on the real broker, and the broker then holds a fetch for them."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faust
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from ecoute.faust_fetch import BatchingApp
from ecoute.settings import Settings
from tests.kafka_utils import produce


def _app(make: Callable[..., faust.App], bootstrap: str, **fetch: int) -> faust.App:
    return make(
        "t-faust-fetch",
        broker=f"kafka://{bootstrap}",
        store="memory://",
        autodiscover=False,
        web_enabled=False,
        **fetch,
    )


def _worker_consumer(app: faust.App) -> AIOKafkaConsumer:
    """The aiokafka consumer Faust's consumer thread would create for this app (not started)."""
    thread: Any = app.consumer._thread  # type: ignore[attr-defined]
    consumer: AIOKafkaConsumer = thread._create_worker_consumer(app.transport)
    return consumer


async def test_the_consumer_faust_builds_carries_the_fetch_settings() -> None:
    ours = _worker_consumer(_app(BatchingApp, "127.0.0.1:1", fetch_min_bytes=12_345, fetch_max_wait_ms=77))
    plain = _worker_consumer(_app(faust.App, "127.0.0.1:1"))
    try:
        assert (ours._fetch_min_bytes, ours._fetch_max_wait_ms) == (12_345, 77)
        assert plain._fetch_min_bytes == 1  # Faust's own: the broker answers for every record
    finally:
        await ours.stop()
        await plain.stop()


@pytest.mark.integration
async def test_started_fetcher_uses_them_and_the_broker_holds_the_fetch(
    kafka_bootstrap: str, unique_name: Callable[[str], str]
) -> None:
    topic = unique_name("faust-fetch")
    produce(kafka_bootstrap, topic, [(b"k", b"one small record")])
    app = _app(BatchingApp, kafka_bootstrap, fetch_min_bytes=1_000_000, fetch_max_wait_ms=2_000)
    consumer = _worker_consumer(app)
    await consumer.start()
    try:
        fetcher: Any = consumer._fetcher
        assert (fetcher._fetch_min_bytes, fetcher._fetch_max_wait_ms) == (1_000_000, 2_000)
        await consumer._client.force_metadata_update()
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)  # the record above is not what a fetch waits for
        started = time.monotonic()
        produce(kafka_bootstrap, topic, [(b"k", b"another small record")])
        batch = await consumer.getmany(timeout_ms=10_000)
        waited = time.monotonic() - started
        assert [r.value for records in batch.values() for r in records] == [b"another small record"]
        # far below the minimum bytes: the broker answered only when the maximum wait ran out (with
        # Faust's fetch_min_bytes=1 it answers as soon as the record is there: ~0.5 s, the producer's start)
        assert waited >= 1.5
    finally:
        await consumer.stop()


def test_each_stage_waits_for_its_own_fetches(tmp_path: Path) -> None:
    """The enrichment and alerting workers' fetches wait 20 ms (on the alerts' path), the NER worker's
    500 ms (off the hot path, idle most of the time); each is a setting."""
    from alerting.app import create_app as create_alerting_app
    from alerting.config_reader import RuleBook
    from alerting.settings import AlertingSettings
    from enrich.app import create_app as create_enrich_app
    from enrich.ner import SpacyNer
    from enrich.ner_app import create_ner_app

    settings = Settings(home=tmp_path, kafka_bootstrap="127.0.0.1:1")

    def wait_of(app: faust.App) -> int:  # what the app's consumer gets (test above)
        assert isinstance(app, BatchingApp)
        return app.fetch_max_wait_ms

    alerting = AlertingSettings()
    assert wait_of(create_enrich_app(settings)) == settings.faust_fetch_max_wait_ms == 20
    assert wait_of(create_ner_app(settings, SpacyNer())) == settings.ner_fetch_max_wait_ms == 500
    alerting_app = create_alerting_app(settings, alerting, RuleBook(), 3).app
    assert wait_of(alerting_app) == alerting.alerting_fetch_max_wait_ms == 20
    tuned = settings.model_copy(update={"ner_fetch_max_wait_ms": 123})
    assert wait_of(create_ner_app(tuned, SpacyNer())) == 123
    slower = AlertingSettings(alerting_fetch_max_wait_ms=77)
    assert wait_of(create_alerting_app(settings, slower, RuleBook(), 3).app) == 77
