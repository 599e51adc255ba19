"""Public API models (what clients see), separate from the wire/event models."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class ComponentHealth(BaseModel):
    ok: bool
    address: str
    detail: str | None = None


class HealthPublic(BaseModel):
    status: Literal["ok", "degraded"]
    kafka: ComponentHealth
    elasticsearch: ComponentHealth


class AuthorPublic(BaseModel):
    handle: str | None = None
    name: str | None = None
    url: str | None = None
    followers: int | None = None


class SentimentPublic(BaseModel):
    label: Literal["negative", "neutral", "positive"]
    score: float


class MentionPublic(BaseModel):
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
    score: float | None = Field(default=None, description="relevance, when sorted by relevance")


class MentionPage(BaseModel):
    total: int = Field(description="matching mentions (exact up to 10,000, then a lower bound)")
    items: list[MentionPublic]
    next_cursor: str | None = Field(default=None, description="pass as `cursor` for the next page")


class ErrorPublic(BaseModel):
    detail: str
