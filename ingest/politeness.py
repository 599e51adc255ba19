"""Per-host politeness: a concurrency limit per host, and a "not before" time per host.

Every request of every connector goes through :meth:`HostGate.slot`: at most ``per_host`` requests in
flight per host, spaced by the host's crawl delay (robots.txt ``Crawl-delay``), and none before a time
the host asked for (``Retry-After``, exhausted rate limit). A wait longer than ``max_wait_s`` is not
slept inside a poll: :class:`Deferred` is raised so the scheduler postpones the whole poll instead.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit


class Deferred(Exception):
    """The host asked us to wait longer than a poll may sleep; retry the poll after ``wait_s``."""

    def __init__(self, host: str, wait_s: float) -> None:
        super().__init__(f"{host} asked to wait {wait_s:.0f}s")
        self.host = host
        self.wait_s = wait_s


class Stopping(Exception):
    """Shutdown was requested while waiting for a host."""


def host_of(url: str) -> str:
    """``host[:port]`` of a URL, lower-case (the unit of politeness)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


class HostGate:
    """Concurrency and pacing per host, shared by all connectors of a process."""

    def __init__(self, per_host: int = 2, max_wait_s: float = 60.0) -> None:
        self.per_host = per_host
        self.max_wait_s = max_wait_s
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._not_before: dict[str, float] = {}
        self._spacing: dict[str, float] = {}
        self._last_start: dict[str, float] = {}

    def defer(self, host: str, wait_s: float) -> None:
        """Make the next request to ``host`` wait at least ``wait_s`` seconds from now."""
        until = time.monotonic() + max(0.0, wait_s)
        self._not_before[host] = max(self._not_before.get(host, 0.0), until)

    def set_spacing(self, host: str, seconds: float) -> None:
        """Minimum time between two request starts to ``host`` (a robots.txt crawl delay)."""
        self._spacing[host] = max(0.0, seconds)

    def wait_needed(self, host: str) -> float:
        now = time.monotonic()
        earliest = max(
            self._not_before.get(host, 0.0),
            self._last_start.get(host, -1e18) + self._spacing.get(host, 0.0),
        )
        return max(0.0, earliest - now)

    @asynccontextmanager
    async def slot(self, host: str, stop: asyncio.Event | None = None) -> AsyncIterator[None]:
        """Hold one of ``host``'s request slots, after any wait the host asked for."""
        sem = self._sems.setdefault(host, asyncio.Semaphore(self.per_host))
        async with sem:
            while (wait := self.wait_needed(host)) > 0:
                if wait > self.max_wait_s:
                    raise Deferred(host, wait)
                if stop is None:
                    await asyncio.sleep(wait)
                    continue
                try:
                    await asyncio.wait_for(stop.wait(), timeout=wait)
                except TimeoutError:
                    continue
                raise Stopping(host)
            self._last_start[host] = time.monotonic()
            yield
