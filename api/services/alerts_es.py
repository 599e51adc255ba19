"""The alert routes' Elasticsearch calls (thin I/O shell over the bodies of :mod:`api.services.alerts`).

Indices: ``<prefix>-alerts`` (written by the webhook deliverer, ``_id`` = alert id, with its lifecycle)
and ``<prefix>-deliveries`` (the delivery outbox and attempt log). Until the deliverer has created them
there is nothing to list: searches ignore a missing index.

Failures: the client's ``TransportError`` (unreachable) and ``ApiError`` (refused) propagate and become
503/422 in :mod:`api.errors`; :class:`~elasticsearch.ConflictError` (a concurrent lifecycle change) is
left to the caller, which re-reads and retries.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from elasticsearch import Elasticsearch

from alerting.alert_index import alerts_index
from alerting.lifecycle import Lifecycle
from alerting.webhooks.outbox import deliveries_index
from api.es_io import search
from api.models.alerts import KpiParams
from api.services import alerts as logic
from ecoute.settings import Settings


def alert_index_name(settings: Settings) -> str:
    return alerts_index(settings.index_prefix)


def delivery_index_name(settings: Settings) -> str:
    return deliveries_index(settings.index_prefix)


def find_alert(es: Elasticsearch, settings: Settings, tenant: str, alert_id: str) -> dict[str, Any] | None:
    """The tenant's alert hit (with ``_seq_no``/``_primary_term``), or None."""
    hits = search(es, alert_index_name(settings), logic.find_alert_body(tenant, alert_id))["hits"]["hits"]
    return dict(hits[0]) if hits else None


def write_lifecycle(es: Elasticsearch, hit: dict[str, Any], lifecycle: Lifecycle) -> None:
    """Replace the lifecycle of ``hit`` if nobody changed the alert since it was read (else
    ``ConflictError``); visible to searches when this returns."""
    es.update(
        index=hit["_index"],
        id=hit["_id"],
        doc={"lifecycle": lifecycle.model_dump(mode="json")},
        if_seq_no=hit["_seq_no"],
        if_primary_term=hit["_primary_term"],
        refresh="wait_for",
    )


def kpi_sources(
    es: Elasticsearch, settings: Settings, tenant: str, params: KpiParams
) -> Iterator[dict[str, Any]]:
    """``_source`` (rule id, lifecycle) of the tenant's matching alerts, newest first, page by page
    (``search_after``); the caller stops reading at its limit."""
    after: list[Any] | None = None
    while True:
        hits = search(es, alert_index_name(settings), logic.kpi_body(params, tenant, after))["hits"]["hits"]
        for hit in hits:
            yield dict(hit.get("_source") or {})
        if len(hits) < logic.KPI_PAGE:
            return
        after = list(hits[-1]["sort"])
