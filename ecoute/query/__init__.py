"""The Boolean brand-query language: parse, normalise, match in the stream, translate to Elasticsearch.

Language (see ``README.md`` in this directory for the full reference)::

    sncf OR "sncf voyageurs"           words, "exact phrases", OR
    (sncf OR ouigo) grève NOT ratp     juxtaposition = AND; "a NOT b" = a AND NOT b; leading NOT allowed
    sncf NEAR/3 retard                 at most 3 other tokens between, either order; NEAR/3f: in order
    grév*  #SNCF  @SNCF  {Orange}      prefix (>= 3 chars), hashtag only, handle only, case-sensitive
    author:lemonde site:lemonde.fr lang:fr source:rss

Matching is case- and accent-insensitive on tokens (runs of letters/digits; apostrophes, hyphens and
other punctuation split), a bare word also matches the same hashtag or handle. One AST, two back ends
that agree: :class:`QueryIndex` (stream, Aho-Corasick prefilter) and :func:`to_elasticsearch`.
"""

from __future__ import annotations

from ecoute.query.describe import describe
from ecoute.query.doc import MatchableDoc, PreparedDoc, prepare
from ecoute.query.errors import QuerySyntaxError
from ecoute.query.es_dsl import ES_QUERY_FIELD_MAPPINGS, index_fields, index_fields_prepared, to_elasticsearch
from ecoute.query.explain import Explanation, Hit, QueryMatchResult
from ecoute.query.index import QueryIndex, naive_match
from ecoute.query.matcher import CompiledQuery, QueryMatcher, compile_query
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
from ecoute.query.normalize import Token, TokenKind, normalize, tokenize
from ecoute.query.parser import parse

__all__ = [
    "ES_QUERY_FIELD_MAPPINGS",
    "And",
    "CaseSensitive",
    "CompiledQuery",
    "Explanation",
    "Field",
    "Handle",
    "Hashtag",
    "Hit",
    "MatchableDoc",
    "Near",
    "Not",
    "Or",
    "Phrase",
    "Prefix",
    "PreparedDoc",
    "QueryIndex",
    "QueryMatchResult",
    "QueryMatcher",
    "QueryNode",
    "QuerySyntaxError",
    "Token",
    "TokenKind",
    "Word",
    "compile_query",
    "describe",
    "index_fields",
    "index_fields_prepared",
    "naive_match",
    "normalize",
    "parse",
    "prepare",
    "to_elasticsearch",
    "tokenize",
]
