"""A live, in-memory view of compacted ``config.*`` topics, and writes that return only once the view
shows them: the machinery shared by the API's configuration stores (:mod:`api.config.store` for
tenants, queries and sources; :mod:`api.services.alerts_config` for alert rules and subscriptions).

Reading: a background thread assigns every partition of the topics from the beginning (no consumer
group, nothing committed), replays the compacted history into the view, then follows new records, so
every API process — and every restart — rebuilds the same state from Kafka.
:meth:`FollowedConfig.wait_ready` blocks until the history present at start-up is applied.

Writing: :meth:`FollowedConfig.write` produces records (idempotent producer, acks=all), then waits
until the follower has applied them, so a client that created a key can use it on its next request
(read-your-writes). Read-modify-write sequences hold :attr:`FollowedConfig.mutation` so concurrent
requests of one process never lose an update; several API processes writing the same entity
concurrently would be last-writer-wins (run admin writes through one process).

Failures: :class:`ConfigUnavailable` when the view is not loaded yet or a write is not acknowledged and
applied within its timeout (Kafka down): the API answers 503. The follower retries on its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Generic, Protocol, TypeVar

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition
from pydantic import BaseModel

from ecoute.config_topics import ConfigWriteError, ConfigWriter, Written
from ecoute.kafka import ensure_topics, table_reader_config
from ecoute.settings import Settings
from schemas.topics import TopicSpec

log = logging.getLogger(__name__)
T = TypeVar("T")


class ConfigUnavailable(RuntimeError):
    """Configuration cannot be read or written right now (Kafka unreachable or still loading)."""


class RecordView(Protocol):
    """Pure state built one record at a time; ``apply`` never raises on a bad record."""

    def apply(
        self, logical_topic: str, key: bytes | None, value: bytes | None, *, where: str = ""
    ) -> None: ...

    def sizes(self) -> dict[str, int]: ...


V = TypeVar("V", bound=RecordView)


class FollowedConfig(Generic[V]):
    """``view`` kept up to date from ``topics``; ``what`` names it in messages and logs."""

    def __init__(
        self,
        settings: Settings,
        view: V,
        topics: tuple[TopicSpec, ...],
        *,
        what: str,
        writer: ConfigWriter | None = None,
    ) -> None:
        self.settings = settings
        self.what = what
        self._topics = topics
        self._writer = writer
        self._view = view
        self._lock = threading.Lock()  # guards _view and _applied
        self._applied_cv = threading.Condition(self._lock)
        self._applied: dict[tuple[str, int], int] = {}  # (topic, partition) → next offset to apply
        self.mutation = threading.RLock()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._logical = {settings.topic(spec.name): spec.name for spec in topics}

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        name = f"{self.what.replace(' ', '-')}-follower"
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def wait_ready(self, timeout_s: float) -> bool:
        return self._ready.wait(timeout_s)

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and not self._stop.is_set()

    # --- reading / writing ----------------------------------------------------------------------
    def read(self, fn: Callable[[V], T]) -> T:
        """Run ``fn`` on the view under the lock (``fn`` must not keep references to mutable parts)."""
        if not self._ready.is_set():
            raise ConfigUnavailable(f"{self.what} is still loading from Kafka; retry in a few seconds")
        with self._lock:
            return fn(self._view)

    def write(
        self, spec: TopicSpec, records: Iterable[tuple[str, BaseModel | None]], timeout_s: float = 15.0
    ) -> None:
        """Produce ``records`` (``None`` = tombstone) and wait until this view has applied them."""
        if not self._ready.is_set():
            raise ConfigUnavailable(f"{self.what} is still loading from Kafka; retry in a few seconds")
        pending = list(records)
        if not pending:
            return
        if self._writer is None:
            self._writer = ConfigWriter(self.settings)
        deadline = time.monotonic() + timeout_s
        try:
            written = self._writer.put_many(spec, pending, timeout_s)
        except (ConfigWriteError, KafkaException, BufferError) as exc:
            raise ConfigUnavailable(f"{self.what} could not be saved: {exc}") from exc
        self._wait_applied(written, deadline)

    def _wait_applied(self, written: list[Written], deadline: float) -> None:
        with self._applied_cv:
            for w in written:
                while self._applied.get((w.topic, w.partition), 0) <= w.offset:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise ConfigUnavailable(f"{self.what} saved but not yet visible; retry shortly")
                    self._applied_cv.wait(min(left, 0.5))

    # --- the follower thread --------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._follow()
                return
            except KafkaException as exc:
                log.warning("%s: Kafka unavailable, retrying: %s", self.what, exc)
            except Exception:  # never die silently; replaying the compacted log again is harmless
                log.exception("%s follower failed; restarting it", self.what)
            self._stop.wait(2.0)

    def _partitions(self, consumer: Consumer) -> list[TopicPartition]:
        names = list(self._logical)
        meta = consumer.list_topics(timeout=10)
        if any(n not in meta.topics for n in names):
            ensure_topics(self.settings, self._topics)
            meta = consumer.list_topics(timeout=10)
        return [
            TopicPartition(name, p, OFFSET_BEGINNING)
            for name in names
            if name in meta.topics
            for p in meta.topics[name].partitions
        ]

    def _follow(self) -> None:
        consumer = Consumer(table_reader_config(self.settings, **{"fetch.wait.max.ms": 50}))
        try:
            partitions = self._partitions(consumer)
            consumer.assign(partitions)
            at_end: set[tuple[str, int]] = set()
            while not self._stop.is_set():
                msg = consumer.poll(0.2)
                if msg is None:
                    continue
                err = msg.error()
                topic, partition = msg.topic() or "", msg.partition() or 0
                if err is not None:
                    if err.code() == KafkaError._PARTITION_EOF:
                        at_end.add((topic, partition))
                        if len(at_end) >= len(partitions) and not self._ready.is_set():
                            self._ready.set()
                            log.info("%s loaded", self.what, extra=self.read(lambda v: v.sizes()))
                    else:
                        log.warning("%s consumer error: %s", self.what, err, extra={"topic": topic})
                    continue
                offset = msg.offset() or 0
                with self._applied_cv:
                    self._view.apply(
                        self._logical.get(topic, topic),
                        msg.key(),
                        msg.value(),
                        where=f"{topic}/{partition}@{offset}",
                    )
                    self._applied[(topic, partition)] = offset + 1
                    self._applied_cv.notify_all()
        finally:
            consumer.close()
