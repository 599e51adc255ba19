"""Faust applications whose Kafka consumer fetches in batches instead of record by record.

Faust creates its aiokafka consumer with ``fetch_min_bytes=1``: the broker answers a fetch as soon as
one record is there, so at a few hundred mentions per second every stage sends hundreds of fetch
requests a second, each crossing Faust's consumer thread and event loop (profiled with ``ecoute bench
e2e --profile``: half the enrich worker's active samples were that machinery, not enrichment). Here
the broker holds a fetch until ``fetch_min_bytes`` are there or ``fetch_max_wait_ms`` passed: at most
that much latency per stage, and tens of fetches a second instead of hundreds. With a backlog the
bytes are there at once and nothing waits.

:class:`BatchingApp` is ``faust.App`` with that consumer; every Faust stage (enrich, NER, alerting)
is built with it. Nothing else of Faust's changes.
"""

from __future__ import annotations

from typing import Any, cast

import aiokafka
import faust
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TransportT


class BatchingApp(faust.App):
    """``faust.App(id, **options)`` whose worker consumer fetches at least ``fetch_min_bytes`` per
    request unless ``fetch_max_wait_ms`` passes first. The broker URL must be ``kafka://``."""

    def __init__(self, id: str, *, fetch_min_bytes: int, fetch_max_wait_ms: int, **options: Any) -> None:
        self.fetch_min_bytes = fetch_min_bytes
        self.fetch_max_wait_ms = fetch_max_wait_ms
        super().__init__(id, **options)

    def _new_transport(self) -> TransportT:
        return _Transport(self.conf.broker_consumer, self)


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport: faust_aiokafka.Transport) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        app = cast(BatchingApp, self.app)
        # read by AIOKafkaConsumer.start() when it creates its fetcher, after this
        consumer._fetch_min_bytes = app.fetch_min_bytes
        consumer._fetch_max_wait_ms = app.fetch_max_wait_ms
        return consumer


class _Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> faust_aiokafka.AIOKafkaConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class _Transport(faust_aiokafka.Transport):
    Consumer = _Consumer
