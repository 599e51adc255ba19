"""Mentions of the caller's tenant: search, one mention, per-tenant state, streamed export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

from elasticsearch import ConflictError
from fastapi import APIRouter, HTTPException, Path, Query
from fastapi.responses import StreamingResponse

from api.deps import NOT_FOUND, EsDep, SettingsDep, TenantRead, TenantWrite
from api.errors import RequestProblem, query_problem
from api.es_io import PitPager, find_mention, search, tenant_index
from api.models.common import error_responses
from api.models.mentions import (
    ExportParams,
    MentionDetail,
    MentionPage,
    MentionPublic,
    MentionSearchParams,
    MentionStateUpdate,
)
from api.services import export as export_logic
from api.services import mentions as logic
from api.services.highlight import Highlighter
from api.services.search import (
    TOTAL_HITS_LIMIT,
    build_query,
    build_search_body,
    compile_q,
    encode_cursor,
    sort_for,
)
from ecoute.query import QueryNode, QuerySyntaxError
from schemas.common import utc_now

router = APIRouter(prefix="/v1/mentions", tags=["mentions"])
MentionId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", examples=["3f1c9a0e7b2d4c5a8e6f0a1b2c3d4e5f"])]
ERRORS = error_responses(401, 404, 422, 503)
STATE_ATTEMPTS = 5


def parse_q(q: str | None) -> QueryNode | None:
    """The AST of the ``q`` parameter; 422 with message and position when it does not parse."""
    try:
        return compile_q(q)
    except QuerySyntaxError as exc:
        raise query_problem(exc, ["query", "q"]) from exc


@router.get("", response_model=MentionPage, responses=ERRORS)
def search_mentions(
    params: Annotated[MentionSearchParams, Query()], tenant: TenantRead, es: EsDep, settings: SettingsDep
) -> MentionPage:
    """Search the tenant's mentions: Boolean query (`q`), free text (`text`) and filters; newest first or
    by relevance; highlights; `next_cursor` pagination (`search_after`)."""
    node = parse_q(params.q)
    body = build_search_body(params, tenant, node)
    resp = search(es, tenant_index(settings), body)
    hits = resp["hits"]["hits"]
    highlighter = Highlighter(node, params.text)
    total = resp["hits"]["total"]
    next_cursor = encode_cursor(params.sort, hits[-1]["sort"]) if len(hits) == params.size else None
    return MentionPage(
        total=int(total["value"]),
        total_is_exact=total.get("relation", "eq") == "eq" and int(total["value"]) < TOTAL_HITS_LIMIT,
        items=[logic.to_public(h, highlighter) for h in hits],
        next_cursor=next_cursor,
    )


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "every matching mention, streamed",
            "content": {"application/x-ndjson": {}, "text/csv": {}},
        },
        **ERRORS,
    },
)
def export_mentions(
    params: Annotated[ExportParams, Query()], tenant: TenantRead, es: EsDep, settings: SettingsDep
) -> StreamingResponse:
    """Export every mention a search selects (newest first), streamed as CSV or NDJSON, through a point
    in time so the export is consistent even while mentions arrive."""
    node = parse_q(params.q)
    query = build_query(params, tenant, node)
    pager = PitPager(es, tenant_index(settings), query, sort_for("date"), params.limit).start()
    mentions = (logic.to_public(hit) for hit in pager)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if params.format == "csv":
        chunks: Iterator[str] = export_logic.csv_chunks(mentions)
        media, ext = "text/csv; charset=utf-8", "csv"
    else:
        chunks = export_logic.ndjson_chunks(mentions)
        media, ext = "application/x-ndjson", "ndjson"
    return StreamingResponse(
        chunks,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="mentions-{tenant}-{stamp}.{ext}"'},
    )


@router.get("/{mention_id}", response_model=MentionDetail, responses=ERRORS)
def get_mention(mention_id: MentionId, tenant: TenantRead, es: EsDep, settings: SettingsDep) -> MentionDetail:
    """One mention, with why each of the tenant's queries matched it."""
    hit = find_mention(es, tenant_index(settings), tenant, mention_id)
    if hit is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return logic.to_detail(hit)


@router.patch("/{mention_id}", response_model=MentionPublic, responses=ERRORS)
def update_state(
    mention_id: MentionId, body: MentionStateUpdate, tenant: TenantWrite, es: EsDep, settings: SettingsDep
) -> MentionPublic:
    """Mark read/unread, tag, assign. Only the fields sent change. Safe against concurrent edits and
    re-indexing (optimistic concurrency on the document's sequence number)."""
    index = tenant_index(settings)
    for _ in range(STATE_ATTEMPTS):
        hit = find_mention(es, index, tenant, mention_id)
        if hit is None:
            raise HTTPException(status_code=404, detail=NOT_FOUND)
        try:
            state = logic.apply_state_update(logic.state_of(hit["_source"]), body, utc_now())
        except logic.TooManyTagsError as exc:
            raise RequestProblem(["body", "tags"], str(exc)) from exc
        try:
            es.update(
                index=hit["_index"],
                id=hit["_id"],
                doc={"state": state.model_dump(mode="json")},
                if_seq_no=hit["_seq_no"],
                if_primary_term=hit["_primary_term"],
                refresh="wait_for",
            )
        except ConflictError:
            continue
        hit["_source"]["state"] = state.model_dump(mode="json")
        return logic.to_public(hit)
    raise HTTPException(status_code=409, detail="the mention kept changing; retry")
