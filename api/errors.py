"""Exception → HTTP response mapping: one JSON shape (``ErrorPublic``) for every error.

* invalid request (pydantic, query syntax with position, unusable parameter) → 422 with the message;
* Elasticsearch unreachable, overloaded or failing, Kafka/config unavailable → 503 with the message
  (and ``Retry-After``); a request Elasticsearch refuses as too complex (400) → 422;
* anything else → 500 ``internal error`` (logged with the stack trace, never sent to the client).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from elasticsearch import ApiError, TransportError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.config.store import ConfigUnavailable
from api.models.common import ErrorItem, ErrorPublic
from api.services.search import InvalidRequestError
from api.services.sources import InvalidSourceError
from ecoute.query import QuerySyntaxError

log = logging.getLogger(__name__)


class RequestProblem(Exception):
    """A 422 raised by routes: where (``loc``), what (``msg``), and for query syntax the position."""

    def __init__(
        self, loc: list[str | int], msg: str, type_: str = "value_error", position: int | None = None
    ):
        super().__init__(msg)
        self.item = ErrorItem(loc=loc, msg=msg, type=type_, position=position)


def query_problem(exc: QuerySyntaxError, loc: list[str | int]) -> RequestProblem:
    return RequestProblem(loc, exc.message, "query_syntax", exc.position)


def _body(detail: str, errors: Sequence[ErrorItem] | None = None) -> dict[str, Any]:
    return ErrorPublic(detail=detail, errors=list(errors) if errors else None).model_dump(exclude_none=True)


def _describe(item: ErrorItem) -> str:
    where = ".".join(str(p) for p in item.loc[1:]) or (str(item.loc[0]) if item.loc else "request")
    at = f" at {item.position}" if item.position is not None else ""
    return f"{where}: {item.msg}{at}"


def _es_reason(exc: ApiError) -> str:
    info = exc.info if isinstance(exc.info, dict) else {}
    error = info.get("error") if isinstance(info, dict) else None
    if isinstance(error, dict):
        causes = error.get("root_cause") or [error]
        first = causes[0] if causes and isinstance(causes[0], dict) else error
        return f"{first.get('type', 'error')}: {first.get('reason', '')}"[:500]
    return str(exc.message)[:500]


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        items = [
            ErrorItem(
                loc=[p for p in e.get("loc", ()) if isinstance(p, str | int)],
                msg=str(e.get("msg", "invalid")),
                type=str(e.get("type", "value_error")),
            )
            for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content=_body("; ".join(_describe(i) for i in items), items))

    @app.exception_handler(RequestProblem)
    async def problem(request: Request, exc: RequestProblem) -> JSONResponse:
        return JSONResponse(status_code=422, content=_body(_describe(exc.item), [exc.item]))

    @app.exception_handler(InvalidRequestError)
    async def bad_parameter(request: Request, exc: InvalidRequestError) -> JSONResponse:
        item = ErrorItem(loc=["query", exc.field], msg=exc.message, type="value_error")
        return JSONResponse(status_code=422, content=_body(_describe(item), [item]))

    @app.exception_handler(InvalidSourceError)
    async def bad_source(request: Request, exc: InvalidSourceError) -> JSONResponse:
        item = ErrorItem(loc=exc.loc, msg=exc.message, type="value_error")
        return JSONResponse(status_code=422, content=_body(exc.message, [item]))

    @app.exception_handler(ConfigUnavailable)
    async def config_down(request: Request, exc: ConfigUnavailable) -> JSONResponse:
        log.warning("configuration unavailable: %s", exc, extra={"path": request.url.path})
        return JSONResponse(status_code=503, content=_body(str(exc)), headers={"Retry-After": "5"})

    @app.exception_handler(TransportError)
    async def es_down(request: Request, exc: TransportError) -> JSONResponse:
        log.warning("elasticsearch unavailable: %s", exc, extra={"path": request.url.path})
        detail = f"Elasticsearch is unavailable ({type(exc).__name__}); retry later"
        return JSONResponse(status_code=503, content=_body(detail), headers={"Retry-After": "5"})

    @app.exception_handler(ApiError)
    async def es_refused(request: Request, exc: ApiError) -> JSONResponse:
        status, reason = exc.meta.status, _es_reason(exc)
        if status == 400:
            item = ErrorItem(
                loc=["query"], msg=f"Elasticsearch rejected the search: {reason}", type="es_rejected"
            )
            return JSONResponse(status_code=422, content=_body(item.msg, [item]))
        log.warning("elasticsearch error %s: %s", status, reason, extra={"path": request.url.path})
        detail = f"Elasticsearch could not answer (HTTP {status}: {reason}); retry later"
        return JSONResponse(status_code=503, content=_body(detail), headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"path": request.url.path})
        return JSONResponse(status_code=500, content=_body("internal error"))
