"""RSS/Atom/RDF and forum feeds: robots.txt check → conditional GET → parse → one page.

The page's position carries the response's ETag/Last-Modified; they are checkpointed only once the
page's mentions are durable, so a 304 after a restart never hides unproduced items. Deduplication by
guid/link is the runner's (the cursor's recent ids), since feeds have no monotonic cursor.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from ingest.feeds.parse import parse_feed
from ingest.page import ConnectorContext, Page, Reject, SourceError
from schemas.common import SourceType, utc_now
from schemas.cursor import FeedPosition, SourceCursor
from schemas.source import FeedSourceConfig


class FeedConnector:
    streaming = False

    def __init__(self, source: FeedSourceConfig) -> None:
        self.source = source

    def describe(self) -> str:
        return self.source.url

    async def pages(self, ctx: ConnectorContext, cursor: SourceCursor) -> AsyncGenerator[Page, None]:
        url = self.source.url
        refusal = await ctx.robots.refusal(ctx.http, url) if self.source.respect_robots else None
        if refusal:
            raise SourceError(refusal)
        position = cursor.position if isinstance(cursor.position, FeedPosition) else FeedPosition()
        result = await ctx.http.get_ok(url, etag=position.etag, last_modified=position.last_modified)
        if result.not_modified:
            yield Page(not_modified=True)
            return
        parsed = parse_feed(
            result.content,
            source_id=self.source.id,
            url=result.url,
            content_type=result.content_type,
            source_type=SourceType.FORUM if self.source.kind == "forum" else SourceType.FEED,
            fetched_at=utc_now(),
            max_text_chars=ctx.max_text_chars,
            content_language=result.content_language,
        )
        yield Page(
            mentions=parsed.mentions,
            rejects=[
                Reject(item.reason, item.snippet.encode(), f"{url} entry#{item.position}")
                for item in parsed.rejected
            ],
            position=FeedPosition(etag=result.etag, last_modified=result.last_modified),
            fetched=len(parsed.mentions) + len(parsed.rejected),
            problem=parsed.problem,
        )
