"""Discourse connector against a local forum: latest posts with before= paging, category filter,
deleted posts, edits, search results."""

from __future__ import annotations

import copy
import json
from typing import Any

from aiohttp import web

from ingest.sources import DiscourseSourceConfig
from schemas.common import SourceType
from schemas.cursor import DiscoursePosition
from tests.ingest.helpers import harness, payload, serve

PER_PAGE = 3


class FakeDiscourse:
    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = payload("discourse_posts.json")["latest_posts"]

    async def latest(self, request: web.Request) -> web.Response:
        posts = sorted(self.posts, key=lambda p: p["id"], reverse=True)
        if "before" in request.query:
            posts = [p for p in posts if p["id"] < int(request.query["before"])]
        return web.Response(
            text=json.dumps({"latest_posts": posts[:PER_PAGE]}), content_type="application/json"
        )

    async def search(self, request: web.Request) -> web.Response:
        assert request.query["q"] == "Ferralis order:latest"
        post = {
            k: self.posts[0][k] for k in ("id", "name", "username", "created_at", "post_number", "topic_id")
        }
        post.update(blurb="Même souci avec la box Ferralis : plus de connexion…", like_count=3)
        topic = {
            "id": 5521,
            "title": "Box Ferralis : déconnexions en boucle",
            "slug": "box-ferralis-deconnexions",
        }
        body = {
            "posts": [post],
            "topics": [topic],
            "users": [],
            "grouped_search_result": {"more_full_page_results": None, "post_ids": [post["id"]]},
        }
        return web.Response(text=json.dumps(body), content_type="application/json")

    def routes(self) -> dict[str, Any]:
        return {"/posts.json": self.latest, "/search.json": self.search}


def reply(n: int, category: int = 7) -> dict[str, Any]:
    post: dict[str, Any] = copy.deepcopy(payload("discourse_posts.json")["latest_posts"][0])
    post.update(id=90412 + n, post_number=4 + n, cooked=f"<p>Réponse {n}</p>", category_id=category)
    return post


async def test_latest_posts_paging_deleted_category_and_edits() -> None:
    fake = FakeDiscourse()
    async with serve(fake.routes()) as server:
        source = DiscourseSourceConfig(id="d", base_url=server.base_url, category_id=7)
        h = harness([source])
        (first,) = await h.ingestor.run_once()
        assert (first.produced, first.deleted, first.items) == (1, 1, 3)  # category 3 filtered out
        (m,) = h.mentions()
        assert m.source_type == SourceType.FORUM and m.title is None and m.native_id == "90412"
        assert (
            m.text.startswith("Même souci avec la box Ferralis : plus de connexion") and "5 minutes" in m.text
        )
        host = server.base_url.split("//")[1]
        assert m.in_reply_to == f"{host}/t/5521/2"
        assert m.url == f"{server.base_url}/t/box-ferralis-deconnexions/5521/4"
        assert m.author is not None and (m.author.handle, m.author.name) == ("clairem", "Claire M.")
        assert m.engagement is not None and m.engagement.likes == 3

        fake.posts += [reply(n) for n in range(1, 6)] + [reply(6, category=3)]
        (second,) = await h.ingestor.run_once()
        assert (second.produced, second.error) == (5, None)
        befores = [r.query.get("before") for r in server.requests][1:]
        assert befores == [None, "90416", "90413"]  # back until posts at or below the cursor
    position = h.store.cursors["d"].position
    assert isinstance(position, DiscoursePosition) and position.last_post_id == 90418


async def test_search_mode_uses_blurb_and_topic_title_for_first_posts() -> None:
    fake = FakeDiscourse()
    async with serve(fake.routes()) as server:
        h = harness([DiscourseSourceConfig(id="d", base_url=server.base_url, search="Ferralis")])
        (report,) = await h.ingestor.run_once()
    assert report.produced == 1
    (m,) = h.mentions()
    assert m.text == "Même souci avec la box Ferralis : plus de connexion…"
    assert m.url is not None and m.url.endswith("/t/box-ferralis-deconnexions/5521/4")
