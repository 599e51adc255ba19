"""Runs the configured feed sources in one asyncio process.

``run_once`` polls each source once and flushes (used by the demo and tests). ``run_forever`` polls each
source on its interval with jitter and exponential backoff on errors, until ``stop`` is set (SIGTERM):
then in-flight polls finish and everything queued is flushed before returning.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random

import httpx

from ecoute.kafka import DeadLetterProducer
from ecoute.settings import Settings
from ingest.feeds.connector import FeedState, PollReport, poll_feed
from ingest.producer import MentionProducer
from ingest.sources import FeedSourceConfig

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 3600.0


def http_client(settings: Settings) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.http_timeout_s),
        follow_redirects=True,
        max_redirects=5,
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
    )


class FeedIngestor:
    """Owns the producers, the HTTP client and per-feed state for a set of feed sources."""

    def __init__(
        self,
        settings: Settings,
        sources: tuple[FeedSourceConfig, ...],
        producer: MentionProducer | None = None,
        dead_letters: DeadLetterProducer | None = None,
    ) -> None:
        self.settings = settings
        self.sources = sources
        self.producer = producer or MentionProducer(settings)
        self.dead_letters = dead_letters or DeadLetterProducer(settings, "ingest")
        self.states = {s.id: FeedState() for s in sources}

    async def _poll(self, client: httpx.AsyncClient, source: FeedSourceConfig) -> PollReport:
        return await poll_feed(
            source,
            client=client,
            producer=self.producer,
            dead_letters=self.dead_letters,
            state=self.states[source.id],
            max_bytes=self.settings.max_feed_bytes,
            max_text_chars=self.settings.max_text_chars,
            allow_private=self.settings.allow_private_urls,
        )

    def _flush(self) -> int:
        delivered = self.producer.flush()
        self.dead_letters.flush()
        return delivered

    async def run_once(self) -> list[PollReport]:
        """Poll every source once, concurrently; flush; return the reports."""
        async with http_client(self.settings) as client:
            reports = await asyncio.gather(*(self._poll(client, s) for s in self.sources))
        await asyncio.to_thread(self._flush)
        return list(reports)

    def next_delay(self, source: FeedSourceConfig) -> float:
        """Interval with ±10 % jitter; doubled per consecutive error, capped at an hour."""
        errors = self.states[source.id].consecutive_errors
        base = min(source.interval_s * (2 ** min(errors, 10)), MAX_BACKOFF_S) if errors else source.interval_s
        return base * random.uniform(0.9, 1.1)

    async def run_forever(self, stop: asyncio.Event) -> None:
        async with http_client(self.settings) as client:

            async def loop(source: FeedSourceConfig) -> None:
                while not stop.is_set():
                    await self._poll(client, source)
                    await asyncio.to_thread(self._flush)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), timeout=self.next_delay(source))

            await asyncio.gather(*(loop(s) for s in self.sources))
        await asyncio.to_thread(self._flush)
        log.info("ingest stopped; everything queued was flushed")
