"""Mastodon streaming API over server-sent events, batched into pages.

One SSE connection per timeline (``/api/v1/streaming/hashtag?tag=…``, ``/public``, ``/public/local``) on
the instance (or ``streaming_url``). ``update`` and ``status.update`` (an edit) events carry a status;
``delete`` events are counted. Events are grouped into pages of up to 100 statuses or one second, and
each page advances the timeline's ``min_id`` so a reconnection's REST catch-up starts after it. A
refusal (401/403/404/410/422/501) raises :class:`StreamRefused`; a dropped connection ends the session
with :class:`SourceError` (the runner reconnects).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import httpx

from ecoute.net import UnsafeUrlError, check_url
from ingest.credentials import bearer_headers
from ingest.page import ConnectorContext, Page, Reject, SourceError
from ingest.politeness import host_of
from ingest.sse import SseEvent, SseParser
from schemas.cursor import MastodonPosition

if TYPE_CHECKING:
    from ingest.mastodon.connector import MastodonConnector

REFUSED = frozenset({401, 403, 404, 410, 422, 501})
BATCH_MAX = 100
BATCH_WAIT_S = 1.0


class StreamRefused(Exception):
    """The instance does not allow (anonymous) streaming."""


def stream_urls(connector: MastodonConnector) -> list[tuple[str, str]]:
    base = (connector.source.streaming_url or connector.instance).rstrip("/")
    out = [
        (f"tag:{t}", f"{base}/api/v1/streaming/hashtag?tag={quote(t, safe='')}")
        for t in connector.source.hashtags
    ]
    if connector.source.timeline == "public":
        out.append(("public", f"{base}/api/v1/streaming/public"))
    elif connector.source.timeline == "local":
        out.append(("local", f"{base}/api/v1/streaming/public/local"))
    return out


async def _follow(
    ctx: ConnectorContext, key: str, url: str, headers: dict[str, str], queue: asyncio.Queue[Any]
) -> None:
    try:
        check_url(url, allow_private=ctx.allow_private)
        async with ctx.http.gate.slot(host_of(url), ctx.stop):
            pass  # respect any wait the host asked for before (re)connecting
        timeout = httpx.Timeout(15.0, read=120.0)
        request_headers = {"Accept": "text/event-stream", **headers}
        async with ctx.http.client.stream("GET", url, headers=request_headers, timeout=timeout) as resp:
            check_url(str(resp.url), allow_private=ctx.allow_private)
            if resp.status_code in REFUSED:
                raise StreamRefused(f"HTTP {resp.status_code} from {url}")
            if resp.status_code >= 400:
                raise SourceError(f"HTTP {resp.status_code} from {url}")
            parser = SseParser()
            async for line in resp.aiter_lines():
                event = parser.feed_line(line)
                if event is not None:
                    await queue.put((key, event))
        raise SourceError(f"stream closed by {url}")
    except UnsafeUrlError as exc:
        await queue.put(SourceError(f"refused URL: {exc}"))
    except httpx.HTTPError as exc:
        await queue.put(SourceError(f"stream {url}: {type(exc).__name__}: {exc}"[:500]))
    except (SourceError, StreamRefused) as exc:
        await queue.put(exc)


class _Batch:
    def __init__(self, connector: MastodonConnector, position: MastodonPosition, limit: int) -> None:
        self.connector, self.position, self.limit = connector, position, limit
        self.statuses: list[Any] = []
        self.keys: list[str] = []
        self.rejects: list[Reject] = []
        self.deleted = 0
        self.started = 0.0

    def add(self, key: str, event: SseEvent) -> None:
        if not self.statuses and not self.deleted and not self.rejects:
            self.started = time.monotonic()
        if event.event == "delete":
            self.deleted += 1
        elif event.event in ("update", "status.update"):
            try:
                self.statuses.append(json.loads(event.data))
                self.keys.append(key)
            except ValueError as exc:
                self.rejects.append(
                    Reject(f"invalid JSON in {event.event} event: {exc}", event.data.encode(), key)
                )

    def due(self) -> bool:
        pending = len(self.statuses) + self.deleted + len(self.rejects)
        return pending > 0 and (
            len(self.statuses) >= BATCH_MAX or time.monotonic() - self.started >= BATCH_WAIT_S
        )

    def take(self) -> Page:
        from ingest.mastodon.connector import newest_id

        min_ids = dict(self.position.min_ids)
        for key, status in zip(self.keys, self.statuses, strict=True):
            if isinstance(status, dict) and status.get("id"):
                min_ids[key] = newest_id([str(status["id"])], min_ids.get(key)) or min_ids.get(key, "")
        self.position = MastodonPosition(min_ids={k: v for k, v in min_ids.items() if v})
        page = self.connector.page_of(self.statuses, self.position, self.limit)
        page.rejects.extend(self.rejects)
        page.deleted += self.deleted
        page.fetched += self.deleted + len(self.rejects)
        self.statuses, self.keys, self.rejects, self.deleted = [], [], [], 0
        return page


async def stream_pages(
    connector: MastodonConnector, ctx: ConnectorContext, position: MastodonPosition
) -> AsyncGenerator[Page, None]:
    """Pages of streamed statuses until ``ctx.stop``; raises when a stream fails or is refused."""
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=10_000)
    headers = bearer_headers(connector.source.access_token_env)
    tasks = [
        asyncio.create_task(_follow(ctx, key, url, headers, queue)) for key, url in stream_urls(connector)
    ]
    batch = _Batch(connector, position, ctx.max_text_chars)
    try:
        while not ctx.stop.is_set():
            item: Any = None
            with contextlib.suppress(TimeoutError):
                item = await asyncio.wait_for(queue.get(), timeout=0.25)
            if isinstance(item, BaseException):
                if batch.statuses or batch.deleted or batch.rejects:
                    yield batch.take()
                raise item
            if item is not None:
                batch.add(*item)
            if batch.due():
                yield batch.take()
        if batch.statuses or batch.deleted or batch.rejects:
            yield batch.take()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
