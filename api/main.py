"""The FastAPI application factory. ``create_app(settings)`` wires clients in the lifespan; routes stay
thin. Errors are JSON ``{"detail": …}`` with a 4xx status for bad input, never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.routes import health, mentions
from ecoute.es import es_client
from ecoute.settings import Settings, get_settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.es = es_client(settings)
        try:
            yield
        finally:
            app.state.es.close()

    app = FastAPI(
        title="ecoute API",
        version="0.1.0",
        summary="Social listening for community managers: mentions, alerts and dashboards.",
        lifespan=lifespan,
    )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return JSONResponse(status_code=500, content={"detail": "internal error"})

    app.include_router(health.router)
    app.include_router(mentions.router)
    return app
