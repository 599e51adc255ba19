"""Dashboard widgets: every one takes the mention filters and answers for the caller's tenant only."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.models.mentions import MentionFilters

Interval = Literal["auto", "1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1d", "7d", "30d"]


class TimeParams(MentionFilters):
    interval: Interval = Field(default="auto", description="bucket width; auto: at most ~100 buckets")


class TopParams(MentionFilters):
    size: int = Field(default=10, ge=1, le=100, description="entries per list")


class ShareParams(MentionFilters):
    compare: list[str] = Field(
        default_factory=list,
        description="query ids to compare (a brand and its competitors); default: all the tenant's queries",
    )


class VolumeBucket(BaseModel):
    time: datetime
    count: int


class VolumePublic(BaseModel):
    interval: str
    total: int
    buckets: list[VolumeBucket]


class SentimentBucket(BaseModel):
    time: datetime
    negative: int = 0
    neutral: int = 0
    positive: int = 0
    unknown: int = 0


class SentimentPublic(BaseModel):
    interval: str
    totals: dict[str, int]
    buckets: list[SentimentBucket]


class ShareEntry(BaseModel):
    query_id: str
    name: str = ""
    count: int
    share: float = Field(description="count / sum of the compared queries' counts (0..1)")


class ShareOfVoicePublic(BaseModel):
    total: int = Field(description="mentions matching at least one compared query")
    queries: list[ShareEntry]


class AuthorStat(BaseModel):
    key: str
    mentions: int
    reach: int | None = Field(default=None, description="largest follower count seen")
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    balance: float = Field(description="(positive − negative) / mentions, −1..1")


class AuthorsPublic(BaseModel):
    by_volume: list[AuthorStat]
    by_reach: list[AuthorStat]
    ambassadors: list[AuthorStat] = Field(description="most positive balance (at least 2 mentions)")
    detractors: list[AuthorStat] = Field(description="most negative balance (at least 2 mentions)")


class TermCount(BaseModel):
    key: str
    count: int


class SourcesPublic(BaseModel):
    sites: list[TermCount]
    sources: list[TermCount]
    source_types: list[TermCount]


class LanguagesPublic(BaseModel):
    total: int
    languages: list[TermCount]


class EntitiesPublic(BaseModel):
    hashtags: list[TermCount]
    handles: list[TermCount]
    persons: list[TermCount]
    organizations: list[TermCount]
    places: list[TermCount]
