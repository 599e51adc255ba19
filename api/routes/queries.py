"""A tenant's Boolean queries: CRUD, validated by the query parser (422 with message and position).

Saved queries are published to the compacted ``config.queries`` topic, which every enrichment worker
follows live: a change applies to the next mentions matched, without restart.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Response, status

from api.deps import NOT_FOUND, StoreDep, TenantRead, TenantWrite
from api.errors import query_problem
from api.models.common import error_responses
from api.models.queries import QueryCreate, QueryPublic, QueryUpdate
from api.services import queries as logic
from ecoute.query import QuerySyntaxError
from schemas.common import utc_now
from schemas.config import ENTITY_ID_PATTERN, QueryDefinition, query_key
from schemas.topics import CONFIG_QUERIES

router = APIRouter(prefix="/v1/queries", tags=["queries"])
QueryId = Annotated[str, Path(pattern=ENTITY_ID_PATTERN, examples=["bonval-crise"])]
ERRORS = error_responses(401, 404, 422, 503)


def _get(store: StoreDep, tenant: str, query_id: str) -> QueryDefinition:
    found = store.read(lambda v: v.queries.get((tenant, query_id)))
    if found is None:
        raise HTTPException(status_code=404, detail=NOT_FOUND)
    return found


@router.get("", response_model=list[QueryPublic], responses=error_responses(401, 404, 503))
def list_queries(tenant: TenantRead, store: StoreDep) -> list[QueryPublic]:
    found = store.read(
        lambda v: sorted((q for (t, _), q in v.queries.items() if t == tenant), key=lambda q: q.id)
    )
    return [logic.query_public(q) for q in found]


@router.post(
    "",
    response_model=QueryPublic,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 404, 409, 422, 503),
)
def create_query(body: QueryCreate, tenant: TenantWrite, store: StoreDep) -> QueryPublic:
    """Save a query. Invalid syntax → 422 with the message and the character position."""
    try:
        definition = logic.new_definition(tenant, body, utc_now())
    except QuerySyntaxError as exc:
        raise query_problem(exc, ["body", "query"]) from exc
    with store.mutation:
        existing = store.read(lambda v: [q for (t, q) in v.queries if t == tenant])
        if definition.id in existing:
            raise HTTPException(status_code=409, detail=f"query {definition.id} already exists")
        if len(existing) >= logic.MAX_QUERIES_PER_TENANT:
            raise HTTPException(status_code=409, detail=f"at most {logic.MAX_QUERIES_PER_TENANT} queries")
        store.write(CONFIG_QUERIES, [(definition.key, definition)])
    return logic.query_public(definition)


@router.get("/{query_id}", response_model=QueryPublic, responses=ERRORS)
def get_query(query_id: QueryId, tenant: TenantRead, store: StoreDep) -> QueryPublic:
    return logic.query_public(_get(store, tenant, query_id))


@router.patch("/{query_id}", response_model=QueryPublic, responses=ERRORS)
def update_query(query_id: QueryId, body: QueryUpdate, tenant: TenantWrite, store: StoreDep) -> QueryPublic:
    with store.mutation:
        try:
            definition = logic.updated_definition(_get(store, tenant, query_id), body, utc_now())
        except QuerySyntaxError as exc:
            raise query_problem(exc, ["body", "query"]) from exc
        store.write(CONFIG_QUERIES, [(definition.key, definition)])
    return logic.query_public(definition)


@router.delete("/{query_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def delete_query(query_id: QueryId, tenant: TenantWrite, store: StoreDep) -> Response:
    """Delete a query: it stops matching new mentions; mentions it already matched keep its id."""
    with store.mutation:
        _get(store, tenant, query_id)
        store.write(CONFIG_QUERIES, [(query_key(tenant, query_id), None)])
    return Response(status_code=204)
