"""The query-language fields of an Elasticsearch document (so the same Boolean query can run in
Elasticsearch): computed by :func:`ecoute.query.index_fields` from the same view the stream matcher uses.
"""

from __future__ import annotations

from typing import Any

from ecoute.query import index_fields
from enrich.matching import matchable
from schemas.mention import EnrichedMention


def mention_query_fields(mention: EnrichedMention) -> dict[str, Any]:
    return dict(index_fields(matchable(mention, mention.lang)))
