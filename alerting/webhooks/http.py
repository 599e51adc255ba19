"""One HTTP attempt of a delivery, and the SSRF guard on webhook URLs (thin shell over aiohttp)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import aiohttp

from ecoute.net import UnsafeUrlError, check_url

GUARD_TTL_S = 60.0
MAX_RESPONSE_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class AttemptResult:
    status: int | None
    error: str | None
    duration_ms: float
    retry_after: str | None


def endpoint_client(timeout_s: float, connect_timeout_s: float, max_in_flight: int) -> aiohttp.ClientSession:
    """A client for one endpoint: its own connection pool (a dead endpoint cannot starve others), no
    proxy settings from the environment. Redirects are refused per request (a redirect could point past
    the SSRF guard). Must be created inside the running event loop."""
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout_s, sock_connect=connect_timeout_s),
        connector=aiohttp.TCPConnector(limit=max_in_flight, ttl_dns_cache=60),
        trust_env=False,
        auto_decompress=False,
    )


async def post_webhook(
    client: aiohttp.ClientSession, url: str, headers: dict[str, str], body: bytes
) -> AttemptResult:
    """POST ``body``; never raises for network trouble (it is reported in ``error``). At most 64 KiB of
    the response body is read and discarded: enough for the connection to be kept alive and reused, and
    an endpoint cannot make us download more."""
    started = time.perf_counter()
    try:
        async with client.post(url, data=body, headers=headers, allow_redirects=False) as response:
            status = response.status
            retry_after = response.headers.get("retry-after")
            await response.content.read(MAX_RESPONSE_BYTES)
    except TimeoutError as exc:
        return AttemptResult(None, f"timeout: {type(exc).__name__}", _ms(started), None)
    except aiohttp.ClientError as exc:
        return AttemptResult(None, f"{type(exc).__name__}: {exc}"[:500], _ms(started), None)
    return AttemptResult(status, None, _ms(started), retry_after)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000.0


class UrlGuard:
    """:func:`ecoute.net.check_url` with resolution in a thread and a short cache of the verdicts."""

    def __init__(self, allow_private: bool, ttl_s: float = GUARD_TTL_S) -> None:
        self.allow_private = allow_private
        self.ttl_s = ttl_s
        self._cache: dict[str, tuple[float, str | None]] = {}

    async def check(self, url: str) -> None:
        """Raises :class:`~ecoute.net.UnsafeUrlError` if ``url`` must not be called."""
        now = time.monotonic()
        cached = self._cache.get(url)
        if cached is None or now - cached[0] > self.ttl_s:
            try:
                await asyncio.to_thread(check_url, url, allow_private=self.allow_private)
                verdict: str | None = None
            except UnsafeUrlError as exc:
                verdict = str(exc)
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[url] = (now, verdict)
            cached = self._cache[url]
        if cached[1] is not None:
            raise UnsafeUrlError(cached[1])
