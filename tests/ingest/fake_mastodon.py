"""A small Mastodon server replaying statuses shaped like the documented ``Status`` entity:
timelines with ``limit``/``min_id``/``since_id``/``max_id`` and ``Link`` headers, rate-limit headers,
and the streaming API (server-sent events)."""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from tests.ingest.helpers import payload

TEMPLATE = payload("mastodon_tag_page1.json")[1]


def make_status(n: int, text: str | None = None, **changes: Any) -> dict[str, Any]:
    status: dict[str, Any] = copy.deepcopy(TEMPLATE)
    sid = str(113_600_000_000_000_000 + n)
    status.update(
        id=sid,
        uri=f"https://mastodon.example/users/railfan/statuses/{sid}",
        url=f"https://mastodon.example/@railfan/{sid}",
        content=f"<p>{text or f'Message numéro {n} sur #greve'}</p>",
        created_at=f"2026-11-22T08:{n // 60 % 60:02d}:{n % 60:02d}.000Z",
    )
    status.update(changes)
    return status


class FakeMastodon:
    def __init__(self, statuses: list[dict[str, Any]]) -> None:
        self.statuses = statuses  # any order
        self.remaining = 300
        self.stream_events: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue()
        self.stream_status = 200

    def _sorted(self) -> list[dict[str, Any]]:
        return sorted(self.statuses, key=lambda s: int(s["id"]), reverse=True)

    async def timeline(self, request: web.Request) -> web.Response:
        q = request.query
        limit = int(q.get("limit", "20"))
        statuses = self._sorted()
        if "max_id" in q:
            statuses = [s for s in statuses if int(s["id"]) < int(q["max_id"])]
        if "since_id" in q:
            statuses = [s for s in statuses if int(s["id"]) > int(q["since_id"])]
        if "min_id" in q:
            newer = [s for s in statuses if int(s["id"]) > int(q["min_id"])]
            page = list(reversed(list(reversed(newer))[:limit]))  # the `limit` right after min_id
        else:
            page = statuses[:limit]
        self.remaining -= 1
        headers = {
            "X-RateLimit-Limit": "300",
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": (datetime.now(UTC) + timedelta(minutes=5)).isoformat(
                timespec="milliseconds"
            ),
        }
        if page:
            base = f"{request.url.scheme}://{request.url.host}:{request.url.port}{request.path}"
            headers["Link"] = (
                f'<{base}?limit={limit}&max_id={page[-1]["id"]}>; rel="next", '
                f'<{base}?limit={limit}&min_id={page[0]["id"]}>; rel="prev"'
            )
        return web.Response(text=json.dumps(page), content_type="application/json", headers=headers)

    async def stream(self, request: web.Request) -> web.StreamResponse:
        if self.stream_status != 200:
            return web.Response(status=self.stream_status, text='{"error":"Streaming API not available"}')
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(b":)\n\n")
        while True:
            item = await self.stream_events.get()
            if item is None:
                return resp
            event, data = item
            lines = "".join(f"data: {line}\n" for line in data.split("\n"))
            await resp.write(f"event: {event}\n{lines}\n:thump\n\n".encode())

    def routes(self) -> dict[str, Any]:
        return {
            "/api/v1/timelines/tag/{tag}": self.timeline,
            "/api/v1/timelines/public": self.timeline,
            "/api/v1/streaming/hashtag": self.stream,
        }
