"""Polls one feed: fetch (conditional GET) → parse → produce mentions; rejects go to ``dlq.ingest``.

A poll never raises for source problems (unreachable, HTTP error, malformed XML, oversized): it logs a
warning with the source and URL and reports the problem in :class:`PollReport`, so the others go on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from ecoute.kafka import DeadLetterProducer
from ingest.feeds.parse import parse_feed
from ingest.fetch import fetch
from ingest.producer import MentionProducer
from ingest.sources import FeedSourceConfig
from schemas.common import SourceType

log = logging.getLogger(__name__)


@dataclass(slots=True)
class FeedState:
    """What we remember of a feed between polls (conditional GET validators)."""

    etag: str | None = None
    last_modified: str | None = None
    consecutive_errors: int = 0


@dataclass(slots=True)
class PollReport:
    source_id: str
    url: str
    items: int = 0
    produced: int = 0
    rejected: int = 0
    not_modified: bool = False
    error: str | None = None
    problem: str | None = None
    mention_ids: list[str] = field(default_factory=list)


async def poll_feed(
    source: FeedSourceConfig,
    *,
    client: httpx.AsyncClient,
    producer: MentionProducer,
    dead_letters: DeadLetterProducer,
    state: FeedState,
    max_bytes: int,
    max_text_chars: int,
    allow_private: bool,
) -> PollReport:
    """Poll ``source`` once. Mentions are queued on ``producer``; the caller flushes."""
    report = PollReport(source.id, source.url)
    result = await fetch(
        client,
        source.url,
        max_bytes=max_bytes,
        allow_private=allow_private,
        etag=state.etag,
        last_modified=state.last_modified,
    )
    if result.error:
        state.consecutive_errors += 1
        report.error = result.error
        log.warning(
            "feed fetch failed: %s",
            result.error,
            extra={"source": source.id, "url": source.url, "errors_in_a_row": state.consecutive_errors},
        )
        return report
    if result.not_modified:
        report.not_modified = True
        state.consecutive_errors = 0
        return report
    fetched_at = datetime.now(UTC)
    parsed = parse_feed(
        result.content,
        source_id=source.id,
        url=result.url,
        content_type=result.content_type,
        source_type=SourceType.FORUM if source.kind == "forum" else SourceType.FEED,
        fetched_at=fetched_at,
        max_text_chars=max_text_chars,
        content_language=result.content_language,
    )
    if parsed.problem:
        report.problem = parsed.problem
        log.warning(
            "feed is ill-formed, kept what could be parsed: %s",
            parsed.problem,
            extra={"source": source.id, "url": source.url, "items": len(parsed.mentions)},
        )
    for mention in parsed.mentions:
        producer.send(mention)
        report.mention_ids.append(mention.id)
    for item in parsed.rejected:
        dead_letters.send(
            reason=item.reason,
            error="RejectedItem",
            key=source.id,
            value=item.snippet.encode(),
            source=f"{source.id} {source.url} entry#{item.position}",
        )
    report.items = len(parsed.mentions) + len(parsed.rejected)
    report.produced = len(parsed.mentions)
    report.rejected = len(parsed.rejected)
    state.etag, state.last_modified = result.etag, result.last_modified
    state.consecutive_errors = 0
    log.info("feed polled", extra={"source": source.id, "items": report.items, "rejected": report.rejected})
    return report
