"""Elasticsearch back end: the index fields a query targets, their mapping, and the query DSL.

The cluster has no analysis-common module (no lowercase/asciifolding/elision filters), so all
normalisation happens here in Python with :func:`ecoute.query.tokenize`, and Elasticsearch only splits
pre-normalised tokens on spaces with the built-in ``whitespace`` analyzer:

``q_text``    text, whitespace; values = normalised tokens of [title, text] (title omitted when empty);
              positions; ``position_increment_gap`` 1000 > max NEAR distance, so neither phrases nor
              NEAR cross from title to body (the stream matcher analyses the fields separately).
``q_exact``   same with the exact (case/accent-preserving) forms, for ``{Word}``.
``q_hashtags`` / ``q_handles``  keyword: normalised hashtag / handle bodies.
``q_author`` / ``q_site`` / ``q_lang`` / ``q_source``  keyword: the keys of :mod:`ecoute.query.fields`.

Translation: Word → ``term`` q_text; Phrase → ``match_phrase`` q_text; Prefix → ``prefix`` q_text;
Hashtag/Handle → ``term`` on their keyword field; {Case} → ``term``/``match_phrase`` q_exact;
field → ``term``; NEAR → ``span_near`` (slop = n, ``in_order`` for ``f``) over ``span_term``,
``span_multi``/``prefix``, phrase as ``span_near`` slop 0 in order, OR-group as ``span_or``;
And → ``bool.filter`` + ``bool.must_not`` for negated children; Or → ``bool.should`` with
``minimum_should_match`` 1; Not → ``bool.must_not``. Everything is in filter form (no scoring needed).
"""

from __future__ import annotations

from typing import Any, Final

from ecoute.query.doc import POSITION_GAP, MatchableDoc, PreparedDoc, prepare
from ecoute.query.errors import QuerySyntaxError
from ecoute.query.nodes import (
    And,
    CaseSensitive,
    Field,
    Handle,
    Hashtag,
    Near,
    Not,
    Or,
    Phrase,
    Prefix,
    QueryNode,
    Word,
)

TEXT_FIELD: Final = "q_text"
EXACT_FIELD: Final = "q_exact"
HASHTAGS_FIELD: Final = "q_hashtags"
HANDLES_FIELD: Final = "q_handles"
META_FIELDS: Final = {"author": "q_author", "site": "q_site", "lang": "q_lang", "source": "q_source"}

_POSITIONAL: Final[dict[str, object]] = {
    "type": "text",
    "analyzer": "whitespace",
    "search_analyzer": "whitespace",
    "position_increment_gap": POSITION_GAP,
    "index_options": "positions",
    "norms": False,
}
_KEYWORD: Final[dict[str, object]] = {"type": "keyword"}

ES_QUERY_FIELD_MAPPINGS: Final[dict[str, object]] = {
    TEXT_FIELD: dict(_POSITIONAL),
    EXACT_FIELD: dict(_POSITIONAL),
    HASHTAGS_FIELD: dict(_KEYWORD),
    HANDLES_FIELD: dict(_KEYWORD),
    **{field: dict(_KEYWORD) for field in META_FIELDS.values()},
}
"""``properties`` fragment for the fields :func:`index_fields` produces (merge into the index mapping)."""


def index_fields_prepared(d: PreparedDoc) -> dict[str, object]:
    """The query-language fields of an already prepared document (see :func:`index_fields`)."""
    hashtags: set[str] = set()
    handles: set[str] = set()
    for view in d.views:
        hashtags.update(view.tags)
        handles.update(view.handles)
    return {
        TEXT_FIELD: [" ".join(v.norms) for v in d.views],
        EXACT_FIELD: [" ".join(v.exacts) for v in d.views],
        HASHTAGS_FIELD: sorted(hashtags),
        HANDLES_FIELD: sorted(handles),
        META_FIELDS["author"]: list(d.author_keys),
        META_FIELDS["site"]: list(d.site_keys),
        META_FIELDS["lang"]: list(d.lang_keys),
        META_FIELDS["source"]: list(d.source_keys),
    }


def index_fields(doc: MatchableDoc) -> dict[str, object]:
    """The extra fields to store with ``doc`` so that :func:`to_elasticsearch` queries match it.

    Keys are exactly those of :data:`ES_QUERY_FIELD_MAPPINGS`; values are JSON-ready. Pure, never raises.
    """
    return index_fields_prepared(prepare(doc))


def to_elasticsearch(node: QueryNode) -> dict[str, Any]:
    """Translate ``node`` into an Elasticsearch query clause (put it in a ``query`` or ``filter``).

    Raises QuerySyntaxError (position 0) for a hand-built AST with an invalid NEAR operand.
    """
    if isinstance(node, Word):
        return {"term": {TEXT_FIELD: node.token}}
    if isinstance(node, Phrase):
        return {"match_phrase": {TEXT_FIELD: {"query": " ".join(node.tokens)}}}
    if isinstance(node, Prefix):
        return {"prefix": {TEXT_FIELD: {"value": node.prefix}}}
    if isinstance(node, Hashtag):
        return {"term": {HASHTAGS_FIELD: node.tag}}
    if isinstance(node, Handle):
        return {"term": {HANDLES_FIELD: node.handle}}
    if isinstance(node, CaseSensitive):
        if len(node.tokens) == 1:
            return {"term": {EXACT_FIELD: node.tokens[0]}}
        return {"match_phrase": {EXACT_FIELD: {"query": " ".join(node.tokens)}}}
    if isinstance(node, Field):
        return {"term": {META_FIELDS[node.name]: node.value}}
    if isinstance(node, Near):
        return _span(node)
    if isinstance(node, Not):
        return {"bool": {"must_not": [to_elasticsearch(node.child)]}}
    if isinstance(node, And):
        positive = [to_elasticsearch(c) for c in node.children if not isinstance(c, Not)]
        negative = [to_elasticsearch(c.child) for c in node.children if isinstance(c, Not)]
        body: dict[str, Any] = {}
        if positive:
            body["filter"] = positive
        if negative:
            body["must_not"] = negative
        return {"bool": body}
    return {"bool": {"should": [to_elasticsearch(c) for c in node.children], "minimum_should_match": 1}}


def _span(node: QueryNode) -> dict[str, Any]:
    """Span-query form of a NEAR operand."""
    if isinstance(node, Word):
        return {"span_term": {TEXT_FIELD: node.token}}
    if isinstance(node, Prefix):
        return {"span_multi": {"match": {"prefix": {TEXT_FIELD: {"value": node.prefix}}}}}
    if isinstance(node, Phrase):
        clauses = [{"span_term": {TEXT_FIELD: t}} for t in node.tokens]
        return {"span_near": {"clauses": clauses, "slop": 0, "in_order": True}}
    if isinstance(node, Or):
        return {"span_or": {"clauses": [_span(c) for c in node.children]}}
    if isinstance(node, Near):
        return {
            "span_near": {
                "clauses": [_span(node.left), _span(node.right)],
                "slop": node.distance,
                "in_order": node.ordered,
            }
        }
    raise QuerySyntaxError("NEAR operands must be words, phrases, wildcards or (… OR …) groups", 0)
