"""Bluesky connector: the Jetstream websocket, ``wantedCollections=app.bsky.feed.post`` (and
``wantedDids`` when configured), resumed from the cursor's ``time_us`` minus ``rewind_s`` — Jetstream
replays from there, and the cursor's recent ids drop what was already produced.

Posts matching the terms are batched (``batch_size`` or ``batch_wait_s``); every event advances the
position, which is checkpointed with each batch (at least every 5 s when nothing matches). Unparseable
events go to the DLQ. With ``ctx.once`` the session ends once caught up (an event newer than the
connection time) or idle for 2 s. A dropped connection raises :class:`SourceError` (the runner
reconnects with backoff).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import urlencode

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from ecoute.net import UnsafeUrlError, check_url
from ingest.bluesky.parse import POST, TermFilter, event_to_mention
from ingest.items import Deleted
from ingest.page import ConnectorContext, Page, Reject, SourceError
from schemas.common import utc_now
from schemas.cursor import BlueskyPosition, SourceCursor
from schemas.mention import RawMention
from schemas.source import BlueskySourceConfig

POSITION_EVERY_S = 5.0
IDLE_ONCE_S = 2.0


def subscribe_url(source: BlueskySourceConfig, time_us: int | None) -> str:
    params: list[tuple[str, str]] = [("wantedCollections", POST)]
    params += [("wantedDids", did) for did in source.dids]
    if time_us is not None:
        params.append(("cursor", str(max(0, time_us - int(source.rewind_s * 1_000_000)))))
    return f"{source.jetstream_url}?{urlencode(params)}"


def check_ws_url(url: str, allow_private: bool) -> None:
    """SSRF guard for ws(s) URLs (checked as their http(s) equivalent). Raises ``UnsafeUrlError``."""
    if not url.startswith(("ws://", "wss://")):
        raise UnsafeUrlError("only ws and wss URLs are allowed for Jetstream")
    check_url("http" + url[2:], allow_private=allow_private)


class _Batch:
    def __init__(self, position: BlueskyPosition) -> None:
        self.position = position
        self.mentions: list[RawMention] = []
        self.rejects: list[Reject] = []
        self.fetched = self.deleted = 0
        self.first = 0.0
        self.last_yield = time.monotonic()

    def due(self, size: int, wait_s: float) -> bool:
        now = time.monotonic()
        if self.mentions or self.rejects:
            return len(self.mentions) >= size or now - self.first >= wait_s
        return self.fetched > 0 and now - self.last_yield >= POSITION_EVERY_S

    def take(self) -> Page:
        page = Page(self.mentions, self.position, self.rejects, fetched=self.fetched, deleted=self.deleted)
        self.mentions, self.rejects, self.fetched, self.deleted = [], [], 0, 0
        self.last_yield = time.monotonic()
        return page

    @property
    def pending(self) -> bool:
        return bool(self.mentions or self.rejects or self.fetched)


class BlueskyConnector:
    streaming = True

    def __init__(self, source: BlueskySourceConfig) -> None:
        self.source = source
        self.filter = TermFilter.of(source.terms)

    def describe(self) -> str:
        return self.source.jetstream_url

    def _handle(self, raw: str | bytes, batch: _Batch, limit: int) -> int | None:
        """Add one event to the batch; returns its ``time_us``."""
        try:
            event: Any = json.loads(raw)
            if not isinstance(event, dict):
                raise TypeError("event is not an object")
            time_us = event.get("time_us")
            mention = event_to_mention(
                event, source_id=self.source.id, fetched_at=utc_now(), max_text_chars=limit
            )
        except Deleted:
            batch.deleted += 1 if self.source.dids else 0
            batch.fetched += 1
            return None
        except (ValueError, KeyError, TypeError) as exc:
            payload = raw if isinstance(raw, bytes) else raw.encode()
            batch.rejects.append(Reject(f"{type(exc).__name__}: {exc}"[:1000], payload, "jetstream event"))
            batch.first = batch.first or time.monotonic()
            return None
        if isinstance(time_us, int):
            batch.position = BlueskyPosition(time_us=max(time_us, batch.position.time_us or 0))
        if mention is None:
            return time_us if isinstance(time_us, int) else None
        batch.fetched += 1
        if self.filter.empty or self.filter.matches(mention.text, mention.tags):
            if not batch.mentions:
                batch.first = time.monotonic()
            batch.mentions.append(mention)
        return time_us if isinstance(time_us, int) else None

    async def pages(self, ctx: ConnectorContext, cursor: SourceCursor) -> AsyncGenerator[Page, None]:
        position = cursor.position if isinstance(cursor.position, BlueskyPosition) else BlueskyPosition()
        url = subscribe_url(self.source, position.time_us)
        try:
            check_ws_url(url, ctx.allow_private)
        except UnsafeUrlError as exc:
            raise SourceError(f"refused URL: {exc}") from exc
        started_us = int(time.time() * 1_000_000)
        batch = _Batch(position)
        try:
            async with connect(url, user_agent_header=ctx.user_agent, open_timeout=15, max_size=2**21) as ws:
                idle_since = time.monotonic()
                while not ctx.stop.is_set():
                    try:
                        raw = await asyncio.wait_for(ws.recv(), timeout=0.25)
                    except TimeoutError:
                        raw = None
                    if raw is not None:
                        idle_since = time.monotonic()
                        time_us = self._handle(raw, batch, ctx.max_text_chars)
                        if ctx.once and time_us is not None and time_us >= started_us:
                            break
                    elif ctx.once and time.monotonic() - idle_since >= IDLE_ONCE_S:
                        break
                    if batch.due(self.source.batch_size, self.source.batch_wait_s):
                        yield batch.take()
        except ConnectionClosed as exc:
            if batch.pending:
                yield batch.take()
            raise SourceError(f"jetstream connection closed: {exc}") from exc
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
            raise SourceError(f"jetstream: {type(exc).__name__}: {exc}"[:500]) from exc
        if batch.pending:
            yield batch.take()
