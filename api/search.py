"""Mention search: request parameters → Elasticsearch request body, and opaque cursors. Pure.

Pagination uses ``search_after`` on (sort key, ``id``) so deep pages stay cheap and stable while new
mentions arrive; the cursor is the last hit's sort values, base64url-encoded JSON.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

MAX_PAGE = 200


class InvalidCursorError(ValueError):
    """The cursor was not produced by this API (or was altered)."""


@dataclass(frozen=True, slots=True)
class MentionSearch:
    q: str | None = None
    lang: str | None = None
    sentiment: str | None = None
    source_type: str | None = None
    source_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    sort: Literal["date", "relevance"] = "date"
    size: int = 20
    cursor: str | None = None


def encode_cursor(sort_values: list[Any]) -> str:
    return (
        base64.urlsafe_b64encode(json.dumps(sort_values, separators=(",", ":")).encode()).decode().rstrip("=")
    )


def decode_cursor(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursorError("cursor is not valid") from exc
    if not isinstance(values, list) or not values or len(values) > 3:
        raise InvalidCursorError("cursor is not valid")
    return values


def build_search_body(params: MentionSearch, text_query: dict[str, Any] | None = None) -> dict[str, Any]:
    """Search body for ``params``. ``text_query`` (e.g. compiled from the Boolean query language)
    replaces the plain full-text ``q`` when given. Raises :class:`InvalidCursorError`."""
    must: list[dict[str, Any]] = []
    filters: list[dict[str, Any]] = []
    if text_query is not None:
        must.append(text_query)
    elif params.q:
        must.append(
            {
                "simple_query_string": {
                    "query": params.q,
                    "fields": ["title^2", "text", "author.name.text"],
                    "default_operator": "and",
                }
            }
        )
    for field, value in (
        ("lang", params.lang),
        ("sentiment.label", params.sentiment),
        ("source_type", params.source_type),
        ("source_id", params.source_id),
    ):
        if value:
            filters.append({"term": {field: value}})
    if params.since or params.until:
        rng: dict[str, str] = {}
        if params.since:
            rng["gte"] = params.since.isoformat()
        if params.until:
            rng["lt"] = params.until.isoformat()
        filters.append({"range": {"@timestamp": rng}})
    query: dict[str, Any] = {"bool": {"must": must or [{"match_all": {}}], "filter": filters}}
    sort: list[Any] = (
        [{"_score": "desc"}, {"@timestamp": "desc"}, {"id": "asc"}]
        if params.sort == "relevance"
        else [{"@timestamp": "desc"}, {"id": "asc"}]
    )
    body: dict[str, Any] = {
        "query": query,
        "sort": sort,
        "size": max(1, min(params.size, MAX_PAGE)),
        "track_total_hits": 10_000,
        "highlight": {
            "fields": {"title": {}, "text": {"fragment_size": 160, "number_of_fragments": 2}},
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
        },
    }
    if params.cursor:
        body["search_after"] = decode_cursor(params.cursor)
    return body
