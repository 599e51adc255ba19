"""Reddit connector: ``/r/<sub>/new``, ``/r/<sub>/comments`` and/or search (``sort=new``) listings.

Listings are newest first and their ``before`` cursor breaks when the item it names is deleted, so the
connector walks back from the newest page (``after=``) until it reaches items older than the newest
``created_utc`` already produced minus ``overlap_s`` (late/edited items), at most ``max_pages``; the
cursor's recent ids make the overlap produce nothing twice. The position moves after the last page.
The first poll of a listing takes its newest page only. ``X-Ratelimit-Remaining``/``Reset`` are obeyed
by the shared HTTP session; with OAuth credentials, ``oauth_base_url`` is used with a bearer token.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from ingest.client import BadPayload
from ingest.items import convert_all
from ingest.page import ConnectorContext, Page
from ingest.reddit.oauth import RedditAuth
from ingest.reddit.parse import child_to_mention
from schemas.common import utc_now
from schemas.cursor import RedditPosition, SourceCursor
from schemas.source import RedditSourceConfig


def listings(source: RedditSourceConfig, base: str) -> list[tuple[str, str, dict[str, str]]]:
    """(cursor key, URL, extra params) of each listing the source follows."""
    out: list[tuple[str, str, dict[str, str]]] = []
    sub = source.subreddit
    if sub and not source.search:
        out.append((f"r/{sub}/new", f"{base}/r/{sub}/new.json", {}))
        if source.comments:
            out.append((f"r/{sub}/comments", f"{base}/r/{sub}/comments.json", {}))
    if source.search:
        where = f"{base}/r/{sub}/search.json" if sub else f"{base}/search.json"
        extra = {"q": source.search, "sort": "new", **({"restrict_sr": "1"} if sub else {})}
        out.append(("search", where, extra))
    return out


class RedditConnector:
    streaming = False

    def __init__(self, source: RedditSourceConfig) -> None:
        self.source = source
        self.auth = RedditAuth(source)

    def describe(self) -> str:
        return self.source.base_url

    def _page(self, children: list[Any], position: RedditPosition | None, limit: int) -> Page:
        now = utc_now()
        mentions, rejects, deleted = convert_all(
            children,
            lambda c: child_to_mention(c, source_id=self.source.id, fetched_at=now, max_text_chars=limit),
            lambda c, i: f"reddit {c.get('data', {}).get('name') if isinstance(c, dict) else i}",
        )
        return Page(mentions, position, rejects, fetched=len(children), deleted=deleted)

    async def _listing(
        self, ctx: ConnectorContext, key: str, url: str, extra: dict[str, str], position: RedditPosition
    ) -> AsyncGenerator[Page, None]:
        since = position.newest_utc.get(key)
        floor = None if since is None else since - self.source.overlap_s
        newest = since
        after: str | None = None
        pages = 1 if since is None else self.source.max_pages
        for number in range(pages):
            headers = await self.auth.headers(ctx.http.client, ctx.allow_private)
            params: dict[str, str | int] = {"limit": self.source.page_size, "raw_json": 1, **extra}
            if after:
                params["after"] = after
            data, result = await ctx.http.get_json(url, params=params, headers=headers)
            body = data.get("data") if isinstance(data, dict) else None
            children = body.get("children") if isinstance(body, dict) else None
            if not isinstance(children, list) or not isinstance(body, dict):
                raise BadPayload(f"not a listing: {result.url}", result.url, result.content)
            times = [
                t for c in children if isinstance(t := (c.get("data") or {}).get("created_utc"), int | float)
            ]
            newest = max([*times, *([newest] if newest is not None else [])], default=None)
            reached = floor is not None and any(t <= floor for t in times)
            recent = [
                c for c in children if floor is None or (c.get("data") or {}).get("created_utc", 0) > floor
            ]
            after = body.get("after")
            done = reached or not after or number + 1 == pages
            final = RedditPosition(newest_utc={**position.newest_utc, key: float(newest)}) if newest else None
            page = self._page(recent, final if done else None, ctx.max_text_chars)
            page.fetched = len(children)
            yield page
            if done:
                return

    async def pages(self, ctx: ConnectorContext, cursor: SourceCursor) -> AsyncGenerator[Page, None]:
        position = cursor.position if isinstance(cursor.position, RedditPosition) else RedditPosition()
        base = (self.source.oauth_base_url if self.auth.configured else self.source.base_url).rstrip("/")
        for key, url, extra in listings(self.source, base):
            async for page in self._listing(ctx, key, url, extra, position):
                if isinstance(page.position, RedditPosition):
                    position = page.position
                yield page
