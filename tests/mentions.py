"""A raw mention for tests, as an ingest connector would publish it."""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.common import SourceType
from schemas.mention import RawMention, stable_mention_id


def raw_mention(
    key: str, text: str, *, at: datetime | None = None, source_id: str = "t", url: str | None = None
) -> RawMention:
    """A feed mention whose id is the stable id of ``key``, published and fetched ``at`` (default now)."""
    when = at or datetime.now(UTC)
    return RawMention(
        id=stable_mention_id(SourceType.FEED, key),
        source_type=SourceType.FEED,
        source_id=source_id,
        url=url,
        text=text,
        published_at=when,
        fetched_at=when,
    )
