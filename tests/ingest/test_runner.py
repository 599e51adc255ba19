"""The runner: sources added/removed while running (config.sources changes), SIGTERM-like stop with
the cursor written, one failing source never stopping the others, delivery failures keep the cursor."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from aiohttp import web

from ingest.sources import FeedSourceConfig, SourceConfig
from tests.ingest.helpers import harness, serve


def rss(prefix: str, n: int) -> bytes:
    items = "".join(f"<item><guid>{prefix}-{i}</guid><title>{prefix} {i}</title></item>" for i in range(n))
    return f"<rss version='2.0'><channel>{items}</channel></rss>".encode()


async def _until(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    """Wait for ``condition``, failing the test after ``timeout_s`` (a loaded machine is slow)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_reload_starts_and_stops_sources_and_stop_writes_cursors() -> None:
    async def a(_r: web.Request) -> web.Response:
        return web.Response(body=rss("a", 2), content_type="application/rss+xml")

    async def b(_r: web.Request) -> web.Response:
        return web.Response(body=rss("b", 3), content_type="application/rss+xml")

    async with serve({"/a.xml": a, "/b.xml": b}) as server:
        src_a = FeedSourceConfig(id="a", url=f"{server.base_url}/a.xml", interval_s=3600)
        src_b = FeedSourceConfig(id="b", url=f"{server.base_url}/b.xml", interval_s=3600)
        h = harness([src_a])
        current: list[SourceConfig] = [src_a]

        async def reload() -> list[SourceConfig]:
            return list(current)

        stop = asyncio.Event()
        task = asyncio.create_task(h.ingestor.run_forever(stop, reload=reload, reload_every_s=0.05))
        await _until(lambda: len(h.mentions()) == 2)
        current[:] = [src_b]  # a removed, b added (as config.sources would say)
        await _until(lambda: len(h.mentions()) == 5)
        stop.set()
        await asyncio.wait_for(task, 10)
    assert sorted({m.source_id for m in h.mentions()}) == ["a", "b"] and len(h.mentions()) == 5
    assert set(h.store.cursors) == {"a", "b"}
    assert all(c.last_success_at is not None and c.pending is None for c in h.store.cursors.values())


async def test_a_failed_flush_leaves_the_cursor_so_the_page_comes_again() -> None:
    async def feed(_r: web.Request) -> web.Response:
        return web.Response(body=rss("x", 2), content_type="application/rss+xml")

    async with serve({"/x.xml": feed}) as server:
        h = harness([FeedSourceConfig(id="x", url=f"{server.base_url}/x.xml")])
        h.mentions_producer.fail_next_flush = True
        (failed,) = await h.ingestor.run_once()
        assert failed.error is not None and "DeliveryError" in failed.error
        cursor = h.store.cursors["x"]
        assert cursor.seen == {} and cursor.pending is not None and cursor.totals.errors == 1
        (retried,) = await h.ingestor.run_once()
    assert (retried.produced, retried.error) == (2, None)
    assert len(h.mentions()) == 2 and h.store.cursors["x"].pending is None
