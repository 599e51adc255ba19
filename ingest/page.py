"""The contract between connectors and the runner.

A connector turns a source into an async iterator of :class:`Page` s: the mentions of one API page (or
one batch of stream events), the items that could not be parsed (:class:`Reject`, sent to
``dlq.ingest``), and the position to checkpoint once all of that is durable in Kafka. The runner owns
deduplication, producing, flushing and checkpointing, in that order, page by page.

A connector signals a failed poll by raising :class:`SourceError` (the runner records it, backs off and
goes on); pages yielded before the error are kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from schemas.cursor import Position, SourceCursor
from schemas.mention import RawMention

if TYPE_CHECKING:
    from ingest.client import HttpSession
    from ingest.robots import RobotsCache


class SourceError(Exception):
    """A poll failed (HTTP error, refused URL, unparseable page…). ``retry_after_s``: server's wish."""

    def __init__(self, reason: str, retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class Reject:
    """An item (or a whole payload) that could not become a mention."""

    reason: str
    payload: bytes
    where: str  # position in the source, e.g. "entry#3", "status 1234", "page https://…"


@dataclass(slots=True)
class Page:
    """One unit of progress: checkpoint ``position`` once ``mentions`` and ``rejects`` are durable."""

    mentions: list[RawMention] = field(default_factory=list)
    position: Position | None = None  # None: unchanged
    rejects: list[Reject] = field(default_factory=list)
    fetched: int = 0  # items the source returned (mentions + rejects + deleted)
    deleted: int = 0  # deleted/removed items skipped
    not_modified: bool = False
    problem: str | None = None  # non-fatal oddity (ill-formed feed kept partially)


@dataclass(slots=True)
class ConnectorContext:
    """What connectors may use: the polite HTTP session, limits, the stop signal."""

    http: HttpSession
    robots: RobotsCache
    stop: asyncio.Event
    max_text_chars: int
    allow_private: bool
    user_agent: str
    once: bool = False  # streams: catch up, then return


class Connector(Protocol):
    """A source kind's connector. ``streaming`` connectors run until ``ctx.stop`` (or caught up when
    ``ctx.once``); polling ones return after one poll."""

    streaming: bool

    def describe(self) -> str:
        """Where it reads from (URL), for logs and reports."""
        ...

    def pages(self, ctx: ConnectorContext, cursor: SourceCursor) -> AsyncGenerator[Page, None]:
        """Pages from the checkpoint ``cursor`` onwards."""
        ...
