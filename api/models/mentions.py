"""Mentions: search parameters, results, per-tenant state."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_PAGE = 200
Sentiment = Literal["negative", "neutral", "positive"]
TAG_PATTERN = r"^[^\s,][^,]{0,63}$"


def _aware(value: datetime | None) -> datetime | None:
    """Times without a zone are read as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class MentionFilters(BaseModel):
    """Which mentions: shared by search, export and every dashboard."""

    q: str | None = Field(
        default=None,
        max_length=2000,
        description="Boolean query language, e.g. `(bonval OR #BoycottBonval) NOT bonvalet`",
        examples=["bonval NEAR/5 (rappel* OR listeria)"],
    )
    text: str | None = Field(
        default=None,
        max_length=500,
        description="free text, all words required, French/English stemming (grève finds grèves)",
        examples=["grève des trains"],
    )
    since: datetime | None = Field(
        default=None, description="published at or after (ISO 8601, UTC if no zone)"
    )
    until: datetime | None = Field(default=None, description="published before (ISO 8601; UTC if no zone)")
    lang: list[str] = Field(default_factory=list, description="language codes (repeat for several)")
    sentiment: list[Sentiment] = Field(default_factory=list)
    source_id: list[str] = Field(default_factory=list, description="configured source ids")
    source_type: list[str] = Field(default_factory=list, description="feed, forum, mastodon, bluesky…")
    query_id: list[str] = Field(default_factory=list, description="mentions matched by these queries")
    author: str | None = Field(default=None, max_length=512, description="author handle, else display name")
    read: bool | None = Field(default=None, description="only read (true) or unread (false) mentions")
    tag: str | None = Field(default=None, max_length=64, description="mentions carrying this tag")
    assignee: str | None = Field(default=None, max_length=200)

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return _aware(value)

    @field_validator("lang", "source_id", "source_type", "query_id")
    @classmethod
    def _bounded(cls, value: list[str]) -> list[str]:
        if len(value) > 50 or any(len(v) > 200 for v in value):
            raise ValueError("at most 50 values of at most 200 characters")
        return value


class MentionSearchParams(MentionFilters):
    sort: Literal["date", "relevance"] = Field(default="date", description="newest first, or best match")
    size: int = Field(default=20, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(
        default=None, max_length=2000, description="`next_cursor` of the previous page"
    )


class ExportParams(MentionFilters):
    format: Literal["csv", "ndjson"] = "ndjson"
    limit: int = Field(default=100_000, ge=1, le=1_000_000, description="stop after this many mentions")


class AuthorPublic(BaseModel):
    key: str | None = Field(default=None, description="handle, else display name: what filters use")
    handle: str | None = None
    name: str | None = None
    url: str | None = None
    followers: int | None = None


class SentimentPublic(BaseModel):
    label: Sentiment
    score: float


class MentionStatePublic(BaseModel):
    read: bool = False
    tags: list[str] = Field(default_factory=list)
    assignee: str | None = None
    updated_at: datetime | None = None


class MentionPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "3f1c9a0e7b2d4c5a8e6f0a1b2c3d4e5f",
                    "source_type": "feed",
                    "source_id": "conso-hebdo",
                    "url": "https://www.conso-hebdo.example/a/rappel-bonval",
                    "site": "conso-hebdo.example",
                    "title": "Rappel de yaourts Bonval",
                    "text": "La Laiterie Bonval rappelle des yaourts contaminés par la listeria…",
                    "author": {"key": "conso_hebdo", "handle": "conso_hebdo", "name": "Conso Hebdo"},
                    "published_at": "2026-11-21T08:30:00Z",
                    "lang": "fr",
                    "sentiment": {"label": "negative", "score": -0.62},
                    "hashtags": ["#BoycottBonval"],
                    "query_ids": ["bonval", "bonval-crise"],
                    "state": {"read": False, "tags": ["crise"], "assignee": "camille"},
                    "highlights": {"text": ["La Laiterie <mark>Bonval</mark> rappelle des yaourts…"]},
                }
            ]
        }
    )

    id: str
    source_type: str
    source_id: str
    url: str | None = None
    site: str | None = None
    title: str | None = None
    text: str
    author: AuthorPublic | None = None
    published_at: datetime
    lang: str
    sentiment: SentimentPublic | None = None
    hashtags: list[str] = Field(default_factory=list)
    query_ids: list[str] = Field(default_factory=list, description="the tenant's queries that matched")
    state: MentionStatePublic = Field(default_factory=MentionStatePublic)
    score: float | None = Field(default=None, description="relevance, when sorted by relevance")
    highlights: dict[str, list[str]] = Field(
        default_factory=dict, description="HTML-escaped fragments of title/text with <mark> around matches"
    )


class MatchedTermPublic(BaseModel):
    term: str
    field: str
    start: int | None = None
    end: int | None = None


class QueryMatchPublic(BaseModel):
    query_id: str
    terms: list[MatchedTermPublic] = Field(default_factory=list)


class MentionDetail(MentionPublic):
    """One mention with why each of the tenant's queries matched it and its entities."""

    matches: list[QueryMatchPublic] = Field(default_factory=list)
    persons: list[str] = Field(default_factory=list)
    organizations: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)


class MentionPage(BaseModel):
    total: int = Field(description="matching mentions (exact up to 10,000, then a lower bound)")
    total_is_exact: bool = True
    items: list[MentionPublic]
    next_cursor: str | None = Field(default=None, description="pass as `cursor` for the next page")


class MentionStateUpdate(BaseModel):
    """Partial update of the tenant's state of a mention: only the fields sent change."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"read": True, "add_tags": ["crise"], "assignee": "camille"}]},
    )

    read: bool | None = None
    tags: list[str] | None = Field(default=None, max_length=50, description="replace all tags")
    add_tags: list[str] = Field(default_factory=list, max_length=50)
    remove_tags: list[str] = Field(default_factory=list, max_length=50)
    assignee: str | None = Field(default=None, max_length=200, description="null unassigns")

    @field_validator("tags", "add_tags", "remove_tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        for tag in value:
            if not re.match(TAG_PATTERN, tag):
                raise ValueError(f"tags are 1-64 characters without commas or leading spaces, not {tag!r}")
        return value
