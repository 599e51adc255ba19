"""Hacker News connector: Algolia ``search_by_date`` per term, newest first, resumed from the newest
``created_at_i`` already produced (``numericFilters=created_at_i>=T``; items of second T already produced
are recognised by the cursor's recent ids). Pages are walked back until the cursor (at most
``max_pages``); the position moves only after the last page, so a crash re-reads, never skips. The
first poll of a term takes its newest page only.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import Any

from ingest.client import BadPayload
from ingest.hackernews.parse import hit_to_mention
from ingest.items import convert_all
from ingest.page import ConnectorContext, Page
from schemas.common import utc_now
from schemas.cursor import HackerNewsPosition, SourceCursor
from schemas.source import HackerNewsSourceConfig

log = logging.getLogger(__name__)


class HackerNewsConnector:
    streaming = False

    def __init__(self, source: HackerNewsSourceConfig) -> None:
        self.source = source
        self.api = source.api_url.rstrip("/")

    def describe(self) -> str:
        return f"{self.api}/search_by_date"

    async def _term(
        self, ctx: ConnectorContext, term: str, position: HackerNewsPosition
    ) -> AsyncGenerator[Page, None]:
        since = position.newest.get(term)
        newest = since
        params: dict[str, str | int] = {
            "query": term,
            "tags": "(" + ",".join(self.source.tags) + ")",
            "hitsPerPage": self.source.page_size,
        }
        if since is not None:
            params["numericFilters"] = f"created_at_i>={since}"
        pages = 1 if since is None else self.source.max_pages
        for number in range(pages):
            data, result = await ctx.http.get_json(self.describe(), params={**params, "page": number})
            hits = data.get("hits") if isinstance(data, dict) else None
            if not isinstance(hits, list):
                raise BadPayload(f"no hits list in {result.url}", result.url, result.content)
            times = [
                h["created_at_i"]
                for h in hits
                if isinstance(h, dict) and isinstance(h.get("created_at_i"), int)
            ]
            newest = max([*times, *([newest] if newest is not None else [])], default=None)
            last = number + 1 >= int(data.get("nbPages") or 0) or len(hits) < self.source.page_size
            if not last and number + 1 == pages and since is not None:
                log.warning(
                    "more matches than max_pages; older ones skipped", extra={"source": self.source.id}
                )
            done = last or number + 1 == pages
            final = (
                HackerNewsPosition(newest={**position.newest, term: newest}) if newest is not None else None
            )
            yield self._page(hits, final if done else None, ctx.max_text_chars)
            if done:
                return

    def _page(self, hits: list[Any], position: HackerNewsPosition | None, limit: int) -> Page:
        now = utc_now()
        mentions, rejects, deleted = convert_all(
            hits,
            lambda h: hit_to_mention(h, source_id=self.source.id, fetched_at=now, max_text_chars=limit),
            lambda h, i: f"{self.api} hit {h.get('objectID') if isinstance(h, dict) else i}",
        )
        return Page(mentions, position, rejects, fetched=len(hits), deleted=deleted)

    async def pages(self, ctx: ConnectorContext, cursor: SourceCursor) -> AsyncGenerator[Page, None]:
        position = (
            cursor.position if isinstance(cursor.position, HackerNewsPosition) else HackerNewsPosition()
        )
        for term in self.source.terms:
            async for page in self._term(ctx, term, position):
                if isinstance(page.position, HackerNewsPosition):
                    position = page.position
                yield page
