"""Feed document → RawMentions. Pure: no network, no Kafka.

Uses feedparser (all RSS/Atom/RDF flavours, encodings from HTTP headers and XML declarations, relative
link resolution against ``Content-Location``/``xml:base``). Ill-formed documents are parsed as far as
possible (feedparser's "bozo" flag is reported, not fatal); items that cannot become a mention are
returned in ``rejected`` with the reason, never raised.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from ingest.text import html_to_text, truncate
from schemas.common import Author, SourceType
from schemas.mention import RawMention, stable_mention_id

FUTURE_TOLERANCE = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class RejectedItem:
    """An entry that could not become a mention, and why."""

    reason: str
    position: int  # index of the entry in the document
    snippet: str


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a feed document yielded."""

    mentions: list[RawMention] = field(default_factory=list)
    rejected: list[RejectedItem] = field(default_factory=list)
    problem: str | None = None  # feedparser's bozo exception, if the document was ill-formed
    title: str | None = None


def _when(entry: Any) -> time.struct_time | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return value  # type: ignore[no-any-return]
    return None


def _author(entry: Any) -> Author | None:
    detail = entry.get("author_detail") or {}
    name = html_to_text(detail.get("name") or entry.get("author")) or None
    url = detail.get("href") or None
    if not name and not url:
        return None
    return Author(name=name[:512] if name else None, url=url[:2048] if url else None)


def _body(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value") or "" for c in contents), key=len, default="")
    summary = entry.get("summary") or entry.get("description") or ""
    return best if len(best) >= len(summary) else summary


def _native_key(entry: Any, title: str, text: str) -> str:
    for key in ("id", "link"):
        value = (entry.get(key) or "").strip()
        if value:
            return value[:2048]
    if title or text:  # no guid and no link: content hash keeps re-fetches stable
        return "sha256:" + hashlib.sha256(f"{title}\x1f{text}".encode()).hexdigest()
    if entry:  # metadata only (author, dates…): hash of everything the entry carries
        canonical = json.dumps(entry, sort_keys=True, default=str, ensure_ascii=False)
        return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    return ""


def entry_to_mention(
    entry: Any,
    *,
    source_id: str,
    source_type: SourceType,
    fetched_at: datetime,
    lang_hint: str | None,
    max_text_chars: int,
) -> RawMention:
    """One feed entry → RawMention. Raises ``ValueError`` (with the reason) if it is unusable."""
    title = html_to_text(entry.get("title"))[:2000] or None
    text, cut = truncate(html_to_text(_body(entry)), max_text_chars)
    key = _native_key(entry, title or "", text)
    if not key:
        raise ValueError("empty entry: nothing identifies it")
    parsed = _when(entry)
    published = datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None
    estimated = published is None or published > fetched_at + FUTURE_TOLERANCE
    link = (entry.get("link") or "").strip() or None
    tags = tuple(t for t in (html_to_text(tag.get("term"))[:200] for tag in entry.get("tags") or []) if t)
    return RawMention(
        id=stable_mention_id(source_type, key),
        source_type=source_type,
        source_id=source_id,
        native_id=(entry.get("id") or None),
        url=link[:4096] if link else None,
        title=title,
        text=text,
        truncated=cut,
        author=_author(entry),
        published_at=fetched_at if estimated or published is None else published,
        published_at_estimated=estimated,
        fetched_at=fetched_at,
        lang_hint=(entry.get("language") or lang_hint or None),
        tags=tags[:200],
    )


def parse_feed(
    content: bytes,
    *,
    source_id: str,
    url: str | None = None,
    content_type: str | None = None,
    source_type: SourceType = SourceType.FEED,
    fetched_at: datetime | None = None,
    max_text_chars: int = 20_000,
    content_language: str | None = None,
) -> ParsedFeed:
    """Parse a feed document fetched from ``url`` with HTTP ``content_type``. Never raises on bad input."""
    headers = {"content-location": url or "", "content-type": content_type or "application/xml"}
    if content_language:
        headers["content-language"] = content_language
    doc = feedparser.parse(content, response_headers=headers, sanitize_html=False, resolve_relative_uris=True)
    now = fetched_at or datetime.now(UTC)
    feed_lang = (
        (doc.feed.get("language") or content_language or None) if doc.get("feed") else content_language
    )
    mentions: list[RawMention] = []
    rejected: list[RejectedItem] = []
    for position, entry in enumerate(doc.get("entries") or []):
        try:
            mentions.append(
                entry_to_mention(
                    entry,
                    source_id=source_id,
                    source_type=source_type,
                    fetched_at=now,
                    lang_hint=feed_lang,
                    max_text_chars=max_text_chars,
                )
            )
        except (ValueError, TypeError, OverflowError) as exc:
            snippet = str(entry.get("title") or entry.get("id") or entry.get("summary") or "")[:200]
            rejected.append(RejectedItem(reason=str(exc)[:500], position=position, snippet=snippet))
    problem = repr(doc.get("bozo_exception"))[:500] if doc.get("bozo") else None
    title = html_to_text(doc.feed.get("title")) if doc.get("feed") else None
    return ParsedFeed(mentions=mentions, rejected=rejected, problem=problem, title=title or None)
