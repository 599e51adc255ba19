"""The durable side of delivery: deliveries in Elasticsearch (``<prefix>-deliveries``, ``_id`` = the
``webhook-id``), used as outbox, retry schedule and queryable attempt log at once.

Why Elasticsearch rather than a compacted topic: deliveries must be *queried* (per tenant, subscription,
alert, state, time — the API's delivery log) and *scanned by due time* (the retry schedule spans hours
and must survive restarts); a compacted topic can do neither without rebuilding an index in memory.
Each document carries the partition of the ``alerts`` record it came from, so the deliverer owning that
partition is the one that retries it.

Failure modes: every method raises ``elasticsearch.TransportError`` (or ``RuntimeError`` for rejected
bulk items) when Elasticsearch does not accept the request; callers retry with backoff and do not
commit meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from elasticsearch import Elasticsearch

from schemas.webhooks import WebhookDelivery

MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "schema_version": {"type": "integer"},
        "id": {"type": "keyword"},
        "tenant": {"type": "keyword"},
        "subscription_id": {"type": "keyword"},
        "alert_id": {"type": "keyword"},
        "rule_id": {"type": "keyword"},
        "event_type": {"type": "keyword"},
        "url": {"type": "keyword", "index": False, "doc_values": False},
        "format": {"type": "keyword"},
        "partition": {"type": "integer"},
        "state": {"type": "keyword"},
        "attempt_count": {"type": "integer"},
        "attempts": {
            "properties": {
                "number": {"type": "integer"},
                "at": {"type": "date"},
                "status_code": {"type": "integer"},
                "error": {"type": "text"},
                "duration_ms": {"type": "float"},
                "outcome": {"type": "keyword"},
                "retry_after_s": {"type": "float"},
            }
        },
        "next_attempt_at": {"type": "date"},
        "created_at": {"type": "date"},
        "updated_at": {"type": "date"},
        "delivered_at": {"type": "date"},
        "dead_reason": {"type": "text"},
        "replays": {"type": "integer"},
        "body": {"type": "text", "index": False},
    },
}


def deliveries_index(prefix: str) -> str:
    return f"{prefix}-deliveries"


def ensure_deliveries_index(es: Elasticsearch, prefix: str) -> str:
    """Create the index if missing (idempotent; concurrent creation is fine). Returns its name."""
    name = deliveries_index(prefix)
    if not es.indices.exists(index=name):
        es.options(ignore_status=400).indices.create(index=name, mappings=MAPPING)
    return name


def _doc(delivery: WebhookDelivery) -> dict[str, Any]:
    return delivery.model_dump(mode="json")


def _raise_item_errors(items: Sequence[dict[str, Any]], allowed: set[int]) -> list[tuple[str, int]]:
    """(id, status) of every item; raises RuntimeError on a status outside 2xx and ``allowed``."""
    out = []
    for item in items:
        ((_, result),) = item.items()
        status = int(result.get("status", 500))
        if not 200 <= status < 300 and status not in allowed:
            raise RuntimeError(f"elasticsearch refused delivery {result.get('_id')}: {result.get('error')}")
        out.append((str(result.get("_id")), status))
    return out


class DeliveryOutbox:
    """Reads and writes deliveries."""

    def __init__(self, es: Elasticsearch, prefix: str) -> None:
        self.es = es
        self.index = deliveries_index(prefix)

    def create_many(self, deliveries: Sequence[WebhookDelivery]) -> tuple[list[str], list[str]]:
        """Create documents that do not exist yet. Returns (created ids, ids that already existed)."""
        if not deliveries:
            return [], []
        ops: list[dict[str, Any]] = []
        for d in deliveries:
            ops.append({"create": {"_index": self.index, "_id": d.id}})
            ops.append(_doc(d))
        response = self.es.bulk(operations=ops)
        results = _raise_item_errors(response["items"], allowed={409})
        created = [i for i, status in results if status != 409]
        existing = [i for i, status in results if status == 409]
        return created, existing

    def save_many(self, deliveries: Iterable[WebhookDelivery]) -> int:
        """Write (overwrite) documents; the last version of each id wins."""
        latest = {d.id: d for d in deliveries}
        if not latest:
            return 0
        ops: list[dict[str, Any]] = []
        for d in latest.values():
            ops.append({"index": {"_index": self.index, "_id": d.id}})
            ops.append(_doc(d))
        response = self.es.bulk(operations=ops)
        _raise_item_errors(response["items"], allowed=set())
        return len(latest)

    def get_many(self, ids: Sequence[str]) -> dict[str, WebhookDelivery]:
        """Real-time read (sees writes not yet refreshed)."""
        if not ids:
            return {}
        response = self.es.mget(index=self.index, ids=list(ids), realtime=True)
        out = {}
        for doc in response["docs"]:
            if doc.get("found"):
                out[doc["_id"]] = WebhookDelivery.model_validate(doc["_source"])
        return out

    def due(self, partitions: Iterable[int], before: datetime, limit: int = 1000) -> list[WebhookDelivery]:
        """Pending deliveries of ``partitions`` due before ``before`` (near real time), soonest first."""
        parts = sorted(set(partitions))
        if not parts:
            return []
        response = self.es.search(
            index=self.index,
            size=limit,
            query={
                "bool": {
                    "filter": [
                        {"term": {"state": "pending"}},
                        {"terms": {"partition": parts}},
                        {"range": {"next_attempt_at": {"lte": before.isoformat()}}},
                    ]
                }
            },
            sort=[{"next_attempt_at": "asc"}],
            ignore_unavailable=True,
        )
        return [WebhookDelivery.model_validate(h["_source"]) for h in response["hits"]["hits"]]

    def refresh(self) -> None:
        self.es.indices.refresh(index=self.index, ignore_unavailable=True)
