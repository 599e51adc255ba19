"""A local webhook receiver: verifies Standard Webhooks signatures (with the ``standardwebhooks``
library, independently of our signer), records and prints what it receives.

Used by ``ecoute receiver``, the demo, the tests and the benchmark. Its answers can be changed while it
runs (``behave``: status, ``Retry-After``, delay) and it can be stopped and restarted on the same port to
play an endpoint that is down for a while. Requests with a bad signature are answered ``401`` and
recorded as such.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


@dataclass(frozen=True, slots=True)
class Received:
    """One request as the receiver saw it."""

    at: float
    path: str
    webhook_id: str | None
    timestamp: str | None
    verified: bool
    error: str | None
    status: int
    payload: dict[str, Any] | None

    @property
    def alert(self) -> dict[str, Any] | None:
        """The alert of a standard-format delivery (``data``), if any."""
        if self.payload is None:
            return None
        data = self.payload.get("data")
        return data if isinstance(data, dict) else None


@dataclass(slots=True)
class Behaviour:
    status: int = 200
    retry_after: str | None = None
    delay_s: float = 0.0


@dataclass(slots=True)
class _Server:
    loop: asyncio.AbstractEventLoop
    runner: web.AppRunner
    thread: threading.Thread
    started: threading.Event = field(default_factory=threading.Event)


class WebhookReceiver:
    """``with WebhookReceiver(secret) as r: r.url …`` — serves ``POST /hooks[/<anything>]``."""

    def __init__(
        self,
        secret: str | None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        on_receive: Callable[[Received], None] | None = None,
    ) -> None:
        self.secret = secret
        self.host = host
        self.port = port
        self.on_receive = on_receive
        self.behaviour = Behaviour()
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._webhook = Webhook(secret) if secret else None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/hooks"

    def behave(self, status: int = 200, retry_after: str | None = None, delay_s: float = 0.0) -> None:
        """Answer every next request with ``status`` (after ``delay_s``), with ``Retry-After``."""
        self.behaviour = Behaviour(status, retry_after, delay_s)

    def snapshot(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def accepted(self) -> list[Received]:
        """Verified requests answered with a 2xx."""
        return [r for r in self.snapshot() if r.verified and 200 <= r.status < 300]

    def wait_for(self, predicate: Callable[[list[Received]], bool], timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if predicate(self.snapshot()):
                return True
            time.sleep(0.05)
        return predicate(self.snapshot())

    # --- server -----------------------------------------------------------------------------------
    def _verify(self, body: bytes, headers: dict[str, str]) -> tuple[bool, str | None]:
        if self._webhook is None:
            return True, None
        try:
            self._webhook.verify(body, headers, json_parse=False)
        except (WebhookVerificationError, ValueError) as exc:
            return False, str(exc)
        return True, None

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = dict(request.headers)
        verified, error = self._verify(body, headers)
        behaviour = self.behaviour
        if behaviour.delay_s:
            await asyncio.sleep(behaviour.delay_s)
        status = behaviour.status if verified else 401
        try:
            payload = json.loads(body) if body else None
        except ValueError:
            payload = None
        received = Received(
            at=time.time(),
            path=request.path,
            webhook_id=request.headers.get("webhook-id"),
            timestamp=request.headers.get("webhook-timestamp"),
            verified=verified,
            error=error,
            status=status,
            payload=payload if isinstance(payload, dict) else None,
        )
        with self._lock:
            self.received.append(received)
        if self.on_receive is not None:
            self.on_receive(received)
        extra = {"Retry-After": behaviour.retry_after} if behaviour.retry_after and status >= 400 else {}
        return web.Response(status=status, text="ok" if status < 400 else "no", headers=extra)

    def start(self) -> WebhookReceiver:
        """Listen (on the same port as before when restarted). Returns self."""
        if self._server is not None:
            return self
        loop = asyncio.new_event_loop()
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/hooks", self._handle)
        app.router.add_post("/hooks/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None)
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(runner.setup())
                site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
                loop.run_until_complete(site.start())
                sockets = runner.addresses
                if sockets:
                    self.port = int(sockets[0][1])
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        thread = threading.Thread(target=serve, name=f"receiver:{self.port}", daemon=True)
        thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        self._server = _Server(loop, runner, thread)
        return self

    def stop(self) -> None:
        """Stop listening (connections are refused until :meth:`start`)."""
        server, self._server = self._server, None
        if server is None:
            return
        server.loop.call_soon_threadsafe(server.loop.stop)
        server.thread.join(10)

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
