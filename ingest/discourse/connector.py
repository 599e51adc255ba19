"""Discourse connector: ``/posts.json`` (latest posts, newest first, ``before=<post id>`` to page back),
filtered to ``category_id`` when set; or ``/search.json?q=<search> order:latest&page=N``.

The cursor is the highest post id produced. Pages are walked back until posts at or below it (at most
``max_pages``); the position moves after the last page. The first poll takes the newest page only.
``Api-Key``/``Api-Username`` headers are sent when their variables are set (private forums).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from ingest.client import BadPayload
from ingest.credentials import secret
from ingest.discourse.parse import post_to_mention
from ingest.items import convert_all
from ingest.page import ConnectorContext, Page
from schemas.common import utc_now
from schemas.cursor import DiscoursePosition, SourceCursor
from schemas.source import DiscourseSourceConfig


class DiscourseConnector:
    streaming = False

    def __init__(self, source: DiscourseSourceConfig) -> None:
        self.source = source
        self.base = source.base_url.rstrip("/")

    def describe(self) -> str:
        return self.base

    def _headers(self) -> dict[str, str]:
        key, user = secret(self.source.api_key_env), secret(self.source.api_username_env)
        return {"Api-Key": key, "Api-Username": user} if key and user else {}

    async def _fetch(
        self, ctx: ConnectorContext, number: int, before: int | None
    ) -> tuple[list[Any], dict[int, Any], bool]:
        """(posts, topics by id, more pages?) of page ``number``."""
        if self.source.search:
            params: dict[str, str | int] = {"q": f"{self.source.search} order:latest", "page": number + 1}
            data, result = await ctx.http.get_json(
                f"{self.base}/search.json", params=params, headers=self._headers()
            )
            posts = data.get("posts") if isinstance(data, dict) else None
            if not isinstance(posts, list):
                raise BadPayload(f"no posts in {result.url}", result.url, result.content)
            topics = {
                t["id"]: t
                for t in data.get("topics") or []
                if isinstance(t, dict) and isinstance(t.get("id"), int)
            }
            more = bool((data.get("grouped_search_result") or {}).get("more_full_page_results"))
            return posts, topics, more
        params = {"before": before} if before else {}
        data, result = await ctx.http.get_json(
            f"{self.base}/posts.json", params=params, headers=self._headers()
        )
        posts = data.get("latest_posts") if isinstance(data, dict) else None
        if not isinstance(posts, list):
            raise BadPayload(f"no latest_posts in {result.url}", result.url, result.content)
        return posts, {}, bool(posts)

    async def pages(self, ctx: ConnectorContext, cursor: SourceCursor) -> AsyncGenerator[Page, None]:
        position = cursor.position if isinstance(cursor.position, DiscoursePosition) else DiscoursePosition()
        since, newest, before = position.last_post_id, position.last_post_id, None
        pages = 1 if since is None else self.source.max_pages
        for number in range(pages):
            posts, topics, more = await self._fetch(ctx, number, before)
            ids = [p["id"] for p in posts if isinstance(p, dict) and isinstance(p.get("id"), int)]
            newest = max([*ids, *([newest] if newest is not None else [])], default=None)
            fresh = [p for p in posts if not isinstance(p, dict) or since is None or p.get("id", 0) > since]
            if self.source.category_id is not None and not self.source.search:
                fresh = [
                    p
                    for p in fresh
                    if isinstance(p, dict) and p.get("category_id") == self.source.category_id
                ]
            before = min(ids) if ids else None
            done = not more or not ids or (since is not None and min(ids) <= since) or number + 1 == pages
            final = DiscoursePosition(last_post_id=newest) if done and newest is not None else None
            page = self._page(fresh, topics, final, ctx.max_text_chars)
            page.fetched = len(posts)
            yield page
            if done:
                return

    def _page(
        self, posts: list[Any], topics: dict[int, Any], position: DiscoursePosition | None, limit: int
    ) -> Page:
        now = utc_now()
        mentions, rejects, deleted = convert_all(
            posts,
            lambda p: post_to_mention(
                p,
                base_url=self.base,
                source_id=self.source.id,
                fetched_at=now,
                max_text_chars=limit,
                topic=topics.get(p.get("topic_id")),
            ),
            lambda p, i: f"{self.base} post {p.get('id') if isinstance(p, dict) else i}",
        )
        return Page(mentions, position, rejects, fetched=len(posts), deleted=deleted)
