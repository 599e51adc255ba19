"""Reddit listing children (``t3`` posts, ``t1`` comments) → RawMention. Pure.

The stable key is the fullname (``t3_abc``, ``t1_xyz``); a comment's ``in_reply_to`` is its
``parent_id``, itself a fullname, hence the parent mention's key. Deleted or removed items
(``[deleted]``/``[removed]`` bodies, ``removed_by_category``) raise :class:`Deleted`. Expects listings
fetched with ``raw_json=1`` (no HTML-escaped text).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ingest.items import Deleted, body_text, clip, count, parse_time
from schemas.common import Author, Engagement, SourceType
from schemas.mention import RawMention, stable_mention_id

SITE = "https://www.reddit.com"
GONE = frozenset({"[deleted]", "[removed]"})


def _author(name: str | None) -> Author | None:
    if not name or name in GONE:
        return None
    return Author(handle=f"u/{name}"[:512], url=f"{SITE}/user/{name}"[:2048])


def child_to_mention(
    child: dict[str, Any], *, source_id: str, fetched_at: datetime, max_text_chars: int
) -> RawMention:
    kind, data = child["kind"], child["data"]
    fullname = str(data.get("name") or f"{kind}_{data['id']}")
    if kind == "t3":
        body = data.get("selftext") or ""
        if data.get("removed_by_category") or (body in GONE and data.get("author") in GONE):
            raise Deleted(fullname)
        text, cut = body_text(data.get("selftext_html") or body, max_text_chars)
        title = clip(data.get("title"), 2000)
        replies, parent = count(data.get("num_comments")), None
    elif kind == "t1":
        body = data.get("body") or ""
        if body in GONE:
            raise Deleted(fullname)
        text, cut = body_text(data.get("body_html") or body, max_text_chars)
        title, replies, parent = None, None, clip(data.get("parent_id"), 2048)
    else:
        raise ValueError(f"unexpected listing kind {kind!r}")
    published = parse_time(data.get("created_utc"))
    permalink = data.get("permalink")
    return RawMention(
        id=stable_mention_id(SourceType.REDDIT, fullname),
        source_type=SourceType.REDDIT,
        source_id=source_id,
        native_id=fullname,
        url=f"{SITE}{permalink}"[:4096] if permalink else None,
        title=title,
        text=text,
        truncated=cut,
        author=_author(data.get("author")),
        published_at=published or fetched_at,
        published_at_estimated=published is None,
        fetched_at=fetched_at,
        tags=(str(data["subreddit"])[:200],) if data.get("subreddit") else (),
        engagement=Engagement(
            score=int(data["score"]) if isinstance(data.get("score"), int) else None, replies=replies
        ),
        in_reply_to=parent,
    )
