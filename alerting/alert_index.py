"""The alert store: every alert in Elasticsearch (``<prefix>-alerts``, ``_id`` = alert id) with its
lifecycle, for the API (list, acknowledge/resolve, KPIs).

The webhook deliverer writes it (``op_type=create`` before committing the ``alerts`` offsets), so a
replayed alert never resets a lifecycle an operator already moved. Lifecycle updates by the API should
use ``if_seq_no``/``if_primary_term`` so two operators cannot overwrite each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from elasticsearch import Elasticsearch

from alerting.lifecycle import opened
from schemas.alert import Alert

SAMPLE_PROPERTIES: dict[str, Any] = {
    "mention_id": {"type": "keyword"},
    "url": {"type": "keyword", "index": False},
    "title": {"type": "text"},
    "excerpt": {"type": "text"},
    "author": {"type": "keyword"},
    "followers": {"type": "long"},
    "site": {"type": "keyword"},
    "source_id": {"type": "keyword"},
    "lang": {"type": "keyword"},
    "sentiment": {"type": "keyword"},
    "sentiment_score": {"type": "float"},
    "published_at": {"type": "date"},
}

MAPPING: dict[str, Any] = {
    "dynamic": False,
    "properties": {
        "id": {"type": "keyword"},
        "tenant": {"type": "keyword"},
        "rule_id": {"type": "keyword"},
        "rule_name": {"type": "text"},
        "kind": {"type": "keyword"},
        "query_id": {"type": "keyword"},
        "fired_at": {"type": "date"},
        "emitted_at": {"type": "date"},
        "grouped": {"type": "boolean"},
        "count": {"type": "integer"},
        "lang": {"type": "keyword"},
        "title": {"type": "text"},
        "text": {"type": "text"},
        "samples": {"properties": SAMPLE_PROPERTIES},
        "lifecycle": {
            "properties": {
                "status": {"type": "keyword"},
                "opened_at": {"type": "date"},
                "acknowledged_at": {"type": "date"},
                "acknowledged_by": {"type": "keyword"},
                "resolved_at": {"type": "date"},
                "resolved_by": {"type": "keyword"},
                "note": {"type": "text"},
            }
        },
    },
}


def alerts_index(prefix: str) -> str:
    return f"{prefix}-alerts"


def ensure_alerts_index(es: Elasticsearch, prefix: str) -> str:
    name = alerts_index(prefix)
    if not es.indices.exists(index=name):
        es.options(ignore_status=400).indices.create(index=name, mappings=MAPPING)
    return name


def alert_document(alert: Alert) -> dict[str, Any]:
    """The stored document: the alert plus an open lifecycle (opened when it fired)."""
    doc = alert.model_dump(mode="json")
    doc["lifecycle"] = opened(alert.fired_at).model_dump(mode="json")
    return doc


def create_operations(index: str, alerts: Sequence[Alert]) -> list[dict[str, Any]]:
    """Bulk ``create`` operations (an existing alert, e.g. replayed, is left as is: 409)."""
    ops: list[dict[str, Any]] = []
    for alert in alerts:
        ops.append({"create": {"_index": index, "_id": alert.id}})
        ops.append(alert_document(alert))
    return ops
