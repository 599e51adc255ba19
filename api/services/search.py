"""Mention search: filters → Elasticsearch query, and opaque cursors. Pure.

* Tenant isolation: every query starts with ``term tenant = <caller's tenant>`` in filter context, on the
  per-tenant documents; there is no code path that builds a query without it.
* ``q`` (Boolean query language) is parsed and compiled with :func:`ecoute.query.to_elasticsearch`, so
  it selects exactly the mentions the stream matcher would match (filter context). With
  ``sort=relevance`` its positive words also score (stemmed French/English fields, folded tokens).
* ``text`` (free text) requires every word, with French or English stemming by the mention's language,
  or the accent-folded form (:mod:`ecoute.search_analysis`): ``grève`` finds ``grèves``.
* Pagination uses ``search_after`` on (sort key, ``id``) so deep pages stay cheap and stable while
  mentions arrive; the cursor is the last hit's sort values, base64url JSON, tagged with the sort.

Failure modes: :class:`ecoute.query.QuerySyntaxError` (bad ``q``), :class:`InvalidRequestError` (bad
cursor, ``text`` without a word).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Final

from api.models.mentions import MentionFilters, MentionSearchParams
from ecoute.query import (
    CaseSensitive,
    Handle,
    Hashtag,
    Not,
    Phrase,
    QueryNode,
    Word,
    normalize,
    parse,
    to_elasticsearch,
    tokenize,
)
from ecoute.search_analysis import FIELD_OF, LANGUAGES, analyze

QUERY_TEXT_FIELD: Final = "q_text"
HIDDEN_SOURCE: Final = ["q_*", "text_fr", "text_en", "matches", "tenants"]
TOTAL_HITS_LIMIT: Final = 10_000
_SORTS: Final = {
    "date": [{"@timestamp": "desc"}, {"id": "asc"}],
    "relevance": [{"_score": "desc"}, {"@timestamp": "desc"}, {"id": "asc"}],
}


class InvalidRequestError(ValueError):
    """A request parameter is well-typed but unusable (``field`` names it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def compile_q(q: str | None) -> QueryNode | None:
    """The AST of ``q`` (None when absent or blank). Raises QuerySyntaxError."""
    if q is None or not q.strip():
        return None
    return parse(q)


def text_clause(text: str) -> dict[str, Any]:
    """Every word of ``text``, stemmed French, stemmed English or accent-folded (scoring clause)."""
    shoulds: list[dict[str, Any]] = []
    for lang in LANGUAGES:
        forms = analyze(text, lang)
        if forms:
            shoulds.append({"match": {FIELD_OF[lang]: {"query": " ".join(forms), "operator": "and"}}})
    folded = [t.norm for t in tokenize(text)]
    if not folded:
        raise InvalidRequestError("text", "text has no word to search for")
    shoulds.append({"match": {QUERY_TEXT_FIELD: {"query": " ".join(folded), "operator": "and"}}})
    return {"bool": {"should": shoulds, "minimum_should_match": 1}}


def positive_words(node: QueryNode) -> list[str]:
    """Normalised words of the positive leaves of ``node`` (what relevance scoring looks for)."""
    out: list[str] = []

    def walk(n: object) -> None:
        if isinstance(n, Not):
            return
        if isinstance(n, Word):
            out.append(n.token)
        elif isinstance(n, Phrase):
            out.extend(n.tokens)
        elif isinstance(n, CaseSensitive):
            out.extend(normalize(t) for t in n.tokens)
        elif isinstance(n, Hashtag):
            out.append(n.tag)
        elif isinstance(n, Handle):
            out.append(n.handle)
        for attr in ("children", "child", "left", "right"):
            value = getattr(n, attr, None)
            if isinstance(value, tuple):
                for child in value:
                    walk(child)
            elif value is not None:
                walk(value)

    walk(node)
    return list(dict.fromkeys(out))


def scoring_clauses(node: QueryNode) -> list[dict[str, Any]]:
    """Optional clauses that rank the mentions a Boolean query selected (more occurrences first)."""
    words = positive_words(node)
    if not words:
        return []
    text = " ".join(words)
    clauses: list[dict[str, Any]] = [{"match": {QUERY_TEXT_FIELD: {"query": text}}}]
    for lang in LANGUAGES:
        forms = analyze(text, lang)
        if forms:
            clauses.append({"match": {FIELD_OF[lang]: {"query": " ".join(forms)}}})
    return clauses


def filter_clauses(f: MentionFilters, tenant: str, node: QueryNode | None = None) -> list[dict[str, Any]]:
    """Filter-context clauses of ``f`` for ``tenant`` (the tenant clause always comes first)."""
    filters: list[dict[str, Any]] = [{"term": {"tenant": tenant}}]
    for field, values in (
        ("lang", f.lang),
        ("sentiment.label", list(f.sentiment)),
        ("source_id", f.source_id),
        ("source_type", f.source_type),
        ("query_ids", f.query_id),
    ):
        if values:
            filters.append({"terms": {field: list(values)}})
    if f.author:
        filters.append({"term": {"author.key": f.author}})
    if f.read is True:
        filters.append({"term": {"state.read": True}})
    elif f.read is False:
        filters.append({"bool": {"must_not": [{"term": {"state.read": True}}]}})
    if f.tag:
        filters.append({"term": {"state.tags": f.tag}})
    if f.assignee:
        filters.append({"term": {"state.assignee": f.assignee}})
    if f.since or f.until:
        rng: dict[str, str] = {}
        if f.since:
            rng["gte"] = f.since.isoformat()
        if f.until:
            rng["lt"] = f.until.isoformat()
        filters.append({"range": {"@timestamp": rng}})
    if node is not None:
        filters.append(to_elasticsearch(node))
    return filters


def build_query(
    f: MentionFilters, tenant: str, node: QueryNode | None, *, score: bool = False
) -> dict[str, Any]:
    """The ``query`` of a request: filters, plus scoring clauses when ``score``."""
    bool_query: dict[str, Any] = {"filter": filter_clauses(f, tenant, node)}
    if f.text:
        bool_query["must"] = [text_clause(f.text)]
    if score and node is not None:
        should = scoring_clauses(node)
        if should:
            bool_query["should"] = should
    return {"bool": bool_query}


def encode_cursor(sort: str, sort_values: list[Any]) -> str:
    raw = json.dumps([sort[0], *sort_values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> list[Any]:
    """Sort values of a cursor made by :func:`encode_cursor` for the same ``sort``."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidRequestError("cursor", "cursor is not valid") from exc
    expected = len(_SORTS[sort]) + 1
    if (
        not isinstance(values, list)
        or len(values) != expected
        or values[0] != sort[0]
        or not all(isinstance(v, int | float | str) and not isinstance(v, bool) for v in values[1:])
    ):
        raise InvalidRequestError("cursor", "cursor is not valid (or belongs to another sort order)")
    return values[1:]


def build_search_body(params: MentionSearchParams, tenant: str, node: QueryNode | None) -> dict[str, Any]:
    """Search body for one page. Raises :class:`InvalidRequestError`."""
    relevance = params.sort == "relevance"
    body: dict[str, Any] = {
        "query": build_query(params, tenant, node, score=relevance),
        "sort": _SORTS[params.sort],
        "size": params.size,
        "track_total_hits": TOTAL_HITS_LIMIT,
        "_source": {"excludes": HIDDEN_SOURCE},
    }
    if params.cursor:
        body["search_after"] = decode_cursor(params.cursor, params.sort)
    return body


def sort_for(sort: str) -> list[dict[str, str]]:
    return list(_SORTS[sort])
