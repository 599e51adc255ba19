"""Configured sources (topic ``config.sources``, key = source id; and the ingest sources file).

One model per source kind, discriminated by ``kind`` (a missing ``kind`` means ``feed``, the historical
default of the sources file). Sources are global: ``tenants`` lists who subscribed, one source serves
several tenants. Credentials are never stored here, only the *names* of environment variables holding
them. Invalid definitions raise pydantic's ``ValidationError`` naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, RootModel, Tag, model_validator

from schemas.common import Frozen

SOURCE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$"
ENV_NAME_PATTERN = r"^[A-Z_][A-Z0-9_]{0,127}$"
_TENANT = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
_TERM = Annotated[str, Field(min_length=1, max_length=200)]
EnvName = Annotated[str, Field(pattern=ENV_NAME_PATTERN)]


class SourceBase(Frozen):
    """Settings every source has."""

    schema_version: Literal[1] = 1
    id: str = Field(pattern=SOURCE_ID_PATTERN)
    interval_s: float = Field(default=300.0, ge=5.0, description="seconds between polls (before jitter)")
    enabled: bool = True
    tenants: tuple[_TENANT, ...] = Field(default=(), description="tenants subscribed to this source")
    max_pages: int = Field(default=5, ge=1, le=100, description="pages fetched per poll at most")
    seen_capacity: int = Field(default=2000, ge=10, le=10_000, description="recent ids kept for dedup")


class FeedSourceConfig(SourceBase):
    """An RSS/Atom/RDF feed; ``forum`` for phpBB/vBulletin-style forum feeds."""

    kind: Literal["feed", "forum"] = "feed"
    url: str = Field(min_length=8, max_length=4096)
    respect_robots: bool = Field(default=True, description="obey the host's robots.txt for this URL")


class DiscourseSourceConfig(SourceBase):
    """A Discourse forum's public JSON: its latest posts (optionally one category), or a search."""

    kind: Literal["discourse"] = "discourse"
    base_url: str = Field(min_length=8, max_length=2048)
    category_id: int | None = Field(default=None, ge=0, description="only posts of this category")
    search: str | None = Field(default=None, min_length=1, max_length=500, description="search query")
    api_key_env: EnvName | None = None
    api_username_env: EnvName | None = None


class MastodonSourceConfig(SourceBase):
    """Hashtag and/or public timelines of one Mastodon instance (REST polling, optional streaming)."""

    kind: Literal["mastodon"] = "mastodon"
    instance: str = Field(min_length=8, max_length=2048, description="https://mastodon.example")
    hashtags: tuple[Annotated[str, Field(pattern=r"^[^\s#/?&]{1,100}$")], ...] = ()
    timeline: Literal["public", "local"] | None = None
    streaming: bool = Field(default=False, description="use the streaming API (SSE) when allowed")
    streaming_url: str | None = Field(default=None, max_length=2048, description="if not the instance")
    access_token_env: EnvName | None = None
    page_size: int = Field(default=40, ge=1, le=40)

    @model_validator(mode="after")
    def _something_to_follow(self) -> MastodonSourceConfig:
        if not self.hashtags and self.timeline is None:
            raise ValueError("a mastodon source needs hashtags or a timeline")
        return self


class BlueskySourceConfig(SourceBase):
    """The Bluesky Jetstream firehose, posts only, kept when they contain a term (or are by a DID)."""

    kind: Literal["bluesky"] = "bluesky"
    jetstream_url: str = Field(default="wss://jetstream2.us-east.bsky.network/subscribe", max_length=2048)
    terms: tuple[_TERM, ...] = ()
    dids: tuple[Annotated[str, Field(pattern=r"^did:[a-z]+:[A-Za-z0-9._:%-]{1,200}$")], ...] = ()
    rewind_s: float = Field(default=5.0, ge=0.0, le=3600.0, description="replay margin on reconnect")
    batch_size: int = Field(default=200, ge=1, le=5000)
    batch_wait_s: float = Field(default=1.0, gt=0.0, le=60.0)

    @model_validator(mode="after")
    def _filtered(self) -> BlueskySourceConfig:
        if not self.terms and not self.dids:
            raise ValueError("a bluesky source needs terms or dids (the unfiltered firehose is too big)")
        return self


class RedditSourceConfig(SourceBase):
    """New posts (and comments) of a subreddit, or a search, over the JSON listings."""

    kind: Literal["reddit"] = "reddit"
    subreddit: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]{2,21}$")
    search: str | None = Field(default=None, min_length=1, max_length=512)
    comments: bool = Field(default=True, description="also the subreddit's new comments")
    base_url: str = "https://www.reddit.com"
    oauth_base_url: str = "https://oauth.reddit.com"
    token_url: str = "https://www.reddit.com/api/v1/access_token"
    client_id_env: EnvName | None = None
    client_secret_env: EnvName | None = None
    page_size: int = Field(default=100, ge=1, le=100)
    overlap_s: float = Field(default=300.0, ge=0.0, description="re-read margin for late items")

    @model_validator(mode="after")
    def _something_to_follow(self) -> RedditSourceConfig:
        if not self.subreddit and not self.search:
            raise ValueError("a reddit source needs a subreddit or a search")
        return self


class HackerNewsSourceConfig(SourceBase):
    """Hacker News stories and comments matching terms (Algolia search API, newest first)."""

    kind: Literal["hackernews"] = "hackernews"
    terms: tuple[_TERM, ...] = Field(min_length=1)
    tags: tuple[Literal["story", "comment"], ...] = ("story", "comment")
    api_url: str = "https://hn.algolia.com/api/v1"
    page_size: int = Field(default=100, ge=1, le=1000)


def _kind(value: Any) -> str:
    raw = value.get("kind", "feed") if isinstance(value, dict) else getattr(value, "kind", "feed")
    return "feed" if raw == "forum" else str(raw)


SourceConfig = Annotated[
    Annotated[FeedSourceConfig, Tag("feed")]
    | Annotated[DiscourseSourceConfig, Tag("discourse")]
    | Annotated[MastodonSourceConfig, Tag("mastodon")]
    | Annotated[BlueskySourceConfig, Tag("bluesky")]
    | Annotated[RedditSourceConfig, Tag("reddit")]
    | Annotated[HackerNewsSourceConfig, Tag("hackernews")],
    Discriminator(_kind),
]
"""Any configured source; ``kind`` selects the model (``feed`` when absent)."""


class SourceDefinition(RootModel[SourceConfig]):
    """The value of a ``config.sources`` record: one source definition of any kind."""

    model_config = {"frozen": True}
