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
from collections.abc import Callable

from pydantic import ValidationError

from ecoute.compacted import CompactedTopicReader
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
    """``config.queries`` followed in the background (see :mod:`ecoute.compacted`) into a
    :class:`QueryTable`."""

    def __init__(self, settings: Settings, table: QueryTable | None = None) -> None:
        self.table = table or QueryTable()
        self.topic = settings.topic(CONFIG_QUERIES.name)
        self.reader = CompactedTopicReader(settings, self.topic, self.table)

    def current(self) -> Matcher | None:
        """The matcher to use for the next batch (None while no query is defined)."""
        return self.table.match if len(self.table) else None

    def start(self) -> None:
        self.reader.start()

    def wait_caught_up(self, timeout_s: float) -> bool:
        return self.reader.wait_caught_up(timeout_s)

    def stop(self) -> None:
        self.reader.stop()


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
