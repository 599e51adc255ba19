"""Keeps one task per configured source running, restarting those whose definition changed and
stopping those removed. Each task gets its own stop event, so stopping one source lets its in-flight
page finish and its cursor be written, like a SIGTERM does for all of them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from ingest.page import ConnectorContext
from schemas.source import SourceConfig

log = logging.getLogger(__name__)
Starter = Callable[[ConnectorContext, SourceConfig], Coroutine[Any, Any, None]]


@dataclass(slots=True)
class _Running:
    source: SourceConfig
    stop: asyncio.Event
    task: asyncio.Task[None]


class Supervisor:
    def __init__(self, context: Callable[[asyncio.Event], ConnectorContext], start: Starter) -> None:
        self._context = context
        self._start = start
        self.running: dict[str, _Running] = {}

    async def apply(self, sources: Sequence[SourceConfig]) -> None:
        """Make the running set match ``sources`` (enabled ones)."""
        wanted = {s.id: s for s in sources if s.enabled}
        for source_id in list(self.running):
            if source_id not in wanted or wanted[source_id] != self.running[source_id].source:
                log.info("stopping source", extra={"source": source_id})
                await self._stop(source_id)
        for source_id, source in wanted.items():
            if source_id not in self.running:
                stop = asyncio.Event()
                task = asyncio.create_task(
                    self._start(self._context(stop), source), name=f"source:{source_id}"
                )
                self.running[source_id] = _Running(source, stop, task)

    async def _stop(self, source_id: str) -> None:
        running = self.running.pop(source_id)
        running.stop.set()
        try:
            await running.task
        except Exception:
            log.exception("source task failed", extra={"source": source_id})

    async def stop_all(self) -> None:
        for running in self.running.values():
            running.stop.set()
        for source_id in list(self.running):
            await self._stop(source_id)
