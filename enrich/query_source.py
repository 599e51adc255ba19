"""The tenants' queries as a live in-memory table, read from the compacted ``config.queries`` topic.

Every enrichment worker needs every query, so this reader is not part of a consumer group: it assigns
all partitions of the topic from the beginning (like a Faust global table), replays the compacted
history, then follows new records. A record ``tenant:id → QueryDefinition`` adds or replaces a query, a
tombstone removes it; a definition that does not parse is logged with the key and position and removed.
Changes apply to the next mention matched, without restart.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, TopicPartition
from pydantic import ValidationError

from ecoute.query import QueryIndex, QuerySyntaxError, compile_query, parse
from ecoute.settings import Settings
from enrich.matching import match_mention
from enrich.pipeline import Matcher
from schemas.config import QueryDefinition
from schemas.mention import QueryMatch, RawMention
from schemas.topics import CONFIG_QUERIES

log = logging.getLogger(__name__)


class QueryTable:
    """Queries by (tenant, id), compiled into one :class:`QueryIndex`; safe to use from two threads."""

    def __init__(self) -> None:
        self.index = QueryIndex()
        self._lock = threading.Lock()
        self.version = 0

    def apply(self, key: bytes | None, value: bytes | None, *, where: str = "") -> None:
        """Apply one changelog record (``value`` None = delete). Never raises on bad records."""
        key_text = (key or b"").decode("utf-8", "replace")
        tenant, _, query_id = key_text.partition(":")
        if value is None:
            with self._lock:
                self.index.remove(tenant, query_id)
                self.version += 1
            return
        try:
            definition = QueryDefinition.model_validate_json(value)
            compiled = compile_query(definition.id, definition.tenant, parse(definition.query))
        except (ValidationError, QuerySyntaxError) as exc:
            log.warning("ignoring invalid query definition: %s", exc, extra={"key": key_text, "at": where})
            with self._lock:
                self.index.remove(tenant, query_id)
                self.version += 1
            return
        with self._lock:
            self.index.remove(tenant, query_id)
            self.index.add(compiled)
            self.version += 1

    def __len__(self) -> int:
        return len(self.index)

    def match(self, mention: RawMention, lang: str) -> list[QueryMatch]:
        with self._lock:
            return match_mention(self.index, mention, lang)


class LiveQueries:
    """Background reader of ``config.queries`` feeding a :class:`QueryTable`."""

    def __init__(self, settings: Settings, table: QueryTable | None = None) -> None:
        self.settings = settings
        self.topic = settings.topic(CONFIG_QUERIES.name)
        self.table = table or QueryTable()
        self._stop = threading.Event()
        self._caught_up = threading.Event()
        self._thread: threading.Thread | None = None

    def current(self) -> Matcher | None:
        """The matcher to use for the next batch (None while no query is defined)."""
        return self.table.match if len(self.table) else None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="config.queries", daemon=True)
        self._thread.start()

    def wait_caught_up(self, timeout_s: float) -> bool:
        """Block until the history present at start-up has been applied (or timeout)."""
        return self._caught_up.wait(timeout_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(10)

    def _run(self) -> None:
        consumer = Consumer(
            {
                "bootstrap.servers": self.settings.effective_kafka_bootstrap,
                "group.id": f"unused-{uuid.uuid4().hex}",  # required by the client; we never commit
                "enable.auto.commit": False,
                "enable.partition.eof": True,
            }
        )
        try:
            meta = consumer.list_topics(self.topic, timeout=30)
            partitions = list(meta.topics[self.topic].partitions) if self.topic in meta.topics else []
            if not partitions:
                log.warning("topic missing: no queries yet", extra={"topic": self.topic})
                self._caught_up.set()
                return
            consumer.assign([TopicPartition(self.topic, p, OFFSET_BEGINNING) for p in partitions])
            at_end: set[int] = set()
            while not self._stop.is_set():
                msg = consumer.poll(0.5)
                if msg is None:
                    continue
                err = msg.error()
                if err is not None:
                    if err.code() == KafkaError._PARTITION_EOF:
                        at_end.add(msg.partition() or 0)
                        if len(at_end) == len(partitions) and not self._caught_up.is_set():
                            self._caught_up.set()
                            log.info(
                                "queries loaded", extra={"topic": self.topic, "queries": len(self.table)}
                            )
                    continue
                self.table.apply(
                    msg.key(), msg.value(), where=f"{msg.topic()}/{msg.partition()}@{msg.offset()}"
                )
        finally:
            consumer.close()


def live_matcher(settings: Settings, wait_s: float = 30.0) -> LiveQueries:
    """Start following ``config.queries`` and wait (bounded) until the existing queries are loaded."""
    live = LiveQueries(settings)
    live.start()
    started = time.monotonic()
    if not live.wait_caught_up(wait_s):
        log.warning(
            "queries not fully loaded yet; matching starts with what is there",
            extra={"topic": live.topic, "waited_s": round(time.monotonic() - started, 1)},
        )
    return live


MatcherProvider = Callable[[], Matcher | None]
