"""Small value types shared by several event models."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("datetime must carry a timezone")
    return value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
"""An aware datetime, normalised to UTC; naive datetimes are rejected."""


def utc_now() -> datetime:
    """Current time, aware, UTC."""
    return datetime.now(UTC)


class Frozen(BaseModel):
    """Base of every wire model: immutable, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceType(StrEnum):
    """Kind of place a mention comes from."""

    FEED = "feed"  # RSS / Atom / RDF
    FORUM = "forum"  # Discourse, phpBB-style forum feeds
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    REDDIT = "reddit"
    HACKERNEWS = "hackernews"


class Author(Frozen):
    """Who wrote a mention, as far as the source tells."""

    handle: str | None = Field(default=None, max_length=512)
    name: str | None = Field(default=None, max_length=512)
    url: str | None = Field(default=None, max_length=2048)
    followers: int | None = Field(default=None, ge=0)


class Engagement(Frozen):
    """Engagement counts at fetch time (absent = unknown)."""

    likes: int | None = Field(default=None, ge=0)
    reposts: int | None = Field(default=None, ge=0)
    replies: int | None = Field(default=None, ge=0)
    score: int | None = None
