"""``GET /health``: can we reach Kafka and Elasticsearch, and is the configuration loaded?
200 when all is well, 503 otherwise. No authentication (it reveals no tenant data)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response

from api.deps import EsDep, SettingsDep, StoreDep
from api.models.health import ComponentHealth, HealthPublic
from ecoute.kafka import broker_reachable

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthPublic, responses={503: {"model": HealthPublic}})
async def health(settings: SettingsDep, es: EsDep, store: StoreDep, response: Response) -> HealthPublic:
    bootstrap = settings.effective_kafka_bootstrap
    kafka_ok = await asyncio.to_thread(broker_reachable, bootstrap, 3.0)
    try:
        es_health = await asyncio.to_thread(lambda: es.options(request_timeout=3).cluster.health())
        es_ok, es_detail = es_health["status"] in ("green", "yellow"), f"cluster {es_health['status']}"
    except Exception as exc:
        es_ok, es_detail = False, f"{type(exc).__name__}: {exc}"[:300]
    body = HealthPublic(
        status="ok" if kafka_ok and es_ok and store.ready else "degraded",
        kafka=ComponentHealth(
            ok=kafka_ok, address=bootstrap, detail=None if kafka_ok else "no broker answered"
        ),
        elasticsearch=ComponentHealth(ok=es_ok, address=settings.effective_es_url, detail=es_detail),
        config_loaded=store.ready,
    )
    if body.status != "ok":
        response.status_code = 503
    return body
