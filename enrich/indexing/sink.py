"""The index sink process: consume ``mentions.enriched`` (and the NER worker's ``mentions.entities``),
bulk-write to Elasticsearch, commit.

Contract (arroyo-style, commit after process):
* a batch is up to ``index_batch_size`` messages gathered for at most ``index_batch_within_s``
  counted from the previous batch's start (:func:`consume_window`): when handling a batch took
  longer, what came meanwhile is taken at once. Where the time goes (waiting for messages, decoding
  and NER, finishing the previous batch, writing) is logged every 10 s
  (:mod:`enrich.indexing.timings`);
* a batch of messages is decoded; undecodable ones go to ``dlq.index`` with the reason;
* the batch's documents are sent to the index that already holds them, if any (a mention whose date
  changed never gets a second document in another month, see :mod:`enrich.indexing.placement`), and
  bulk-written; items Elasticsearch rejects for good (4xx) are dead-lettered
  with Elasticsearch's reason; 429/5xx items and connection failures are retried with exponential
  backoff and jitter while consumption is paused (backpressure) — indefinitely, nothing is dropped
  (a whole request Elasticsearch refuses with another 4xx is a bug and raises);
* only then are the batch's offsets committed. A crash before the commit replays the batch, and the
  deterministic document ids make the replay harmless.
* one batch is in flight at a time: its bulk goes out on a writer thread while the consumer thread
  decodes the next batch; the next one is sent only after the previous one is written and committed
  (so a document's write is never overtaken by a later update of it). Consumer, retries and commits
  stay on the consumer thread.
* named entities (people, organisations, places; :mod:`enrich.indexing.named_entities`): while the
  sink keeps up, it tags a batch's mentions in scope itself (``ner``, spaCy) and writes the entities
  with the documents, once. A batch that finds the sink with a backlog (see below), or a sink without
  ``ner``, or a tagger that fails, leaves them to the NER worker: the batch's mentions in scope are
  produced to ``mentions.ner`` as they came (acknowledged before the commit) and written without;
* entity updates are partial updates of existing documents; one that arrives before its document
  (the two topics are not ordered with each other) is produced again to ``mentions.entities`` with an
  attempt count (acknowledged before the commit), and dead-lettered after ``ENTITY_UPDATE_ATTEMPTS``;
* while the sink has a backlog of mentions — the newest mention of a batch was produced
  ``index_entities_wait_s`` or more before it was consumed (Kafka record timestamps) — it tags
  nothing itself and the entity-update partitions are paused; both resume once the newest mention of
  a batch is at most half that old, or a batch brings no mention (:func:`entity_updates_wait`): under
  overload new mentions become searchable first, and a sink that keeps up applies the updates
  whatever the arrival rate.
  The timestamps are the enrich worker's clock (CreateTime): across hosts, keep the clocks in sync or
  set the topic's ``message.timestamp.type`` to ``LogAppendTime``. A batch takes at most
  ``index_entities_per_batch`` updates (the rest are read again later), so applying them never
  stalls the mentions for long;
* SIGTERM (``stop``): the current batch is finished and committed, then the consumer closes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from confluent_kafka import TIMESTAMP_NOT_AVAILABLE, Consumer, KafkaException, Message, TopicPartition
from elasticsearch import ApiError, Elasticsearch, TransportError
from pydantic import ValidationError

from ecoute.acked_producer import AckedProducer, Record
from ecoute.backoff import backoff_delay
from ecoute.kafka import DeadLetterProducer, consumer_config
from ecoute.settings import Settings
from enrich.indexing.bulk import Action, BulkOutcome, write_bulk
from enrich.indexing.documents import QueryFields, entity_update_actions, mention_actions
from enrich.indexing.named_entities import tag_or_defer
from enrich.indexing.placement import (
    RecentPlacements,
    as_upsert,
    create_new_documents,
    existing_locations,
    family_of,
    relocate,
)
from enrich.indexing.timings import SinkTimings, log_report
from enrich.pipeline import EntityTagger
from schemas.common import utc_now
from schemas.mention import EnrichedMention, EntityUpdate
from schemas.topics import MENTIONS_ENRICHED, MENTIONS_ENTITIES, MENTIONS_NER

log = logging.getLogger(__name__)
ENTITY_UPDATE_ATTEMPTS = 10
ATTEMPT_HEADER = "ecoute-attempt"


@dataclass(slots=True)
class SinkStats:
    messages: int = 0
    mentions: int = 0
    documents: int = 0
    dead_letters: int = 0
    batches: int = 0
    retries: int = 0
    requeued: int = 0
    tagged: int = 0
    """Mentions whose named entities the sink found itself (written with the mention)."""
    deferred: int = 0
    """Mentions in NER's scope handed to the NER worker (``mentions.ner``)."""


class IndexSink:
    def __init__(
        self,
        settings: Settings,
        es: Elasticsearch,
        *,
        query_fields: QueryFields | None = None,
        consumer: Consumer | None = None,
        dead_letters: DeadLetterProducer | None = None,
        refresh: bool = False,
        ner: EntityTagger | None = None,
    ) -> None:
        """``ner``: the tagger the sink runs itself while it keeps up (None: every mention in scope goes
        to the NER worker)."""
        self.settings = settings
        self.ner = ner
        self.es = es
        self.query_fields = query_fields
        self.topic = settings.topic(MENTIONS_ENRICHED.name)
        self.entities_topic = settings.topic(MENTIONS_ENTITIES.name)
        self.ner_topic = settings.topic(MENTIONS_NER.name)
        self.requeue: list[Message] = []
        self._producer: AckedProducer | None = None
        self.consumer = consumer or Consumer(consumer_config(settings, settings.group("index")))
        self.dead_letters = dead_letters or DeadLetterProducer(settings, "index")
        self.refresh = refresh
        self.stats = SinkStats()
        self.recent = RecentPlacements()
        self.paused = threading.Event()  # set while backing off with consumption paused
        self.backlog = False  # mentions have a backlog: no NER here, entity updates held back
        self.timings = SinkTimings()

    # --- pure-ish steps -------------------------------------------------------------------------
    def _decode(self, msg: Message) -> EnrichedMention | None:
        try:
            return EnrichedMention.model_validate_json(msg.value() or b"")
        except ValidationError as exc:
            self.dead_letters.send(
                reason=f"not an EnrichedMention: {exc}",
                error=exc,
                key=msg.key(),
                value=msg.value(),
                topic=msg.topic(),
                partition=msg.partition(),
                offset=msg.offset(),
            )
            self.stats.dead_letters += 1
            return None

    def _entity_actions(self, msg: Message) -> list[Action]:
        try:
            update = EntityUpdate.model_validate_json(msg.value() or b"")
        except ValidationError as exc:
            self.dead_letters.reject(msg, reason=f"not an EntityUpdate: {exc}", error=exc)
            self.stats.dead_letters += 1
            return []
        return entity_update_actions(update, prefix=self.settings.index_prefix)

    def _named_entities(
        self, decoded: list[tuple[Message, EnrichedMention]], *, tag: bool
    ) -> tuple[list[EnrichedMention], list[Record]]:
        """The mentions with their named entities where the sink finds them itself (``tag``), and the
        records handing the others in scope to the NER worker."""
        scope = self.settings.ner_scope
        tagger = self.ner if tag else None
        try:
            mentions, deferred, tagged = tag_or_defer(decoded, scope=scope, tagger=tagger)
        except Exception as exc:  # a tagger failure costs the entities' freshness, never a mention
            log.warning(
                "NER failed, handing the batch to the NER worker: %r",
                exc,
                extra={"topic": self.topic, "mentions": len(decoded)},
            )
            mentions, deferred, tagged = tag_or_defer(decoded, scope=scope, tagger=None)
        self.stats.tagged += tagged
        self.stats.deferred += len(deferred)
        records = [Record(self.ner_topic, msg.key(), msg.value() or b"") for msg in deferred]
        return mentions, records

    def _actions(
        self, messages: list[Message], *, tag: bool = False
    ) -> tuple[list[tuple[Message, Action]], list[Record]]:
        """Bulk actions for ``messages`` (mentions, then entity updates) and the records handing mentions
        to the NER worker; ``tag``: the sink looks for named entities itself (see ``_named_entities``)."""
        out: list[tuple[Message, Action]] = []
        now = utc_now()
        entity_updates: list[tuple[Message, Action]] = []
        decoded: list[tuple[Message, EnrichedMention]] = []
        for msg in messages:
            if msg.topic() == self.entities_topic:
                entity_updates.extend((msg, action) for action in self._entity_actions(msg))
                continue
            mention = self._decode(msg)
            if mention is not None:
                decoded.append((msg, mention))
        self.stats.mentions += len(decoded)
        mentions, to_ner = self._named_entities(decoded, tag=tag)
        for (msg, _), mention in zip(decoded, mentions, strict=True):
            out.extend(
                (msg, action)
                for action in mention_actions(
                    mention, prefix=self.settings.index_prefix, indexed_at=now, query_fields=self.query_fields
                )
            )
        return out + entity_updates, to_ner  # in one bulk, a document is written before its entities

    # --- Elasticsearch with retries and backpressure -------------------------------------------
    def _place_and_write(self, actions: list[Action]) -> BulkOutcome:
        """First attempt of a batch (runs on the writer thread while the next batch is decoded)."""
        with self.timings.step("write"):
            self._place(actions)
            return write_bulk(self.es, actions, refresh=self.refresh)

    def _write(
        self,
        pending: list[tuple[Message, Action]],
        stop: threading.Event,
        first: Future[BulkOutcome] | None,
    ) -> None:
        """Write ``pending`` completely, retrying with backoff while consumption is paused. ``first``:
        the first attempt (placement + bulk), already sent on the writer thread."""
        by_id = {id(action): msg for msg, action in pending}
        todo = [action for _, action in pending]
        attempt = 0
        paused = False
        located = False
        try:
            while todo:
                try:
                    if first is not None:
                        attempt_in_flight, first = first, None
                        outcome = attempt_in_flight.result()  # raises what the request raised
                        located = True
                    else:
                        if not located:
                            self._place(todo)  # again after a failed first attempt: idempotent
                            located = True
                        outcome = write_bulk(self.es, todo, refresh=self.refresh)
                except (TransportError, ApiError) as exc:
                    if isinstance(exc, ApiError) and exc.meta.status != 429 and exc.meta.status < 500:
                        raise  # the request itself is wrong: retrying cannot help
                    outcome = None
                    log.warning(
                        "elasticsearch unavailable, will retry: %s",
                        exc,
                        extra={"topic": self.topic, "documents": len(todo), "attempt": attempt},
                    )
                if outcome is not None:
                    self.stats.documents += outcome.written
                    for action, reason in outcome.rejected:
                        msg = by_id[id(action)]
                        if msg.topic() == self.entities_topic and reason.startswith("HTTP 404"):
                            if all(m is not msg for m in self.requeue):
                                self.requeue.append(msg)  # its document is not indexed yet
                            continue
                        self.dead_letters.send(
                            reason=f"elasticsearch rejected {action['_id']}: {reason}",
                            error="BulkItemRejected",
                            key=msg.key(),
                            value=msg.value(),
                            topic=msg.topic(),
                            partition=msg.partition(),
                            offset=msg.offset(),
                        )
                        self.stats.dead_letters += 1
                    existed = [a for a in outcome.conflicts if a["_op_type"] == "create"]
                    for action in existed:
                        as_upsert(action)  # created meanwhile by another writer: upsert it instead
                    todo = outcome.retry
                    if not todo:
                        break
                    if len(existed) == len(todo):
                        continue  # nothing but such conflicts: again at once, no backoff
                if not paused:
                    self.consumer.pause(self.consumer.assignment())
                    paused = True
                    self.paused.set()
                self.stats.retries += 1
                deadline = time.monotonic() + backoff_delay(attempt)
                while time.monotonic() < deadline:
                    self.consumer.poll(0.1)  # keeps group membership while paused; yields no message
                attempt += 1
                if stop.is_set() and attempt > self.settings.index_max_retries:
                    raise RuntimeError("stopping with documents not yet written; offsets not committed")
        finally:
            if paused:
                self.consumer.resume(self.consumer.assignment())
                self.paused.clear()

    def _place(self, actions: list[Action]) -> None:
        """Send every action to the index already holding its document (see ``placement``)."""
        prefix = self.settings.index_prefix
        keys = [(f, a["_id"]) for a in actions if (f := family_of(prefix, a["_index"])) is not None]
        locations = self.recent.lookup(keys)
        locations.update(existing_locations(self.es, prefix, actions))
        relocate(prefix, actions, locations)
        create_new_documents(prefix, actions, set(locations))
        self.recent.remember(prefix, actions)

    def _produce_follow_ups(self, to_ner: list[Record]) -> None:
        """Entity updates whose document did not exist yet go back to the end of their topic, at most
        ``ENTITY_UPDATE_ATTEMPTS`` times, then to ``dlq.index``; produced with ``to_ner`` (the batch's
        mentions for the NER worker), all acknowledged before the caller commits."""
        records = list(to_ner)
        requeued = 0
        for msg in self.requeue:
            attempt = _attempt(msg) + 1
            if attempt >= ENTITY_UPDATE_ATTEMPTS:
                reason = f"no document to update after {attempt} attempts"
                self.dead_letters.reject(msg, reason=reason, error="DocumentMissing")
                self.stats.dead_letters += 1
            else:
                headers = ((ATTEMPT_HEADER, str(attempt).encode()),)
                records.append(Record(self.entities_topic, msg.key(), msg.value() or b"", headers))
                requeued += 1
        self.requeue.clear()
        if records:
            if self._producer is None:
                self._producer = AckedProducer(self.settings)
            self._producer.deliver(records)
            self.stats.requeued += requeued

    def _commit(self, messages: list[Message]) -> None:
        last: dict[tuple[str, int], int] = {}
        for msg in messages:
            topic, partition, offset = msg.topic(), msg.partition(), msg.offset()
            if topic is None or partition is None or offset is None:
                continue
            last[(topic, partition)] = max(last.get((topic, partition), -1), offset)
        offsets = [TopicPartition(t, p, o + 1) for (t, p), o in last.items()]
        try:
            self.consumer.commit(offsets=offsets, asynchronous=False)
        except KafkaException as exc:  # partition revoked meanwhile: its new owner replays (idempotent)
            log.warning("offset commit failed: %s", exc, extra={"topic": self.topic})

    def _prepare(self, messages: list[Message], *, tag: bool = False) -> _Batch | None:
        """Decode ``messages`` into bulk actions, with named entities if ``tag`` (None if there were only
        consumer errors)."""
        real = []
        for msg in messages:
            if msg.error():
                log.warning("consumer error: %s", msg.error(), extra={"topic": msg.topic()})
                continue
            real.append(msg)
        if not real:
            return None
        self.stats.messages += len(real)
        pending, to_ner = self._actions(real, tag=tag)
        return _Batch(real, pending, to_ner)

    def _send(self, batch: _Batch, writer: ThreadPoolExecutor) -> None:
        """Start the batch's first attempt (placement + bulk) on the writer thread."""
        batch.first = writer.submit(self._place_and_write, [action for _, action in batch.pending])

    def _finish(self, batch: _Batch, stop: threading.Event) -> None:
        """Complete the batch's writes (retrying), requeue early entity updates and hand mentions to the
        NER worker, then commit."""
        self._write(batch.pending, stop, batch.first)
        with self.timings.step("hand_over"):
            self._produce_follow_ups(batch.to_ner)
            self.dead_letters.flush()
        with self.timings.step("commit"):
            self._commit(batch.messages)
        self.stats.batches += 1

    def _at_most_entity_updates(self, messages: list[Message]) -> list[Message]:
        """``messages`` with at most ``index_entities_per_batch`` entity updates; the partitions of the
        ones left out are rewound to the first of them (read again by a later batch, never committed
        before). Applied in small steps, updates use the capacity mentions leave, without a burst that
        would put the sink behind for long."""
        kept, rewind = cap_entity_updates(
            messages, self.entities_topic, self.settings.index_entities_per_batch
        )
        for partition, offset in rewind.items():
            try:
                self.consumer.seek(TopicPartition(self.entities_topic, partition, offset))
            except KafkaException as exc:  # revoked meanwhile: its new owner reads from the last commit
                log.warning(
                    "rewind failed: %s",
                    exc,
                    extra={"topic": self.entities_topic, "partition": partition, "offset": offset},
                )
        return kept

    def _newest_mention_age(self, messages: list[Message]) -> float | None:
        """Seconds since the newest mention of ``messages`` was produced (its Kafka timestamp), None
        when they hold no mention with a timestamp."""
        newest: int | None = None
        for msg in messages:
            if msg.topic() != self.topic or msg.error():
                continue
            kind, ms = msg.timestamp()
            if kind != TIMESTAMP_NOT_AVAILABLE and (newest is None or ms > newest):
                newest = ms
        return None if newest is None else max(0.0, time.time() - newest / 1000)

    def _hold_entity_updates(self, hold: bool) -> None:
        """Pause (again: a rebalance or a backoff may have resumed them) or resume the entity-update
        partitions of this consumer; mentions are never paused here."""
        parts = [tp for tp in self.consumer.assignment() if tp.topic == self.entities_topic]
        if not parts:
            return
        if hold:
            self.consumer.pause(parts)
            if not self.backlog:
                log.info(
                    "mentions have a backlog: NER left to the NER worker, entity updates wait",
                    extra={"topic": self.entities_topic},
                )
        else:
            self.consumer.resume(parts)
            log.info(
                "backlog gone: NER in the sink, entity updates resume", extra={"topic": self.entities_topic}
            )

    def _report_timings(self) -> None:
        report = self.timings.take_report()
        if report is not None:
            log_report(log, report, self.topic)

    def run(self, stop: threading.Event, *, on_batch: Callable[[SinkStats], None] | None = None) -> SinkStats:
        """Consume until ``stop`` is set; returns the counters."""
        self.consumer.subscribe([self.topic, self.entities_topic])
        log.info("index sink started", extra={"topic": self.topic, "group": self.settings.group("index")})
        in_flight: _Batch | None = None
        writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-writer")
        window = self.settings.index_batch_within_s
        batch_started = time.monotonic() - window
        try:
            while not stop.is_set():
                # a batch gathers for the window from the previous one's start: when handling a batch
                # took longer, what came meanwhile is taken at once instead of waiting a window more
                consume_from = time.monotonic()
                timeout = consume_window(window, consume_from - batch_started)
                batch_started = consume_from
                with self.timings.step("consume"):
                    messages = self._at_most_entity_updates(
                        self.consumer.consume(self.settings.index_batch_size, timeout)
                    )
                backlog = entity_updates_wait(
                    self._newest_mention_age(messages), self.settings.index_entities_wait_s, self.backlog
                )
                # decoded (and tagged, unless the sink has a backlog) while the previous batch is written
                with self.timings.step("prepare"):
                    ready = self._prepare(messages, tag=not backlog)
                with self.timings.step("finish"):
                    if in_flight is not None:
                        self._finish(in_flight, stop)
                        in_flight = None
                        if on_batch:
                            on_batch(self.stats)
                if ready is not None:  # sent only now: a later batch's update never overtakes a write
                    self._send(ready, writer)
                    in_flight = ready
                    self.timings.batch(len(ready.messages))
                if backlog or self.backlog:
                    self._hold_entity_updates(backlog)
                self.backlog = backlog
                self._report_timings()
            if in_flight is not None:  # stopping: the batch in flight is finished and committed
                self._finish(in_flight, stop)
                if on_batch:
                    on_batch(self.stats)
        finally:
            writer.shutdown(wait=True)  # after an error: no request left running behind the close
            self.consumer.close()
            log.info(
                "index sink stopped",
                extra={"messages": self.stats.messages, "documents": self.stats.documents},
            )
        return self.stats


@dataclass(slots=True)
class _Batch:
    messages: list[Message]
    pending: list[tuple[Message, Action]]
    to_ner: list[Record]
    """The batch's mentions handed to the NER worker (produced before the commit)."""
    first: Future[BulkOutcome] | None = None
    """The first write attempt, started on the writer thread by :meth:`IndexSink._send` (None before)."""


def cap_entity_updates(
    messages: list[Message], entities_topic: str, cap: int
) -> tuple[list[Message], dict[int, int]]:
    """Keep every message but the entity updates (``entities_topic``) after the first ``cap``; return
    the kept messages (in order) and, per partition of the updates left out, the offset of the first
    one (where to rewind). Per partition the kept updates are a prefix, so committing the kept ones
    never skips one left out."""
    kept: list[Message] = []
    rewind: dict[int, int] = {}
    updates = 0
    for msg in messages:
        if msg.topic() == entities_topic and not msg.error():
            partition, offset = msg.partition(), msg.offset()
            if partition is not None and offset is not None and (updates >= cap or partition in rewind):
                rewind.setdefault(partition, offset)
                continue
            updates += 1
        kept.append(msg)
    return kept, rewind


def consume_window(window_s: float, since_last_batch_s: float) -> float:
    """How long the next ``consume`` may wait for messages: what is left of ``window_s``
    (``Settings.index_batch_within_s``) since the previous batch's consume began, never below zero. A
    sink whose batches take longer than the window to handle thus takes what came meanwhile at once:
    a mention waits about one handling time, not a handling time plus a window."""
    return max(0.0, window_s - since_last_batch_s)


def entity_updates_wait(newest_age_s: float | None, wait_s: float, waiting: bool) -> bool:
    """Whether the sink has a backlog — then entity updates wait and the sink runs no NER itself — given
    the age of the newest mention of the last batch (``None``: the batch brought no mention). At least
    ``wait_s`` (``Settings.index_entities_wait_s``) means a backlog of mentions, and they go first (an
    entity update costs Elasticsearch a get and a re-index, NER costs ~0.5 ms of CPU per mention; named
    entities are secondary to fresh mentions, as the NER worker's idle priority already says); at most
    half of it, or no mention at all, means the sink keeps up. In between, nothing
    changes (hysteresis). The arrival rate plays no part: a sink that keeps up applies the updates."""
    if newest_age_s is None:
        return False
    if newest_age_s >= wait_s:
        return True
    if newest_age_s <= wait_s / 2:
        return False
    return waiting


def _attempt(msg: Message) -> int:
    for header in msg.headers() or []:
        name, value = header[0], header[1]
        if name == ATTEMPT_HEADER and value:
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
