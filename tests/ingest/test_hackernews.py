"""Hacker News connector against a local Algolia-like search API: created_at_i cursor, pagination,
deleted comments, stories vs comments."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web

from ingest.hackernews.parse import hit_to_mention
from ingest.items import Deleted
from ingest.sources import HackerNewsSourceConfig
from schemas.common import SourceType
from schemas.cursor import HackerNewsPosition
from schemas.mention import stable_mention_id
from tests.ingest.helpers import harness, payload, serve

NOW = datetime(2026, 11, 22, 9, tzinfo=UTC)


def test_hits_become_mentions() -> None:
    comment, story, dead = payload("hn_hits.json")["hits"]
    c = hit_to_mention(comment, source_id="hn", fetched_at=NOW, max_text_chars=1000)
    assert c.text == "Ferralis's refund form has been broken for weeks. link Second paragraph."
    assert (
        c.in_reply_to == "45000001"
        and stable_mention_id(SourceType.HACKERNEWS, c.in_reply_to)
        == hit_to_mention(story, source_id="hn", fetched_at=NOW, max_text_chars=1000).id
    )
    assert c.author is not None and c.author.url == "https://news.ycombinator.com/user?id=throwaway_rail"
    s = hit_to_mention(story, source_id="hn", fetched_at=NOW, max_text_chars=1000)
    assert (
        s.title == "Ferralis rail strike enters second week"
        and s.text == "https://news.example/ferralis-strike"
    )
    assert s.engagement is not None and (s.engagement.score, s.engagement.replies) == (142, 87)
    assert s.url == "https://news.ycombinator.com/item?id=45000001"
    with pytest.raises(Deleted):
        hit_to_mention(dead, source_id="hn", fetched_at=NOW, max_text_chars=1000)


class FakeAlgolia:
    def __init__(self, hits: list[dict[str, Any]]) -> None:
        self.hits = hits

    async def search(self, request: web.Request) -> web.Response:
        q = request.query
        hits = sorted(self.hits, key=lambda h: h["created_at_i"], reverse=True)
        if "numericFilters" in q:
            floor = int(q["numericFilters"].split(">=")[1])
            hits = [h for h in hits if h["created_at_i"] >= floor]
        per, page = int(q["hitsPerPage"]), int(q.get("page", 0))
        body = {
            "hits": hits[page * per : (page + 1) * per],
            "nbHits": len(hits),
            "page": page,
            "nbPages": (len(hits) + per - 1) // per,
            "hitsPerPage": per,
            "query": q["query"],
        }
        return web.Response(text=json.dumps(body), content_type="application/json")


def comment(n: int, t: int) -> dict[str, Any]:
    hit: dict[str, Any] = copy.deepcopy(payload("hn_hits.json")["hits"][0])
    hit.update(objectID=str(46_000_000 + n), created_at_i=t, comment_text=f"Ferralis comment {n}")
    return hit


async def test_cursor_pagination_same_second_and_deleted() -> None:
    fake = FakeAlgolia(payload("hn_hits.json")["hits"])
    async with serve({"/api/v1/search_by_date": fake.search}) as server:
        source = HackerNewsSourceConfig(
            id="hn", terms=("Ferralis",), api_url=f"{server.base_url}/api/v1", page_size=2
        )
        h = harness([source])
        (first,) = await h.ingestor.run_once()
        assert (first.produced, first.deleted, first.pages) == (2, 0, 1)  # newest page only
        t = 1795336212
        fake.hits += [comment(1, t), comment(2, t + 5), comment(3, t + 9), comment(4, t + 9)]
        (second,) = await h.ingestor.run_once()
        assert (second.produced, second.duplicates, second.error) == (4, 1, None)
        assert server.requests[-1].query["numericFilters"] == f"created_at_i>={t}"
        assert second.pages == 3
        (third,) = await h.ingestor.run_once()
        assert third.produced == 0
    position = h.store.cursors["hn"].position
    assert isinstance(position, HackerNewsPosition) and position.newest == {"Ferralis": t + 9}
    ids = [m.id for m in h.mentions()]
    assert len(ids) == len(set(ids)) == 6


async def test_deleted_comments_are_counted_not_produced() -> None:
    fake = FakeAlgolia(payload("hn_hits.json")["hits"])
    async with serve({"/api/v1/search_by_date": fake.search}) as server:
        h = harness(
            [HackerNewsSourceConfig(id="hn", terms=("Ferralis",), api_url=f"{server.base_url}/api/v1")]
        )
        (report,) = await h.ingestor.run_once()
    assert (report.produced, report.deleted, report.rejected) == (2, 1, 0)
