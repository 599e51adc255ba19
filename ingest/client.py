"""The HTTP session every connector uses: SSRF guard, size/time limits, User-Agent, per-host
politeness (:class:`HostGate`), and retries of 429/5xx/network failures with ``Retry-After`` or
exponential backoff with full jitter.

``get`` returns the last :class:`FetchResult` (possibly with ``error``) after the retries; it raises
:class:`Deferred` when a host asks to wait longer than a poll may sleep and :class:`Stopping` on
shutdown. ``get_ok``/``get_json`` raise :class:`SourceError` instead of returning an error.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

import httpx

from ecoute.backoff import backoff_delay
from ecoute.settings import Settings
from ingest.fetch import FetchResult, fetch
from ingest.page import SourceError
from ingest.politeness import HostGate, host_of
from ingest.ratelimit import rate_limit_wait_s, retry_after_s
from schemas.common import utc_now

log = logging.getLogger(__name__)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def http_client(settings: Settings) -> httpx.AsyncClient:
    """The process's httpx client: timeouts, redirects, User-Agent, gzip."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.http_timeout_s),
        follow_redirects=True,
        max_redirects=5,
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
    )


class BadPayload(SourceError):
    """The server answered 2xx with a body we cannot decode; ``content`` is kept for the DLQ."""

    def __init__(self, reason: str, url: str, content: bytes) -> None:
        super().__init__(reason)
        self.url = url
        self.content = content


class HttpSession:
    """Polite GETs for connectors (one per process, shared)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        gate: HostGate,
        *,
        allow_private: bool,
        max_bytes: int,
        attempts: int = 3,
        backoff_base_s: float = 1.0,
        stop: asyncio.Event | None = None,
    ) -> None:
        self.client = client
        self.gate = gate
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.attempts = attempts
        self.backoff_base_s = backoff_base_s
        self.stop = stop

    def _note_limits(self, host: str, result: FetchResult) -> float | None:
        """Record the host's back-off wishes; returns the Retry-After delay if any."""
        now = utc_now()
        exhausted = rate_limit_wait_s(result.headers, now)
        if exhausted is not None:
            self.gate.defer(host, exhausted)
        wait = retry_after_s(result.retry_after, now)
        if wait is not None and result.status in RETRY_STATUSES:
            self.gate.defer(host, wait)
        return wait

    async def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        host = host_of(url)
        result = FetchResult(url, None, error="not attempted")
        for attempt in range(self.attempts):
            async with self.gate.slot(host, self.stop):
                result = await fetch(
                    self.client,
                    url,
                    max_bytes=self.max_bytes,
                    allow_private=self.allow_private,
                    etag=etag,
                    last_modified=last_modified,
                    params=params,
                    headers=headers,
                )
            asked = self._note_limits(host, result)
            retryable = result.status in RETRY_STATUSES or (result.status is None and not result.refused)
            if not retryable or attempt == self.attempts - 1:
                break
            if asked is None:
                self.gate.defer(host, backoff_delay(attempt, base_s=self.backoff_base_s))
            log.info(
                "retrying after %s",
                result.error,
                extra={"url": url, "attempt": attempt + 1, "retry_after": result.retry_after},
            )
        return result

    async def get_ok(self, url: str, **kwargs: Any) -> FetchResult:
        """Like :meth:`get`, but an error result raises :class:`SourceError` (with Retry-After)."""
        result = await self.get(url, **kwargs)
        if result.error:
            wait = retry_after_s(result.retry_after, utc_now())
            limited = rate_limit_wait_s(result.headers, utc_now())
            raise SourceError(f"{result.error} from {result.url}", wait if wait is not None else limited)
        return result

    async def get_json(self, url: str, **kwargs: Any) -> tuple[Any, FetchResult]:
        """GET and decode JSON; undecodable bodies raise :class:`BadPayload`."""
        result = await self.get_ok(url, **kwargs)
        try:
            return json.loads(result.content), result
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadPayload(
                f"invalid JSON from {result.url}: {exc}"[:500], result.url, result.content
            ) from exc
