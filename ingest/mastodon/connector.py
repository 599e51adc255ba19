"""Mastodon connector: REST timelines with ``min_id`` cursors, then (optionally) the streaming API.

Poll: for each timeline (``tag:<name>``, ``public``, ``local``), GET ``/api/v1/timelines/…?min_id=<last
produced id>&limit=N`` — the statuses right after the cursor — and follow the ``Link: rel="prev"`` page
(newer statuses) while pages are full, up to ``max_pages``; every page advances that timeline's cursor.
The first poll of a timeline takes only its newest page (no backfill). An access token is sent when
``access_token_env`` names a set environment variable.

With ``streaming``, after catching up over REST the connector follows the server-sent events of
``/api/v1/streaming/…`` (``update``, ``status.update`` = edit, ``delete``), in batches; when the instance
refuses streaming (401/403/404/410/…) it falls back to polling on the source's interval. Statuses that
federate late with an id older than the cursor are not seen by REST polling (a Mastodon limitation).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import quote

from ingest.client import BadPayload
from ingest.credentials import bearer_headers
from ingest.items import convert_all
from ingest.links import parse_link_header
from ingest.mastodon.parse import status_id_key, status_to_mention
from ingest.page import ConnectorContext, Page
from ingest.politeness import host_of
from schemas.common import utc_now
from schemas.cursor import MastodonPosition, SourceCursor
from schemas.mention import RawMention
from schemas.source import MastodonSourceConfig

log = logging.getLogger(__name__)


def timelines(source: MastodonSourceConfig) -> list[tuple[str, str, dict[str, str]]]:
    """(cursor key, REST path, extra params) of each timeline the source follows."""
    out: list[tuple[str, str, dict[str, str]]] = [
        (f"tag:{tag}", f"/api/v1/timelines/tag/{quote(tag, safe='')}", {}) for tag in source.hashtags
    ]
    if source.timeline == "public":
        out.append(("public", "/api/v1/timelines/public", {}))
    elif source.timeline == "local":
        out.append(("local", "/api/v1/timelines/public", {"local": "true"}))
    return out


def newest_id(ids: list[str], current: str | None) -> str | None:
    candidates = [i for i in ids if i] + ([current] if current else [])
    return max(candidates, key=status_id_key) if candidates else None


class MastodonConnector:
    def __init__(self, source: MastodonSourceConfig) -> None:
        self.source = source
        self.instance = source.instance.rstrip("/")
        self.streaming = source.streaming

    def describe(self) -> str:
        return self.instance

    def to_mention(self, status: Any, limit: int) -> RawMention:
        if not isinstance(status, dict):
            raise TypeError("a status must be a JSON object")
        return status_to_mention(
            status,
            source_id=self.source.id,
            instance=self.instance,
            fetched_at=utc_now(),
            max_text_chars=limit,
        )

    def page_of(self, statuses: list[Any], position: MastodonPosition, limit: int) -> Page:
        mentions, rejects, deleted = convert_all(
            statuses,
            lambda s: self.to_mention(s, limit),
            lambda s, i: f"{self.instance} status {s.get('id') if isinstance(s, dict) else i}",
        )
        return Page(mentions, position, rejects, fetched=len(statuses), deleted=deleted)

    async def _timeline(
        self, ctx: ConnectorContext, key: str, path: str, extra: dict[str, str], position: MastodonPosition
    ) -> AsyncGenerator[Page, None]:
        headers = bearer_headers(self.source.access_token_env)
        min_id = position.min_ids.get(key)
        url: str = f"{self.instance}{path}"
        params: dict[str, str | int] | None = {"limit": self.source.page_size, **extra}
        if min_id and params is not None:
            params["min_id"] = min_id
        for _ in range(self.source.max_pages):
            data, result = await ctx.http.get_json(url, params=params, headers=headers)
            if not isinstance(data, list):
                raise BadPayload(f"expected a list of statuses from {result.url}", result.url, result.content)
            ids = [str(s.get("id")) for s in data if isinstance(s, dict) and s.get("id")]
            newest = newest_id(ids, position.min_ids.get(key))
            if newest is not None:
                position = MastodonPosition(min_ids={**position.min_ids, key: newest})
            yield self.page_of(data, position, ctx.max_text_chars)
            if min_id is None or len(data) < self.source.page_size or newest is None:
                return
            prev = parse_link_header(result.headers.get("link")).get("prev")
            if prev and host_of(prev) == host_of(self.instance):
                url, params = prev, None
            elif params is not None:
                params["min_id"] = newest
            else:
                return

    async def poll_rest(self, ctx: ConnectorContext, cursor: SourceCursor) -> AsyncGenerator[Page, None]:
        position = cursor.position if isinstance(cursor.position, MastodonPosition) else MastodonPosition()
        for key, path, extra in timelines(self.source):
            async for page in self._timeline(ctx, key, path, extra, position):
                if isinstance(page.position, MastodonPosition):
                    position = page.position
                yield page

    async def pages(self, ctx: ConnectorContext, cursor: SourceCursor) -> AsyncGenerator[Page, None]:
        position = cursor.position if isinstance(cursor.position, MastodonPosition) else MastodonPosition()
        async for page in self.poll_rest(ctx, cursor):
            if isinstance(page.position, MastodonPosition):
                position = page.position
            yield page
        if not self.streaming or ctx.once or ctx.stop.is_set():
            return
        from ingest.mastodon.stream import StreamRefused, stream_pages

        try:
            async for page in stream_pages(self, ctx, position):
                yield page
        except StreamRefused as exc:
            log.warning(
                "streaming refused, polling instead: %s",
                exc,
                extra={"source": self.source.id, "url": self.instance},
            )
            self.streaming = False
