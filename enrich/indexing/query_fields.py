"""The query-language fields of an Elasticsearch document (so the same Boolean query can run in
Elasticsearch): computed by :func:`ecoute.query.index_fields_prepared` from the same view the stream
matcher uses. The prepared document (tokens of the title and text) is shared with the document's
analysed full-text fields, so the index sink tokenises each mention once.
"""

from __future__ import annotations

from typing import Any

from ecoute.query import PreparedDoc, index_fields_prepared, prepare
from enrich.matching import matchable
from schemas.mention import EnrichedMention


def prepare_mention(mention: EnrichedMention) -> PreparedDoc:
    """The mention as the query matcher sees it, analysed once with its full tokens (the analysed
    full-text fields and the exact forms need them; pure, never raises)."""
    return prepare(matchable(mention, mention.lang), tokenized=True)


def mention_query_fields(mention: EnrichedMention, prepared: PreparedDoc) -> dict[str, Any]:
    """The ``q_*`` fields of ``mention``, from its :func:`prepare_mention` (``prepared``)."""
    return dict(index_fields_prepared(prepared))
