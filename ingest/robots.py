"""robots.txt politeness for crawled URLs (RSS/Atom feeds), after RFC 9309.

Per origin, ``/robots.txt`` is fetched once and cached (a day when read, ten minutes when unreachable).
2xx: its rules apply to our User-Agent; 4xx: no rules (everything allowed); 5xx or network failure:
the site is unreachable, so everything is disallowed until the next attempt. ``Crawl-delay`` spaces our
requests to that host (:meth:`HostGate.set_spacing`). Never raises for network problems.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from ingest.politeness import host_of

if TYPE_CHECKING:
    from ingest.client import HttpSession

log = logging.getLogger(__name__)
READ_TTL_S = 24 * 3600.0
UNREACHABLE_TTL_S = 600.0


@dataclass(slots=True)
class _Entry:
    parser: RobotFileParser | None  # None: unreachable, disallow all
    allow_all: bool
    expires: float
    problem: str | None = None


def parse_robots(text: str) -> RobotFileParser:
    """A parser holding the rules of a robots.txt body (pure)."""
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser


class RobotsCache:
    """Answers "may we fetch this URL?" per origin, fetching robots.txt lazily through ``session``."""

    def __init__(self, user_agent: str) -> None:
        self.user_agent = user_agent
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def _load(self, session: HttpSession, origin: str) -> _Entry:
        result = await session.get(f"{origin}/robots.txt")
        now = time.monotonic()
        if result.status is not None and 200 <= result.status < 300:
            text = result.content.decode("utf-8", "replace")
            return _Entry(parse_robots(text), False, now + READ_TTL_S)
        if result.status is not None and 400 <= result.status < 500:
            return _Entry(None, True, now + READ_TTL_S)
        log.warning("robots.txt unreachable: %s", result.error, extra={"url": f"{origin}/robots.txt"})
        return _Entry(None, False, now + UNREACHABLE_TTL_S, result.error)

    async def refusal(self, session: HttpSession, url: str) -> str | None:
        """Why ``url`` may not be fetched, or ``None`` if it may; applies the host's crawl delay."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        async with self._locks.setdefault(origin, asyncio.Lock()):  # one fetch per origin at a time
            entry = self._entries.get(origin)
            if entry is None or entry.expires < time.monotonic():
                entry = await self._load(session, origin)
                self._entries[origin] = entry
        if entry.allow_all:
            return None
        if entry.parser is None:
            return f"robots.txt of {origin} is unreachable ({entry.problem}): not fetching {url}"
        delay = entry.parser.crawl_delay(self.user_agent)
        if delay:
            session.gate.set_spacing(host_of(url), float(delay))
        if entry.parser.can_fetch(self.user_agent, url):
            return None
        return f"{url} is disallowed by robots.txt"
