"""Faust applications whose Kafka consumer fetches in batches instead of record by record.

Faust creates its aiokafka consumer with ``fetch_min_bytes=1``: the broker answers a fetch as soon as
one record is there, so at a few hundred mentions per second every stage sends hundreds of fetch
requests a second, each crossing Faust's consumer thread and event loop (profiled with ``ecoute bench
e2e --profile``: half the enrich worker's active samples were that machinery, not enrichment). Here
the broker holds a fetch until ``fetch_min_bytes`` are there or ``fetch_max_wait_ms`` passed: at most
that much latency per stage, and tens of fetches a second instead of hundreds. With a backlog the
bytes are there at once and nothing waits.

:class:`BatchingApp` is ``faust.App`` with that consumer; every Faust stage (enrich, NER, alerting)
is built with it.

Its consumer also delivers records without Faust's per-record race when nothing can make the delivery
wait (:meth:`_Consumer.wait_first`): Faust's drain loop races each record's delivery to the stream
against a rebalance, creating four asyncio tasks and cancelling three for every record — half the
enrichment worker's event-loop CPU (``ecoute bench enrich-worker``, README). Nothing else of Faust's
changes.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, cast

import aiokafka
import faust
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TransportT
from mode.services import WaitResults


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

    async def wait_first(self, *coros: Any, timeout: Any = None) -> Any:  # noqa: ASYNC109 (Faust's signature)
        """Faust's drain loop (``Consumer._drain_messages``, faust-streaming 0.15) calls
        ``wait_first(callback(message), self.suspend_flow.wait())`` for every record, so that a
        rebalance, a stop or a crash interrupts a delivery blocked on a full stream buffer. When the
        delivery cannot block (:meth:`_delivery_cannot_block`) it is awaited directly instead: the
        same outcome, without four tasks created and three cancelled per record. Every other call, and
        that one whenever the delivery could block, goes to Faust's ``wait_first``.

        Should a delivery awaited directly block after all (a condition read here changed), it still
        completes: the stream keeps draining its buffer (dropping the events of revoked partitions by
        their generation), and stopping the fetcher cancels it — only a rebalance's interruption
        waits for that delivery."""
        if (
            timeout is None
            and len(coros) == 2
            and self._is_suspend_wait(coros[1])
            and self._delivery_cannot_block()
        ):
            deliver, suspend_wait = coros
            suspend_wait.close()  # never started: nothing to cancel
            return WaitResults([deliver], [await deliver], False)
        return await super().wait_first(*coros, timeout=timeout)

    def _is_suspend_wait(self, awaitable: Any) -> bool:
        """Whether ``awaitable`` is a not yet started ``self.suspend_flow.wait()``."""
        return (
            inspect.iscoroutine(awaitable)
            and awaitable.cr_code is asyncio.Event.wait.__code__
            and inspect.getcoroutinelocals(awaitable).get("self") is self.suspend_flow
        )

    def _delivery_cannot_block(self) -> bool:
        """Nothing Faust's delivery of a record awaits would wait: the consumer runs, flow is not
        suspended (rebalance), Faust's producer buffer is within its limit and no stream buffer is
        full (see ``faust.transport.conductor``)."""
        app = self.app
        buffer = app.producer.buffer
        return (
            not self.should_stop
            and not self.suspend_flow.is_set()
            and app.flow_control.is_active()
            and buffer.size <= buffer.max_messages
            and not any(channel.queue.full() for channel in app.topics)
        )


class _Transport(faust_aiokafka.Transport):
    Consumer = _Consumer
