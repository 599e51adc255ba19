"""Source kind → connector."""

from __future__ import annotations

from ingest.page import Connector
from schemas.source import (
    BlueskySourceConfig,
    DiscourseSourceConfig,
    FeedSourceConfig,
    HackerNewsSourceConfig,
    MastodonSourceConfig,
    RedditSourceConfig,
    SourceConfig,
)


def make_connector(source: SourceConfig) -> Connector:
    """The connector of ``source``'s kind."""
    if isinstance(source, FeedSourceConfig):
        from ingest.feeds.connector import FeedConnector

        return FeedConnector(source)
    if isinstance(source, DiscourseSourceConfig):
        from ingest.discourse.connector import DiscourseConnector

        return DiscourseConnector(source)
    if isinstance(source, MastodonSourceConfig):
        from ingest.mastodon.connector import MastodonConnector

        return MastodonConnector(source)
    if isinstance(source, BlueskySourceConfig):
        from ingest.bluesky.connector import BlueskyConnector

        return BlueskyConnector(source)
    if isinstance(source, RedditSourceConfig):
        from ingest.reddit.connector import RedditConnector

        return RedditConnector(source)
    if isinstance(source, HackerNewsSourceConfig):
        from ingest.hackernews.connector import HackerNewsConnector

        return HackerNewsConnector(source)
    raise TypeError(f"no connector for {type(source).__name__}")
