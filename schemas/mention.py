"""Mention events: :class:`RawMention` (``mentions.raw``) and :class:`EnrichedMention`
(``mentions.enriched``).

The mention id is a stable hash of (source type, source-native id or canonical URL), so the same item
fetched twice has the same id, lands on the same partition (it is the Kafka key) and overwrites the
same Elasticsearch document.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import Field

from schemas.common import Author, Engagement, Frozen, SourceType, UtcDatetime, construct_trusted

MAX_TEXT_CHARS = 100_000


def stable_mention_id(source_type: SourceType | str, native_key: str) -> str:
    """Deterministic 32-hex-char id of a mention.

    ``native_key`` is the source's own id (guid, status id, …) or, failing that, the canonical URL.
    Raises ``ValueError`` on an empty key (such an item cannot be deduplicated and must be rejected).
    """
    key = native_key.strip()
    if not key:
        raise ValueError("a mention needs a native id or a URL to get a stable id")
    digest = hashlib.sha256(f"{SourceType(source_type).value}\x1f{key}".encode()).hexdigest()
    return digest[:32]


class MentionBase(Frozen):
    """Fields every mention carries from ingestion onwards."""

    id: str = Field(pattern=r"^[0-9a-f]{32}$", description="stable_mention_id(source_type, native key)")
    source_type: SourceType
    source_id: str = Field(min_length=1, max_length=200, description="configured source name")
    native_id: str | None = Field(default=None, max_length=2048, description="guid / status id")
    url: str | None = Field(default=None, max_length=4096)
    title: str | None = Field(default=None, max_length=2000)
    text: str = Field(max_length=MAX_TEXT_CHARS, description="plain text, HTML removed")
    truncated: bool = Field(default=False, description="text was cut to the size limit")
    author: Author | None = None
    published_at: UtcDatetime
    published_at_estimated: bool = Field(default=False, description="the source gave no date")
    fetched_at: UtcDatetime
    lang_hint: str | None = Field(default=None, max_length=35, description="language declared by the source")
    tags: tuple[str, ...] = Field(default=(), max_length=200)
    engagement: Engagement | None = None
    in_reply_to: str | None = Field(default=None, max_length=2048, description="parent item, for replies")


class RawMention(MentionBase):
    """A mention as fetched from a source (topic ``mentions.raw``)."""

    schema_version: Literal[1] = 1


class Sentiment(Frozen):
    """Polarity of a mention."""

    label: Literal["negative", "neutral", "positive"]
    score: float = Field(ge=-1.0, le=1.0, description="-1 (negative) .. 1 (positive)")
    confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    cues: tuple[str, ...] = Field(default=(), description="words/emojis/rules that drove the score")


class MatchedTerm(Frozen):
    """One leaf of a query that matched, and where."""

    term: str
    field: str
    start: int | None = None
    end: int | None = None


class QueryMatch(Frozen):
    """A tenant's query that matched the mention, with why."""

    tenant: str = Field(min_length=1, max_length=100)
    query_id: str = Field(min_length=1, max_length=200)
    terms: tuple[MatchedTerm, ...] = ()


class Entity(Frozen):
    """Something named in the mention."""

    kind: Literal["hashtag", "handle", "link", "domain", "person", "organization", "place", "misc"]
    text: str = Field(max_length=2048)


class EnrichedMention(MentionBase):
    """A mention with language, sentiment, query matches and entities (topic ``mentions.enriched``)."""

    schema_version: Literal[1] = 1
    lang: str = Field(description="ISO 639-1 code, or 'und' when undetermined")
    lang_confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    sentiment: Sentiment | None = None
    matches: tuple[QueryMatch, ...] = ()
    entities: tuple[Entity, ...] = ()
    enriched_at: UtcDatetime

    @classmethod
    def from_raw(cls, raw: RawMention, **enrichment: object) -> EnrichedMention:
        """Carry every field of ``raw`` over and add the enrichment fields (validated)."""
        data = raw.model_dump(exclude={"schema_version"})
        data.update(enrichment)
        return cls.model_validate(data)

    @classmethod
    def from_raw_trusted(cls, raw: RawMention, **enrichment: object) -> EnrichedMention:
        """Like :meth:`from_raw` without re-validating: for enrichment values built by our own typed code
        from an already validated ``raw`` (the hot path). Field values must already be model instances."""
        data: dict[str, Any] = dict(raw.__dict__)  # the raw's fields (a RawMention's are MentionBase's)
        data["schema_version"] = 1
        data.update(enrichment)
        return construct_trusted(cls, data)


class EntityUpdate(Frozen):
    """Named entities found after enrichment, off the hot path (topic ``mentions.entities``).

    Applied by the index sink as a partial update of the mention's documents (global and per tenant).
    """

    schema_version: Literal[1] = 1
    id: str = Field(pattern=r"^[0-9a-f]{32}$")
    published_at: UtcDatetime = Field(description="routes the update to the right monthly index")
    tenants: tuple[str, ...] = ()
    entities: tuple[Entity, ...] = ()
