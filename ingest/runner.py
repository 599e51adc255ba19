"""Runs configured sources in one asyncio process.

``run_once`` polls each source once (streams: catch up, then stop) and returns a :class:`PollReport`
per source (used by the demo and tests). ``run_forever`` polls each source on its interval with jitter
and exponential backoff on errors (streams stay connected and reconnect), until ``stop`` is set
(SIGTERM): the page in flight is committed, cursors are written, producers flushed, then it returns.
With ``reload``, the source list is re-read periodically (file + ``config.sources``) and connectors are
started, restarted or stopped to match.

A source's problems never stop the others: failed polls are logged with the source, counted in the
metrics and the cursor (``last_error``), and retried later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import httpx

from ecoute.kafka import DeadLetterProducer
from ecoute.settings import Settings
from ingest.checkpoint import Checkpointer
from ingest.client import BadPayload, HttpSession, http_client
from ingest.connectors import make_connector
from ingest.cursor_store import CursorStore, MemoryCursorStore
from ingest.metrics import IngestMetrics
from ingest.page import Connector, ConnectorContext, Page, SourceError
from ingest.politeness import Deferred, HostGate, Stopping
from ingest.producer import MentionProducer
from ingest.progress import PageOutcome, after_poll, new_cursor
from ingest.robots import RobotsCache
from ingest.schedule import next_delay
from schemas.common import utc_now
from schemas.cursor import SourceCursor
from schemas.source import SourceConfig

log = logging.getLogger(__name__)
SourceLoader = Callable[[], Awaitable[Sequence[SourceConfig]]]


@dataclass(slots=True)
class PollReport:
    source_id: str
    url: str
    items: int = 0
    produced: int = 0
    new: int = 0
    edited: int = 0
    duplicates: int = 0
    deleted: int = 0
    rejected: int = 0
    pages: int = 0
    not_modified: bool = False
    error: str | None = None
    problem: str | None = None
    retry_after_s: float | None = None
    mention_ids: list[str] = field(default_factory=list)

    def add(self, page: Page, outcome: PageOutcome) -> None:
        self.pages += 1
        self.items += outcome.fetched
        self.produced += len(outcome.produced_ids)
        self.new += outcome.new
        self.edited += outcome.edited
        self.duplicates += outcome.duplicates
        self.deleted += outcome.deleted
        self.rejected += outcome.rejected
        self.not_modified = self.not_modified or page.not_modified
        self.problem = self.problem or page.problem
        self.mention_ids.extend(outcome.mention_ids)


class Ingestor:
    """Owns the producers, the HTTP session, cursors and metrics for a set of sources."""

    def __init__(
        self,
        settings: Settings,
        sources: Sequence[SourceConfig],
        producer: MentionProducer | None = None,
        dead_letters: DeadLetterProducer | None = None,
        *,
        store: CursorStore | None = None,
        metrics: IngestMetrics | None = None,
        gate: HostGate | None = None,
        backoff_base_s: float = 1.0,
    ) -> None:
        self.settings = settings
        self.sources = tuple(sources)
        self.producer = producer or MentionProducer(settings)
        self.dead_letters = dead_letters or DeadLetterProducer(settings, "ingest")
        self.store: CursorStore = store or MemoryCursorStore()
        self.metrics = metrics or IngestMetrics()
        self.gate = gate or HostGate()
        self.robots = RobotsCache(settings.user_agent)
        self.backoff_base_s = backoff_base_s
        self.cursors: dict[str, SourceCursor] = {}
        self.checkpointer = Checkpointer(self.producer, self.dead_letters, self.store, self._remember_cursor)
        self.errors_in_a_row: dict[str, int] = {}
        self._connectors: dict[str, tuple[SourceConfig, Connector]] = {}

    def _remember_cursor(self, cursor: SourceCursor) -> None:
        self.cursors[cursor.source_id] = cursor

    def connector_for(self, source: SourceConfig) -> Connector:
        """The source's connector, kept across polls (it may learn, e.g. that streaming is refused)."""
        known = self._connectors.get(source.id)
        if known is None or known[0] != source:
            known = (source, make_connector(source))
            self._connectors[source.id] = known
        return known[1]

    async def load_cursors(self, sources: Sequence[SourceConfig]) -> None:
        missing = [s.id for s in sources if s.id not in self.cursors]
        if missing:
            self.cursors.update(await self.store.load(missing))

    def _context(self, http: HttpSession, stop: asyncio.Event, once: bool) -> ConnectorContext:
        return ConnectorContext(
            http=http,
            robots=self.robots,
            stop=stop,
            max_text_chars=self.settings.max_text_chars,
            allow_private=self.settings.allow_private_urls,
            user_agent=self.settings.user_agent,
            once=once,
        )

    async def poll(self, ctx: ConnectorContext, source: SourceConfig) -> PollReport:
        """One poll (or stream session) of ``source``: pages committed one by one. Never raises."""
        connector = self.connector_for(source)
        report = PollReport(source.id, connector.describe())
        cursor = self.cursors.get(source.id) or new_cursor(source, utc_now())
        if cursor.pending is not None:  # a page whose delivery failed earlier in this process
            cursor = await self.store.reconcile(cursor)
            self.cursors[source.id] = cursor
        pages = connector.pages(ctx, cursor)
        try:
            async for page in pages:
                cursor, outcome = await self.checkpointer.commit(source, cursor, page)
                report.add(page, outcome)
                if page.problem:
                    log.warning(
                        "ill-formed document, kept what could be parsed: %s",
                        page.problem,
                        extra={"source": source.id, "url": report.url, "items": outcome.fetched},
                    )
                self.metrics.page(source.id, source.kind, outcome)
                if ctx.stop.is_set():
                    break
        except Stopping:
            pass
        except Deferred as exc:
            report.error, report.retry_after_s = str(exc), exc.wait_s
        except SourceError as exc:
            report.error, report.retry_after_s = exc.reason, exc.retry_after_s
            if isinstance(exc, BadPayload):
                self.dead_letters.send(
                    reason=exc.reason,
                    error="BadPayload",
                    key=source.id,
                    value=exc.content,
                    source=f"{source.id} {exc.url}",
                )
                await asyncio.to_thread(self.dead_letters.flush)
        except Exception as exc:  # a connector bug or Kafka trouble must not stop the other sources
            log.exception("poll failed", extra={"source": source.id})
            report.error = f"{type(exc).__name__}: {exc}"[:2000]
        finally:
            await pages.aclose()
        await self._end_poll(source, self.cursors.get(source.id, cursor), report)
        return report

    async def _end_poll(self, source: SourceConfig, cursor: SourceCursor, report: PollReport) -> None:
        if report.error:
            self.errors_in_a_row[source.id] = self.errors_in_a_row.get(source.id, 0) + 1
            log.warning(
                "poll failed: %s",
                report.error,
                extra={
                    "source": source.id,
                    "url": report.url,
                    "errors_in_a_row": self.errors_in_a_row[source.id],
                },
            )
        else:
            self.errors_in_a_row[source.id] = 0
            log.info(
                "polled",
                extra={
                    "source": source.id,
                    "items": report.items,
                    "produced": report.produced,
                    "pages": report.pages,
                },
            )
        self.metrics.poll(source.id, source.kind, report.error, time.time())
        cursor = after_poll(cursor, report.error, utc_now())
        self.cursors[source.id] = cursor
        try:
            await self.store.write(cursor)
        except Exception:
            log.exception("cursor not written", extra={"source": source.id})

    def next_delay(self, source: SourceConfig, report: PollReport | None = None) -> float:
        streaming = self.connector_for(source).streaming
        errors = self.errors_in_a_row.get(source.id, 0)
        return next_delay(
            source.interval_s, errors, report.retry_after_s if report else None, streaming=streaming
        )

    def _session(self, client: httpx.AsyncClient, stop: asyncio.Event) -> HttpSession:
        return HttpSession(
            client,
            self.gate,
            allow_private=self.settings.allow_private_urls,
            max_bytes=self.settings.max_feed_bytes,
            backoff_base_s=self.backoff_base_s,
            stop=stop,
        )

    async def run_once(self) -> list[PollReport]:
        """Poll every source once, concurrently; return the reports (everything is flushed)."""
        stop = asyncio.Event()
        await self.load_cursors(self.sources)
        async with http_client(self.settings) as client:
            ctx = self._context(self._session(client, stop), stop, once=True)
            reports = await asyncio.gather(*(self.poll(ctx, s) for s in self.sources))
        await asyncio.to_thread(self._flush)
        return list(reports)

    def _flush(self) -> None:
        self.producer.flush()
        self.dead_letters.flush()

    async def _loop(self, ctx: ConnectorContext, source: SourceConfig) -> None:
        while not ctx.stop.is_set():
            report = await self.poll(ctx, source)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(ctx.stop.wait(), timeout=self.next_delay(source, report))

    async def run_forever(
        self, stop: asyncio.Event, reload: SourceLoader | None = None, reload_every_s: float = 60.0
    ) -> None:
        """Run until ``stop``; with ``reload``, follow changes of the source list."""
        from ingest.supervisor import Supervisor

        async with http_client(self.settings) as client:
            http = self._session(client, stop)
            supervisor = Supervisor(
                lambda source_stop: self._context(http, source_stop, once=False), self._start
            )
            await supervisor.apply(self.sources)
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=reload_every_s if reload else None)
                if reload is not None and not stop.is_set():
                    try:
                        await supervisor.apply(await reload())
                    except Exception:
                        log.exception("could not reload the sources; keeping the current ones")
            await supervisor.stop_all()
        await asyncio.to_thread(self._flush)
        log.info("ingest stopped; everything queued was flushed and cursors written")

    async def _start(self, ctx: ConnectorContext, source: SourceConfig) -> None:
        await self.load_cursors([source])
        await self._loop(ctx, source)


FeedIngestor = Ingestor
"""Historical name (the first version only polled feeds)."""
