"""Test helpers for connectors: an in-memory stand-in for confluent-kafka's Producer (it records what
would reach the broker and acknowledges on flush), a local aiohttp server on 127.0.0.1 with a request
log, and an Ingestor wired to them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from ecoute.kafka import DeadLetterProducer
from ecoute.settings import Settings
from ingest.cursor_store import MemoryCursorStore
from ingest.producer import MentionProducer
from ingest.runner import Ingestor
from schemas.dead_letter import DeadLetter
from schemas.mention import RawMention
from schemas.source import SourceConfig

PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


class RecordingProducer:
    """Accepts produce/poll/flush like confluent_kafka.Producer; delivers everything on flush."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, bytes | None, bytes | None]] = []
        self._queued: list[tuple[str, bytes | None, bytes | None, Any]] = []
        self.fail_next_flush = False

    def produce(self, topic: str, key: Any = None, value: Any = None, on_delivery: Any = None) -> None:
        key_b = key.encode() if isinstance(key, str) else key
        self._queued.append((topic, key_b, value, on_delivery))

    def poll(self, _timeout: float = 0) -> int:
        return 0

    def flush(self, _timeout: float = 0) -> int:
        queued, self._queued = self._queued, []
        for topic, key, value, callback in queued:
            error = "broker down" if self.fail_next_flush else None
            if error is None:
                self.delivered.append((topic, key, value))
            if callback is not None:
                callback(error, None)
        self.fail_next_flush = False
        return 0


@dataclass
class Harness:
    settings: Settings
    ingestor: Ingestor
    mentions_producer: RecordingProducer
    dlq_producer: RecordingProducer
    store: MemoryCursorStore

    def mentions(self) -> list[RawMention]:
        return [RawMention.model_validate_json(v) for _t, _k, v in self.mentions_producer.delivered if v]

    def dead_letters(self) -> list[DeadLetter]:
        return [DeadLetter.model_validate_json(v) for _t, _k, v in self.dlq_producer.delivered if v]


def harness(sources: list[SourceConfig], **settings: Any) -> Harness:
    s = Settings(allow_private_urls=True, kafka_bootstrap="127.0.0.1:1", **settings)
    mp, dp, store = RecordingProducer(), RecordingProducer(), MemoryCursorStore()
    ingestor = Ingestor(
        s,
        sources,
        MentionProducer(s, producer=mp),  # type: ignore[arg-type]
        DeadLetterProducer(s, "ingest", producer=dp),  # type: ignore[arg-type]
        store=store,
        backoff_base_s=0.01,
    )
    return Harness(s, ingestor, mp, dp, store)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class LocalServer:
    base_url: str
    requests: list[web.Request] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [r.path_qs for r in self.requests]


@asynccontextmanager
async def serve(routes: dict[str, Handler]) -> AsyncIterator[LocalServer]:
    """Serve ``routes`` ({"[METHOD ]path": handler}, GET by default) on 127.0.0.1, any free port;
    unknown paths get 404."""
    server = LocalServer("")

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        server.requests.append(request)
        return await handler(request)

    app = web.Application(middlewares=[record])
    for route, handler in routes.items():
        method, _, path = route.rpartition(" ")
        app.router.add_route(method or "GET", path, handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    server.base_url = f"http://{host}:{port}"
    try:
        yield server
    finally:
        await runner.cleanup()
