"""Elasticsearch plumbing shared by the index sink and the API: client factory and index templates."""

from __future__ import annotations

import logging
from typing import Any

from elasticsearch import Elasticsearch

from ecoute import mentions_index
from ecoute.settings import Settings
from schemas.common import utc_now

log = logging.getLogger(__name__)


def es_client(settings: Settings, **kwargs: Any) -> Elasticsearch:
    """A client for the configured cluster (retries on timeouts and 429/5xx by the transport)."""
    return Elasticsearch(
        settings.effective_es_url, request_timeout=30, max_retries=3, retry_on_timeout=True, **kwargs
    )


def query_field_mappings() -> dict[str, Any]:
    """Mapping of the fields the query language compiles to (owned by :mod:`ecoute.query`)."""
    from ecoute.query import ES_QUERY_FIELD_MAPPINGS

    return dict(ES_QUERY_FIELD_MAPPINGS)


def ensure_mention_templates(es: Elasticsearch, prefix: str) -> None:
    """Install (or update) the index templates of both mention families. Idempotent."""
    extra = query_field_mappings()
    families: tuple[mentions_index.Family, ...] = ("mentions", "tenant-mentions")
    for family in families:
        name = f"{prefix}-{family}-v{mentions_index.MAPPING_VERSION}"
        es.indices.put_index_template(name=name, **mentions_index.index_template(prefix, family, extra))
        current = mentions_index.monthly_index(prefix, family, utc_now())
        if not es.indices.exists(index=current):
            es.options(ignore_status=400).indices.create(index=current)  # 400: created concurrently
    log.info("mention index templates installed", extra={"prefix": prefix})
