"""Tenants' Boolean queries: validation by the parser and the public view. Pure."""

from __future__ import annotations

import secrets
from datetime import datetime

from api.models.queries import QueryCreate, QueryPublic, QueryUpdate
from ecoute.query import describe, parse
from schemas.config import QueryDefinition

MAX_QUERIES_PER_TENANT = 1000


def canonical(query: str) -> str:
    """Normalised form of a query. Raises :class:`ecoute.query.QuerySyntaxError` (message, position)."""
    return describe(parse(query))


def new_definition(tenant: str, body: QueryCreate, now: datetime) -> QueryDefinition:
    """Raises QuerySyntaxError for an invalid query."""
    canonical(body.query)
    return QueryDefinition(
        tenant=tenant,
        id=body.id or f"q-{secrets.token_hex(4)}",
        name=body.name,
        query=body.query,
        updated_at=now,
    )


def updated_definition(current: QueryDefinition, body: QueryUpdate, now: datetime) -> QueryDefinition:
    """Raises QuerySyntaxError for an invalid query."""
    query = body.query if body.query is not None else current.query
    canonical(query)
    return current.model_copy(
        update={
            "query": query,
            "name": body.name if body.name is not None else current.name,
            "updated_at": now,
        }
    )


def query_public(d: QueryDefinition) -> QueryPublic:
    try:
        text = canonical(d.query)
    except ValueError:  # stored before a grammar change: still shown, never matched
        text = ""
    return QueryPublic(id=d.id, name=d.name, query=d.query, canonical=text, updated_at=d.updated_at)
