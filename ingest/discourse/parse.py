"""Discourse post JSON (``/posts.json`` ``latest_posts`` entries, ``/search.json`` ``posts``) → RawMention.

The stable key is ``<host>/t/<topic id>/<post number>``, so a reply's ``in_reply_to`` (same topic, its
``reply_to_post_number``, or the first post) is the parent mention's key. Deleted, user-deleted and
hidden posts raise :class:`Deleted`. Search results only carry a ``blurb`` (an excerpt), used as text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ingest.items import Deleted, body_text, clip, count, parse_time
from schemas.common import Author, Engagement, SourceType
from schemas.mention import RawMention, stable_mention_id


def post_key(base_url: str, topic_id: Any, post_number: Any) -> str:
    return f"{urlsplit(base_url).netloc}/t/{int(topic_id)}/{int(post_number)}"


def _likes(post: dict[str, Any]) -> int | None:
    if post.get("like_count") is not None:
        return count(post.get("like_count"))
    for action in post.get("actions_summary") or []:
        if isinstance(action, dict) and action.get("id") == 2:
            return count(action.get("count"))
    return None


def post_to_mention(
    post: dict[str, Any],
    *,
    base_url: str,
    source_id: str,
    fetched_at: datetime,
    max_text_chars: int,
    topic: dict[str, Any] | None = None,
) -> RawMention:
    post_id, topic_id, number = int(post["id"]), int(post["topic_id"]), int(post["post_number"])
    if post.get("deleted_at") or post.get("user_deleted") or post.get("hidden"):
        raise Deleted(str(post_id))
    topic = topic or {}
    base = base_url.rstrip("/")
    slug = post.get("topic_slug") or topic.get("slug") or "-"
    text, cut = body_text(post.get("cooked") or post.get("blurb"), max_text_chars)
    published = parse_time(post.get("created_at"))
    username = clip(post.get("username"), 512)
    parent = post.get("reply_to_post_number") or (1 if number > 1 else None)
    return RawMention(
        id=stable_mention_id(SourceType.FORUM, post_key(base, topic_id, number)),
        source_type=SourceType.FORUM,
        source_id=source_id,
        native_id=str(post_id),
        url=f"{base}/t/{slug}/{topic_id}/{number}",
        title=clip(post.get("topic_title") or topic.get("title"), 2000) if number == 1 else None,
        text=text,
        truncated=cut,
        author=Author(handle=username, name=clip(post.get("name"), 512), url=f"{base}/u/{username}")
        if username
        else None,
        published_at=published or fetched_at,
        published_at_estimated=published is None,
        fetched_at=fetched_at,
        engagement=Engagement(likes=_likes(post), replies=count(post.get("reply_count"))),
        in_reply_to=post_key(base, topic_id, parent) if parent else None,
    )
