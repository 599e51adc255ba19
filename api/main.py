"""The FastAPI application factory. ``create_app(settings)`` wires clients in the lifespan; routes stay
thin. Errors are JSON ``{"detail": …}`` (see :mod:`api.errors`), never a stack trace.

Start-up: the administrator key is resolved (:mod:`api.config.admin_key`), the configuration store
starts replaying the ``config.*`` topics (bounded wait; until loaded, authenticated tenant requests get
503), and the mention index templates are installed (best effort: Elasticsearch may come later).
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from elasticsearch import ApiError, TransportError
from fastapi import FastAPI

from api import errors
from api.config.admin_key import resolve_admin_key
from api.config.store import ConfigStore
from api.routes import alerts, dashboards, health, mentions, queries, sources, tenants, webhooks
from api.security import hash_token
from ecoute.es import ensure_mention_templates, es_client
from ecoute.settings import Settings, get_settings

log = logging.getLogger(__name__)

DESCRIPTION = """
Social listening for community managers and agencies. Each agency client is a **tenant** with its own
queries, sources, mentions and keys.

* Authenticate with `Authorization: Bearer <key>`: the administrator key manages tenants and keys; a
  tenant key (scope `read` or `write`) works on its own tenant only.
* Anything outside the caller's scope answers **404**; invalid requests answer **422** with a message
  (and, for the query language, the character position); **503** when Elasticsearch or Kafka is down.
"""


def create_app(
    settings: Settings | None = None, *, admin_key: str | None = None, config_wait_s: float = 30.0
) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.es = es_client(settings, request_timeout=10, max_retries=1)
        app.state.admin_hash = hash_token(admin_key or resolve_admin_key(settings))
        store = ConfigStore(settings)
        app.state.config = store
        store.start()
        if not await asyncio.to_thread(store.wait_ready, config_wait_s):
            log.warning("configuration not loaded yet; tenant requests answer 503 until it is")
        try:
            await asyncio.to_thread(
                ensure_mention_templates,
                app.state.es,
                settings.index_prefix,
                settings.index_refresh_interval_s,
            )
        except (TransportError, ApiError) as exc:
            log.warning("could not install index templates now: %s", exc)
        # long-lived start-up objects (modules, models, the configuration) leave the collector's view:
        # full collections stay short, which keeps them out of the latency tail
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            store.stop()
            app.state.es.close()

    app = FastAPI(
        title="ecoute API",
        version="1.0.0",
        summary="Social listening for community managers: mentions, dashboards, queries, sources.",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    errors.install(app)
    for module in (health, tenants, queries, sources, mentions, dashboards, alerts, webhooks):
        app.include_router(module.router)
    return app
