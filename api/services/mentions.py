"""Stored tenant documents → public mention models, and per-tenant state changes. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from api.models.mentions import (
    AuthorPublic,
    MatchedTermPublic,
    MentionDetail,
    MentionPublic,
    MentionStatePublic,
    MentionStateUpdate,
    QueryMatchPublic,
    SentimentPublic,
)
from api.services.highlight import Highlighter

MAX_TAGS = 50


def _author(src: Mapping[str, Any]) -> AuthorPublic | None:
    author = src.get("author")
    if not isinstance(author, dict):
        return None
    return AuthorPublic(
        key=author.get("key") or author.get("handle") or author.get("name"),
        handle=author.get("handle"),
        name=author.get("name"),
        url=author.get("url"),
        followers=author.get("followers"),
    )


def state_of(src: Mapping[str, Any]) -> MentionStatePublic:
    state = src.get("state") or {}
    return MentionStatePublic(
        read=bool(state.get("read", False)),
        tags=list(state.get("tags") or []),
        assignee=state.get("assignee"),
        updated_at=state.get("updated_at"),
    )


def _fields(hit: Mapping[str, Any]) -> dict[str, Any]:
    src = hit["_source"]
    sentiment = src.get("sentiment")
    return {
        "id": src["id"],
        "source_type": src["source_type"],
        "source_id": src["source_id"],
        "url": src.get("url"),
        "site": src.get("site"),
        "title": src.get("title"),
        "text": src.get("text") or "",
        "author": _author(src),
        "published_at": src["published_at"],
        "lang": src.get("lang") or "und",
        "sentiment": SentimentPublic(label=sentiment["label"], score=sentiment["score"])
        if isinstance(sentiment, dict) and sentiment.get("label")
        else None,
        "hashtags": list(src.get("hashtags") or []),
        "query_ids": list(src.get("query_ids") or []),
        "state": state_of(src),
        "score": hit.get("_score"),
    }


def to_public(hit: Mapping[str, Any], highlighter: Highlighter | None = None) -> MentionPublic:
    highlights = highlighter.highlight(hit["_source"]) if highlighter is not None else {}
    return MentionPublic(**_fields(hit), highlights=highlights)


def to_detail(hit: Mapping[str, Any]) -> MentionDetail:
    src = hit["_source"]
    matches = [
        QueryMatchPublic(
            query_id=m.get("query_id", ""),
            terms=[
                MatchedTermPublic.model_validate(t) for t in (m.get("terms") or []) if isinstance(t, dict)
            ],
        )
        for m in src.get("matches") or []
        if isinstance(m, dict)
    ]
    return MentionDetail(
        **_fields(hit),
        matches=matches,
        persons=list(src.get("persons") or []),
        organizations=list(src.get("organizations") or []),
        places=list(src.get("places") or []),
        links=list(src.get("links") or []),
    )


class TooManyTagsError(ValueError):
    pass


def apply_state_update(
    current: MentionStatePublic, update: MentionStateUpdate, now: datetime
) -> MentionStatePublic:
    """The new state: only fields present in ``update`` change (``assignee: null`` unassigns).
    Raises :class:`TooManyTagsError` beyond 50 tags."""
    sent = update.model_fields_set
    tags = list(update.tags) if update.tags is not None else list(current.tags)
    tags += [t for t in update.add_tags if t not in tags]
    tags = [t for t in dict.fromkeys(tags) if t not in set(update.remove_tags)]
    if len(tags) > MAX_TAGS:
        raise TooManyTagsError(f"at most {MAX_TAGS} tags per mention")
    return MentionStatePublic(
        read=update.read if update.read is not None else current.read,
        tags=tags,
        assignee=update.assignee if "assignee" in sent else current.assignee,
        updated_at=now,
    )
