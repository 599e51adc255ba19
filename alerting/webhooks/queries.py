"""Elasticsearch queries over deliveries for the API (pure: they build request bodies).

Proposed route: ``GET /v1/webhooks/deliveries?subscription_id=&alert_id=&state=&since=&size=`` —
``search_body(tenant, …)`` is the body to send to ``<prefix>-deliveries``; every query is filtered by
the caller's tenant.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


def search_body(
    tenant: str,
    *,
    subscription_id: str | None = None,
    alert_id: str | None = None,
    state: str | None = None,
    since: datetime | None = None,
    size: int = 50,
) -> dict[str, Any]:
    """Newest deliveries of ``tenant`` matching the filters (bodies excluded from ``_source``)."""
    filters: list[dict[str, Any]] = [{"term": {"tenant": tenant}}]
    if subscription_id:
        filters.append({"term": {"subscription_id": subscription_id}})
    if alert_id:
        filters.append({"term": {"alert_id": alert_id}})
    if state:
        filters.append({"term": {"state": state}})
    if since:
        filters.append({"range": {"created_at": {"gte": since.isoformat()}}})
    return {
        "size": max(1, min(size, 500)),
        "query": {"bool": {"filter": filters}},
        "sort": [{"created_at": "desc"}, {"id": "asc"}],
        "_source": {"excludes": ["body"]},
    }
