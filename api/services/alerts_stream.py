"""``GET /v1/alerts/stream``: server-sent events of one tenant's alerts, from the ``alerts`` topic,
resumable with ``Last-Event-ID`` (the frames and cursors are :mod:`alerting.sse`). I/O shell.

Each connection gets its own consumer (no consumer group, nothing committed) assigned to every partition
of ``alerts``. :meth:`AlertTail.open` positions it before the response starts (Kafka down → the route
answers 503): after the cursor of ``Last-Event-ID``, clamped to what the topic still holds, or at the
current end without one. The first frame, ``event: ready``, carries that position as its id, so a client
that reconnects — even one that received no alert yet — resumes exactly there: nothing lost, nothing
repeated. Records of other tenants advance the position silently.

Threads: the consumer is polled in the tail's own thread, which hands batches to the event loop through a
bounded queue (a slow client stalls its own consumer, never the loop or other clients) and closes the
consumer itself. When the client goes away the response's ``finally`` sets the tail's stop flag (it
never waits on the loop); the thread ends within one poll (0.5 s). At most :data:`MAX_STREAMS` streams
per API process (each is a thread and a Kafka connection); beyond, 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import queue
import threading
import uuid
from collections.abc import AsyncGenerator, Callable, Mapping
from typing import Final

from confluent_kafka import Consumer, KafkaException, TopicPartition
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from alerting.sse import RETRY_MS, Record, encode_cursor, format_event, keepalive, resume_offsets, sse_events
from ecoute.kafka import ensure_topics
from ecoute.settings import Settings
from schemas.topics import ALERTS

log = logging.getLogger(__name__)

MAX_STREAMS: Final = 200
KEEPALIVE_S: Final = 15.0
POLL_S: Final = 0.5
OPEN_TIMEOUT_S: Final = 10.0
_BATCH: Final = 500

_active: set[AlertTail] = set()
_active_lock = threading.Lock()


class StreamUnavailable(RuntimeError):
    """The stream cannot be opened now (Kafka unreachable, or too many streams): 503."""


def active_streams() -> int:
    """Open tails of this process (their consumer is not closed yet)."""
    with _active_lock:
        return len(_active)


Item = list[Record] | BaseException


class AlertTail:
    """A consumer of the whole ``alerts`` topic for one stream, polled in its own thread."""

    def __init__(self, settings: Settings, tenant: str) -> None:
        self.settings = settings
        self.tenant = tenant
        self.topic = settings.topic(ALERTS.name)
        self._consumer: Consumer | None = None
        self._queue: queue.Queue[Item] = queue.Queue(maxsize=16)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._wake: Callable[[], None] = lambda: None

    # --- opening (blocking: call it from a worker thread) ----------------------------------------
    def open(self, cursor: Mapping[int, int], timeout_s: float = OPEN_TIMEOUT_S) -> dict[int, int]:
        """Assign every partition at the cursor's next offsets (clamped to the topic's low/high
        watermarks; partitions not in the cursor start at the end). Returns the effective cursor (last
        offset delivered per partition, −1 before the first). Raises :class:`StreamUnavailable`."""
        with _active_lock:
            if len(_active) >= MAX_STREAMS:
                raise StreamUnavailable(f"too many alert streams open ({MAX_STREAMS}); retry later")
            _active.add(self)
        consumer = Consumer(
            {
                "bootstrap.servers": self.settings.effective_kafka_bootstrap,
                "group.id": f"unused-{uuid.uuid4().hex}",  # required by the client; never committed
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",  # a record removed by retention meanwhile: next one
                "fetch.wait.max.ms": 100,
            }
        )
        try:
            partitions = self._partitions(consumer, timeout_s)
            effective: dict[int, int] = {}
            assignment = []
            for partition, start in resume_offsets(cursor, partitions).items():
                low, high = consumer.get_watermark_offsets(
                    TopicPartition(self.topic, partition), timeout=timeout_s
                )
                begin = high if start is None else min(max(start, low), high)
                effective[partition] = begin - 1
                assignment.append(TopicPartition(self.topic, partition, begin))
            consumer.assign(assignment)
        except (KafkaException, RuntimeError) as exc:
            consumer.close()
            self._forget()
            raise StreamUnavailable(f"Kafka is unavailable, the alert stream cannot start: {exc}") from exc
        self._consumer = consumer
        return effective

    def _partitions(self, consumer: Consumer, timeout_s: float) -> list[int]:
        for attempt in range(2):
            meta = consumer.list_topics(self.topic, timeout=timeout_s).topics.get(self.topic)
            if meta is not None and meta.error is None and meta.partitions:
                return sorted(meta.partitions)
            if attempt == 0:
                ensure_topics(self.settings, [ALERTS], timeout_s=timeout_s)
        raise RuntimeError(f"topic {self.topic} has no partitions")

    # --- running ----------------------------------------------------------------------------------
    def start(self, wake: Callable[[], None]) -> None:
        """Start polling; ``wake`` is called (from the thread) after each hand-over."""
        self._wake = wake
        self._thread = threading.Thread(target=self._run, name=f"alert-stream-{self.tenant}", daemon=True)
        self._thread.start()

    def drain(self) -> list[Item]:
        """What the thread handed over so far (never blocks)."""
        items: list[Item] = []
        while True:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                return items

    def close(self) -> None:
        """Stop (never blocks): the thread closes the consumer within one poll."""
        self._stop.set()
        if self._thread is None and self._consumer is not None:
            # never started (the client left before the first frame): close it off the event loop
            self._thread = threading.Thread(
                target=self._close_consumer, name="alert-stream-close", daemon=True
            )
            self._thread.start()
        elif self._consumer is None:
            self._forget()

    def _run(self) -> None:
        consumer = self._consumer
        assert consumer is not None, "open() first"
        try:
            while not self._stop.is_set():
                records = []
                for msg in consumer.consume(_BATCH, timeout=POLL_S):
                    err = msg.error()
                    if err is not None:
                        if err.fatal():
                            raise KafkaException(err)
                        log.debug("alert stream: %s", err, extra={"topic": self.topic})
                        continue
                    records.append(Record(msg.partition() or 0, msg.offset() or 0, msg.key(), msg.value()))
                if records:
                    self._hand_over(records)
        except Exception as exc:
            log.warning("alert stream consumer failed: %s", exc, extra={"tenant": self.tenant})
            self._hand_over(exc)
        finally:
            self._close_consumer()

    def _hand_over(self, item: Item) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=POLL_S)
            except queue.Full:
                continue
            try:
                self._wake()
            except RuntimeError:  # the event loop is gone: nobody is listening any more
                self._stop.set()
            return

    def _close_consumer(self) -> None:
        consumer, self._consumer = self._consumer, None
        try:
            if consumer is not None:
                consumer.close()
        finally:
            self._forget()

    def _forget(self) -> None:
        with _active_lock:
            _active.discard(self)


async def alert_frames(
    tail: AlertTail, tenant: str, cursor: Mapping[int, int], keepalive_s: float = KEEPALIVE_S
) -> AsyncGenerator[str, None]:
    """The SSE frames of an opened tail: ``ready`` (with the start position as id), then the tenant's
    alerts, and a keep-alive comment after ``keepalive_s`` without a frame. Ends if the consumer fails
    (the client reconnects with ``Last-Event-ID``)."""
    loop = asyncio.get_running_loop()
    wake = asyncio.Event()

    def notify() -> None:
        loop.call_soon_threadsafe(wake.set)

    position = dict(cursor)
    tail.start(notify)
    start = encode_cursor(position)
    yield format_event(
        data=json.dumps({"cursor": start, "partitions": len(position)}),
        event="ready",
        event_id=start,
        retry_ms=RETRY_MS,
    )
    last_sent = loop.time()
    while True:
        wake.clear()
        items = tail.drain()
        for item in items:
            if isinstance(item, BaseException):
                return
            for frame, _ in sse_events(item, tenant, position):
                yield frame
                last_sent = loop.time()
            for record in item:
                position[record.partition] = max(position.get(record.partition, -1), record.offset)
        left = keepalive_s - (loop.time() - last_sent)
        if left <= 0:
            yield keepalive()
            last_sent, left = loop.time(), keepalive_s
        if items:
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=left)


class AlertStreamResponse(StreamingResponse):
    """A ``text/event-stream`` response that stops its tail however the response ends (client gone,
    server shutting down, error)."""

    def __init__(self, tail: AlertTail, tenant: str, cursor: Mapping[int, int]) -> None:
        super().__init__(
            alert_frames(tail, tenant, cursor),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
        self.tail = tail

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.tail.close()
