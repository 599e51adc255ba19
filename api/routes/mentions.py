"""``GET /v1/mentions``: full-text search over indexed mentions, newest first, cursor pagination."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query

from api.deps import EsDep, SettingsDep
from api.models import ErrorPublic, MentionPage, MentionPublic
from api.search import MAX_PAGE, InvalidCursorError, MentionSearch, build_search_body, encode_cursor
from ecoute import mentions_index

router = APIRouter(prefix="/v1", tags=["mentions"])


def to_public(hit: dict[str, Any]) -> MentionPublic:
    src = hit["_source"]
    return MentionPublic.model_validate({**src, "score": hit.get("_score")})


@router.get("/mentions", response_model=MentionPage, responses={422: {"model": ErrorPublic}})
async def search_mentions(
    settings: SettingsDep,
    es: EsDep,
    q: Annotated[
        str | None, Query(max_length=2000, description="full-text search (title, text, author)")
    ] = None,
    lang: Annotated[str | None, Query(max_length=10, examples=["fr"])] = None,
    sentiment: Annotated[Literal["negative", "neutral", "positive"] | None, Query()] = None,
    source_type: Annotated[str | None, Query(max_length=40)] = None,
    source_id: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[datetime | None, Query(description="published at or after (ISO 8601)")] = None,
    until: Annotated[datetime | None, Query(description="published before (ISO 8601)")] = None,
    sort: Annotated[Literal["date", "relevance"], Query()] = "date",
    size: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    cursor: Annotated[
        str | None, Query(max_length=2000, description="next_cursor of the previous page")
    ] = None,
) -> MentionPage:
    params = MentionSearch(
        q=q,
        lang=lang,
        sentiment=sentiment,
        source_type=source_type,
        source_id=source_id,
        since=since,
        until=until,
        sort=sort,
        size=size,
        cursor=cursor,
    )
    try:
        body = build_search_body(params)
    except InvalidCursorError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    index = mentions_index.alias(settings.index_prefix, "mentions")
    resp = await asyncio.to_thread(
        lambda: es.search(index=index, ignore_unavailable=True, allow_no_indices=True, **body)
    )
    hits = resp["hits"]["hits"]
    next_cursor = encode_cursor(hits[-1]["sort"]) if len(hits) == body["size"] else None
    return MentionPage(
        total=resp["hits"]["total"]["value"], items=[to_public(h) for h in hits], next_cursor=next_cursor
    )
