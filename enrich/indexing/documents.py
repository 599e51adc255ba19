"""EnrichedMention → Elasticsearch bulk actions. Pure.

One global document per mention and one per matching tenant. Actions are partial-document upserts
(``update`` + ``doc_as_upsert``): replaying a message rewrites the same document (same ``_id``) without
touching per-tenant state (read/tags/assignee), so at-least-once delivery gives exactly-once results.
Documents carry the French/English analysed text (:mod:`ecoute.search_analysis`) and the author key
used by facets, besides the query-language fields the caller's ``query_fields`` adds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ecoute import mentions_index
from ecoute.query import PreparedDoc, Token
from ecoute.search_analysis import analysis_fields
from enrich.indexing.query_fields import prepare_mention
from schemas.mention import EnrichedMention, EntityUpdate
from schemas.urls import site_host

Action = dict[str, Any]
QueryFields = Callable[[EnrichedMention, PreparedDoc], Mapping[str, Any]]
"""The query-language fields of a mention, given its prepared (tokenised) form."""
ENTITY_FIELDS = {
    "hashtag": "hashtags",
    "handle": "handles",
    "link": "links",
    "domain": "domains",
    "person": "persons",
    "organization": "organizations",
    "place": "places",
}


NAMED_KINDS = frozenset({"person", "organization", "place"})
"""Entity kinds found by spaCy: by the index sink itself (written with the mention) or by the NER worker
(``mentions.entities``, applied as partial updates)."""


def _tokens_of(prepared: PreparedDoc) -> Callable[[str], list[Token]]:
    """Tokens of the prepared title and text (computed once, shared with the query fields)."""
    views = {view.value: view for view in prepared.views}

    def tokens(text: str) -> list[Token]:
        return views[text].tokens

    return tokens


def base_source(m: EnrichedMention, indexed_at: datetime, prepared: PreparedDoc) -> dict[str, Any]:
    """Document fields common to the global and the tenant documents. ``prepared``: the mention's
    :func:`~enrich.indexing.query_fields.prepare_mention` (its tokens give the analysed text)."""
    doc: dict[str, Any] = m.model_dump(mode="json", exclude={"schema_version", "entities", "matches"})
    doc["@timestamp"] = doc["published_at"]
    doc["site"] = site_host(m.url)
    doc["indexed_at"] = indexed_at.isoformat()
    if doc.get("author") is not None:
        doc["author"]["key"] = mentions_index.author_key(doc["author"])
    doc.update(analysis_fields(m.title, m.text, m.lang, _tokens_of(prepared)))
    for kind, field in ENTITY_FIELDS.items():
        if kind not in NAMED_KINDS or any(e.kind == kind for e in m.entities):
            doc[field] = []  # named-entity fields are left alone unless set: NER owns them
    for entity in m.entities:
        target = ENTITY_FIELDS.get(entity.kind)
        if target and entity.text not in doc[target]:
            doc[target].append(entity.text)
    return doc


def mention_actions(
    m: EnrichedMention,
    *,
    prefix: str,
    indexed_at: datetime,
    query_fields: QueryFields | None = None,
) -> list[Action]:
    """Bulk actions for one mention: the global document, then one per matching tenant. The mention is
    tokenised once, for its analysed text and its query fields."""
    prepared = prepare_mention(m)
    base = base_source(m, indexed_at, prepared)
    if query_fields is not None:
        base.update(query_fields(m, prepared))
    all_matches = [match.model_dump(mode="json") for match in m.matches]
    global_doc = {
        **base,
        "tenant": None,
        "matches": all_matches,
        "tenants": sorted({match.tenant for match in m.matches}),
        "query_ids": sorted({f"{x.tenant}:{x.query_id}" for x in m.matches}),
    }
    actions: list[Action] = [
        {
            "_op_type": "update",
            "_index": mentions_index.monthly_index(prefix, "mentions", m.published_at),
            "_id": m.id,
            "doc": global_doc,
            "doc_as_upsert": True,
        }
    ]
    for tenant in sorted({match.tenant for match in m.matches}):
        own = [x for x in m.matches if x.tenant == tenant]
        doc = {
            **base,
            "tenant": tenant,
            "tenants": [tenant],
            "matches": [
                dumped for x, dumped in zip(m.matches, all_matches, strict=True) if x.tenant == tenant
            ],
            "query_ids": sorted({x.query_id for x in own}),
        }
        actions.append(
            {
                "_op_type": "update",
                "_index": mentions_index.monthly_index(prefix, "tenant-mentions", m.published_at),
                "_id": mentions_index.tenant_doc_id(tenant, m.id),
                "doc": doc,
                "doc_as_upsert": True,
            }
        )
    return actions


def entity_update_actions(update: EntityUpdate, *, prefix: str) -> list[Action]:
    """Partial updates (no upsert) setting the named-entity fields of the mention's global document
    and of each tenant's document. A document that does not exist yet answers 404 (see the sink)."""
    doc: dict[str, Any] = {ENTITY_FIELDS[kind]: [] for kind in NAMED_KINDS}
    for entity in update.entities:
        target = doc.get(ENTITY_FIELDS.get(entity.kind, ""))
        if target is not None and entity.text not in target:
            target.append(entity.text)
    targets: list[tuple[mentions_index.Family, str]] = [("mentions", update.id)]
    targets += [("tenant-mentions", mentions_index.tenant_doc_id(t, update.id)) for t in update.tenants]
    return [
        {
            "_op_type": "update",
            "_index": mentions_index.monthly_index(prefix, family, update.published_at),
            "_id": doc_id,
            "doc": doc,
            "doc_as_upsert": False,
        }
        for family, doc_id in targets
    ]
