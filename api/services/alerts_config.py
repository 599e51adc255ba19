"""The API's view of the alerting configuration — rules (``config.rules``) and webhook subscriptions
(``config.subscriptions``) — and writes that return only once that view shows them. I/O shell.

It works like :mod:`api.config.store` does for tenants, queries and sources: a background thread assigns
every partition of both compacted topics from the beginning (no consumer group, nothing committed),
replays them, then follows them, so an API restart rebuilds the same state from Kafka and the alerting
workers (which follow the same topics) see exactly what the API shows. A write produces the record
(idempotent producer, ``acks=all``; the same record as :func:`alerting.config_publish.publish_rules`)
and waits until the follower applied its offset (read-your-writes). Read-modify-write sequences hold
:attr:`AlertConfigStore.mutation`.

Records are applied like :class:`alerting.config_reader.ConfigTable` does: a tombstone or a record
that does not validate removes the entry (a half-understood rule is worse than none), logged with its
position.

Failures: :class:`~api.config.store.ConfigUnavailable` (API: 503) when the view is not loaded yet, or a
write is not acknowledged and applied in time (Kafka down). The follower retries on its own.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition
from fastapi import Depends, FastAPI, Request
from pydantic import BaseModel, ValidationError

from api.config.store import ConfigUnavailable
from ecoute.config_topics import ConfigWriteError, ConfigWriter, Written
from ecoute.kafka import ensure_topics
from ecoute.settings import Settings
from schemas.rules import AlertRule
from schemas.topics import CONFIG_RULES, CONFIG_SUBSCRIPTIONS, TopicSpec
from schemas.webhooks import WebhookSubscription

log = logging.getLogger(__name__)
T = TypeVar("T")
TOPICS = (CONFIG_RULES, CONFIG_SUBSCRIPTIONS)
READY_WAIT_S = 10.0  # start-up: how long the API waits for the history when Kafka answers


@dataclass
class AlertConfigView:
    """Rules and subscriptions by ``(tenant, id)``. Pure; :meth:`apply` never raises."""

    rules: dict[tuple[str, str], AlertRule] = field(default_factory=dict)
    subscriptions: dict[tuple[str, str], WebhookSubscription] = field(default_factory=dict)

    def apply(self, logical_topic: str, key: bytes | None, value: bytes | None, *, where: str = "") -> None:
        key_text = (key or b"").decode("utf-8", "replace")
        tenant, _, entity = key_text.partition(":")
        table: dict[tuple[str, str], AlertRule] | dict[tuple[str, str], WebhookSubscription]
        model: type[AlertRule] | type[WebhookSubscription]
        if logical_topic == CONFIG_RULES.name:
            table, model = self.rules, AlertRule
        elif logical_topic == CONFIG_SUBSCRIPTIONS.name:
            table, model = self.subscriptions, WebhookSubscription
        else:
            return
        table.pop((tenant, entity), None)
        if value is None:
            return
        try:
            entry = model.model_validate_json(value)
        except ValidationError as exc:
            log.warning(
                "ignoring invalid %s: %s",
                model.__name__,
                str(exc)[:300],
                extra={"topic": logical_topic, "key": key_text, "at": where},
            )
            return
        if entry.key != key_text:
            log.warning("record stored under a foreign key ignored", extra={"key": key_text, "at": where})
            return
        table[(entry.tenant, entry.id)] = entry  # type: ignore[assignment]

    def tenant_rules(self, tenant: str) -> list[AlertRule]:
        return sorted((r for (t, _), r in self.rules.items() if t == tenant), key=lambda r: r.id)

    def tenant_subscriptions(self, tenant: str) -> list[WebhookSubscription]:
        return sorted((s for (t, _), s in self.subscriptions.items() if t == tenant), key=lambda s: s.id)


class AlertConfigStore:
    def __init__(self, settings: Settings, writer: ConfigWriter | None = None) -> None:
        self.settings = settings
        self._writer = writer
        self._view = AlertConfigView()
        self._lock = threading.Lock()
        self._applied_cv = threading.Condition(self._lock)
        self._applied: dict[tuple[str, int], int] = {}  # (topic, partition) → next offset to apply
        self.mutation = threading.RLock()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._logical = {settings.topic(spec.name): spec.name for spec in TOPICS}

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="alert-config-store", daemon=True)
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
    def read(self, fn: Callable[[AlertConfigView], T]) -> T:
        """Run ``fn`` on the view under the lock (``fn`` must not keep references to mutable parts)."""
        if not self._ready.is_set():
            raise ConfigUnavailable("alert configuration is still loading from Kafka; retry in a few seconds")
        with self._lock:
            return fn(self._view)

    def write(
        self, spec: TopicSpec, records: Iterable[tuple[str, BaseModel | None]], timeout_s: float = 15.0
    ) -> None:
        """Produce ``records`` (``None`` = tombstone) and wait until this view has applied them."""
        if not self._ready.is_set():
            raise ConfigUnavailable("alert configuration is still loading from Kafka; retry in a few seconds")
        pending = list(records)
        if not pending:
            return
        if self._writer is None:
            self._writer = ConfigWriter(self.settings)
        deadline = time.monotonic() + timeout_s
        try:
            written = self._writer.put_many(spec, pending, timeout_s)
        except (ConfigWriteError, KafkaException, BufferError) as exc:
            raise ConfigUnavailable(f"alert configuration could not be saved: {exc}") from exc
        self._wait_applied(written, deadline)

    def _wait_applied(self, written: list[Written], deadline: float) -> None:
        with self._applied_cv:
            for w in written:
                while self._applied.get((w.topic, w.partition), 0) <= w.offset:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise ConfigUnavailable(
                            "alert configuration saved but not yet visible; retry shortly"
                        )
                    self._applied_cv.wait(min(left, 0.5))

    # --- the follower thread --------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._follow()
                return
            except KafkaException as exc:
                log.warning("alert config: Kafka unavailable, retrying: %s", exc)
            except Exception:  # never die silently; replaying the compacted log again is harmless
                log.exception("alert config follower failed; restarting it")
            self._stop.wait(2.0)

    def _partitions(self, consumer: Consumer) -> list[TopicPartition]:
        names = list(self._logical)
        meta = consumer.list_topics(timeout=10)
        if any(n not in meta.topics for n in names):
            ensure_topics(self.settings, TOPICS)
            meta = consumer.list_topics(timeout=10)
        return [
            TopicPartition(name, p, OFFSET_BEGINNING)
            for name in names
            if name in meta.topics
            for p in meta.topics[name].partitions
        ]

    def _follow(self) -> None:
        consumer = Consumer(
            {
                "bootstrap.servers": self.settings.effective_kafka_bootstrap,
                "group.id": f"unused-{uuid.uuid4().hex}",  # required by the client; never committed
                "enable.auto.commit": False,
                "enable.partition.eof": True,
                "fetch.wait.max.ms": 50,
            }
        )
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
                            log.info(
                                "alert configuration loaded",
                                extra={"rules": len(self._view.rules), "subs": len(self._view.subscriptions)},
                            )
                    else:
                        log.warning("alert config consumer error: %s", err, extra={"topic": topic})
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


# --- wiring --------------------------------------------------------------------------------------
@asynccontextmanager
async def alert_config_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Router lifespan (of both the alert and the webhook routers: the first one starts the store, the
    other finds it running). Runs after the application's own start-up, so settings and the main
    configuration store exist; waits briefly for the history when Kafka answered the main store, never
    when it did not (requests then answer 503 until the history is loaded)."""
    running: AlertConfigStore | None = getattr(app.state, "alert_config", None)
    if running is not None and running.running:
        yield
        return
    store = AlertConfigStore(app.state.settings)
    app.state.alert_config = store
    store.start()
    if getattr(app.state.config, "ready", False):
        await asyncio.to_thread(store.wait_ready, READY_WAIT_S)
    try:
        yield
    finally:
        store.stop()


def get_alert_config(request: Request) -> AlertConfigStore:
    store: AlertConfigStore = request.app.state.alert_config
    return store


AlertConfigDep = Annotated[AlertConfigStore, Depends(get_alert_config)]
