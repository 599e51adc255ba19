"""Mastodon status JSON (REST ``Status`` entity) → RawMention. Pure.

The stable key is the status ``uri`` (its ActivityPub id, the same on every instance), so a status seen
through two instances is one mention. Reblogs are unwrapped to the reblogged status. Raises
``ValueError``/``KeyError``/``TypeError`` for a status that cannot become a mention.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ingest.items import body_text, clip, count, parse_time
from schemas.common import Author, Engagement, SourceType
from schemas.mention import RawMention, stable_mention_id


def status_id_key(status_id: str) -> tuple[int, str]:
    """Sort key of Mastodon ids (numeric strings of growing length; compare as numbers)."""
    return (len(status_id), status_id)


def _author(account: dict[str, Any], instance_host: str) -> Author:
    acct = str(account.get("acct") or account.get("username") or "")
    handle = f"@{acct}" if "@" in acct else f"@{acct}@{instance_host}"
    return Author(
        handle=handle[:512] if acct else None,
        name=clip(account.get("display_name"), 512) or clip(account.get("username"), 512),
        url=clip(account.get("url"), 2048),
        followers=count(account.get("followers_count")),
    )


def status_to_mention(
    status: dict[str, Any], *, source_id: str, instance: str, fetched_at: datetime, max_text_chars: int
) -> RawMention:
    if isinstance(status.get("reblog"), dict):
        status = status["reblog"]
    local_id = str(status["id"])
    key = str(status.get("uri") or status.get("url") or "").strip()
    if not key:
        raise ValueError(f"status {local_id} has neither uri nor url")
    text, cut = body_text(status.get("content"), max_text_chars)
    published = parse_time(status.get("created_at"))
    host = urlsplit(instance).hostname or ""
    parent = status.get("in_reply_to_id")
    return RawMention(
        id=stable_mention_id(SourceType.MASTODON, key),
        source_type=SourceType.MASTODON,
        source_id=source_id,
        native_id=local_id,
        url=clip(status.get("url") or key, 4096),
        title=clip(status.get("spoiler_text"), 2000),
        text=text,
        truncated=cut,
        author=_author(status.get("account") or {}, host),
        published_at=published or fetched_at,
        published_at_estimated=published is None,
        fetched_at=fetched_at,
        lang_hint=clip(status.get("language"), 35),
        tags=tuple(str(t["name"])[:200] for t in status.get("tags") or [] if t.get("name"))[:200],
        engagement=Engagement(
            likes=count(status.get("favourites_count")),
            reposts=count(status.get("reblogs_count")),
            replies=count(status.get("replies_count")),
        ),
        in_reply_to=f"{instance.rstrip('/')}/api/v1/statuses/{parent}" if parent else None,
    )
