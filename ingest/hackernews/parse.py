"""Algolia HN search hit (``/api/v1/search_by_date``) → RawMention. Pure.

The stable key is the item's ``objectID`` (the HN item id), so ``in_reply_to`` (the parent's id) is the
parent mention's key too. Comments without text or author are deleted/dead items (:class:`Deleted`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ingest.items import Deleted, body_text, clip, count, parse_time
from schemas.common import Author, Engagement, SourceType
from schemas.mention import RawMention, stable_mention_id

ITEM_URL = "https://news.ycombinator.com/item?id="
USER_URL = "https://news.ycombinator.com/user?id="


def hit_to_mention(
    hit: dict[str, Any], *, source_id: str, fetched_at: datetime, max_text_chars: int
) -> RawMention:
    object_id = str(hit["objectID"]).strip()
    if not object_id:
        raise ValueError("hit without objectID")
    tags = hit.get("_tags") or []
    is_comment = "comment" in tags or hit.get("comment_text") is not None
    author = clip(hit.get("author"), 512)
    markup = hit.get("comment_text") if is_comment else hit.get("story_text")
    if is_comment and (not markup or not author):
        raise Deleted(object_id)
    text, cut = body_text(markup, max_text_chars)
    published = parse_time(hit.get("created_at_i")) or parse_time(hit.get("created_at"))
    parent = hit.get("parent_id")
    return RawMention(
        id=stable_mention_id(SourceType.HACKERNEWS, object_id),
        source_type=SourceType.HACKERNEWS,
        source_id=source_id,
        native_id=object_id,
        url=f"{ITEM_URL}{object_id}",
        title=None if is_comment else clip(hit.get("title"), 2000),
        text=text if text or is_comment else (clip(hit.get("url"), 4096) or ""),
        truncated=cut,
        author=Author(handle=author, url=f"{USER_URL}{author}") if author else None,
        published_at=published or fetched_at,
        published_at_estimated=published is None,
        fetched_at=fetched_at,
        lang_hint=None,
        engagement=Engagement(score=count(hit.get("points")), replies=count(hit.get("num_comments"))),
        in_reply_to=str(parent) if is_comment and parent else None,
    )
