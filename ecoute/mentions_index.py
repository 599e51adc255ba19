"""The mentions indices in Elasticsearch: names, mapping (versioned) and document ids.

Two alias families share one mapping:

* ``<prefix>-mentions``: one document per mention (``_id`` = mention id), every source, for analysts
  in Kibana and for pipeline checks;
* ``<prefix>-tenant-mentions``: one document per (tenant, mention) (``_id`` = ``tenant:mention id``)
  holding that tenant's matches and per-tenant state; tenant isolation is a filter on ``tenant``.

Concrete indices are monthly (``…-v<N>-YYYY.MM`` by publication time) and created on first write by an
index template that attaches them to the alias, so old months can be dropped. A mapping change bumps
``MAPPING_VERSION``; ``ecoute.es.migrate`` copies documents into the new version's indices and moves the
aliases. The distribution we run has no analysis-common module, so only built-in analyzers are used:
accent/case folding for the query language is done in Python (``ecoute.query.index_fields``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

MAPPING_VERSION = 1
Family = Literal["mentions", "tenant-mentions"]

KEYWORD = {"type": "keyword", "ignore_above": 1024}

BASE_PROPERTIES: dict[str, Any] = {
    "@timestamp": {"type": "date"},
    "id": {"type": "keyword"},
    "tenant": {"type": "keyword"},
    "source_type": {"type": "keyword"},
    "source_id": {"type": "keyword"},
    "native_id": {"type": "keyword", "ignore_above": 2048},
    "url": {"type": "keyword", "ignore_above": 4096},
    "site": {"type": "keyword"},
    "title": {"type": "text", "analyzer": "standard", "fields": {"keyword": KEYWORD}},
    "text": {"type": "text", "analyzer": "standard"},
    "truncated": {"type": "boolean"},
    "author": {
        "properties": {
            "handle": {"type": "keyword"},
            "name": {"type": "keyword", "fields": {"text": {"type": "text", "analyzer": "standard"}}},
            "url": {"type": "keyword", "index": False},
            "followers": {"type": "long"},
        }
    },
    "published_at": {"type": "date"},
    "published_at_estimated": {"type": "boolean"},
    "fetched_at": {"type": "date"},
    "enriched_at": {"type": "date"},
    "indexed_at": {"type": "date"},
    "lang": {"type": "keyword"},
    "lang_hint": {"type": "keyword"},
    "lang_confidence": {"type": "float"},
    "sentiment": {
        "properties": {
            "label": {"type": "keyword"},
            "score": {"type": "float"},
            "confidence": {"type": "float"},
            "cues": {"type": "keyword"},
        }
    },
    "matches": {
        "properties": {
            "tenant": {"type": "keyword"},
            "query_id": {"type": "keyword"},
            "terms": {"type": "object", "enabled": False},
        }
    },
    "query_ids": {"type": "keyword"},
    "tenants": {"type": "keyword"},
    "hashtags": {"type": "keyword"},
    "handles": {"type": "keyword"},
    "links": {"type": "keyword", "ignore_above": 4096},
    "domains": {"type": "keyword"},
    "persons": {"type": "keyword"},
    "organizations": {"type": "keyword"},
    "places": {"type": "keyword"},
    "tags": {"type": "keyword"},
    "engagement": {
        "properties": {
            "likes": {"type": "long"},
            "reposts": {"type": "long"},
            "replies": {"type": "long"},
            "score": {"type": "long"},
        }
    },
    "in_reply_to": {"type": "keyword", "ignore_above": 2048},
    "state": {
        "properties": {
            "read": {"type": "boolean"},
            "tags": {"type": "keyword"},
            "assignee": {"type": "keyword"},
            "updated_at": {"type": "date"},
        }
    },
}


def alias(prefix: str, family: Family) -> str:
    """The alias readers search (all months, current mapping version)."""
    return f"{prefix}-{family}"


def index_pattern(prefix: str, family: Family, version: int = MAPPING_VERSION) -> str:
    return f"{prefix}-{family}-v{version}-*"


def monthly_index(prefix: str, family: Family, when: datetime, version: int = MAPPING_VERSION) -> str:
    """Concrete index a document published at ``when`` (UTC) is written to."""
    return f"{prefix}-{family}-v{version}-{when:%Y.%m}"


def tenant_doc_id(tenant: str, mention_id: str) -> str:
    return f"{tenant}:{mention_id}"


def mapping(extra_properties: dict[str, Any] | None = None) -> dict[str, Any]:
    """Full mapping: base fields plus the query-language fields (dynamic mapping off: strict contract)."""
    props = dict(BASE_PROPERTIES)
    if extra_properties:
        clash = set(props) & set(extra_properties)
        if clash:
            raise ValueError(f"query fields clash with base fields: {sorted(clash)}")
        props.update(extra_properties)
    return {"dynamic": "strict", "_meta": {"mapping_version": MAPPING_VERSION}, "properties": props}


def index_template(
    prefix: str,
    family: Family,
    extra_properties: dict[str, Any] | None = None,
    shards: int = 1,
    replicas: int = 0,
) -> dict[str, Any]:
    """Body of the composable index template for one family."""
    return {
        "index_patterns": [index_pattern(prefix, family)],
        "priority": 100 + MAPPING_VERSION,
        "template": {
            "settings": {
                "number_of_shards": shards,
                "number_of_replicas": replicas,
                "refresh_interval": "1s",
            },
            "mappings": mapping(extra_properties),
            "aliases": {alias(prefix, family): {}},
        },
        "_meta": {"mapping_version": MAPPING_VERSION, "owner": "ecoute"},
    }
