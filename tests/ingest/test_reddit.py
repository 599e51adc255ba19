"""Reddit connector against a local server: listings with after-pagination and an overlap window,
deleted/removed items, X-Ratelimit headers, OAuth client credentials."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest
from aiohttp import web

from ingest.sources import RedditSourceConfig
from schemas.cursor import RedditPosition
from tests.ingest.helpers import harness, payload, serve


class FakeReddit:
    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = payload("reddit_new.json")["data"]["children"]
        self.comments: list[dict[str, Any]] = payload("reddit_comments.json")["data"]["children"]
        self.remaining = 99.0
        self.tokens = 0

    def listing(self, children: list[dict[str, Any]], request: web.Request) -> web.Response:
        assert request.query["raw_json"] == "1"
        items = sorted(children, key=lambda c: c["data"]["created_utc"], reverse=True)
        limit = int(request.query["limit"])
        if "after" in request.query:
            names = [c["data"]["name"] for c in items]
            items = items[names.index(request.query["after"]) + 1 :]
        page = items[:limit]
        after = page[-1]["data"]["name"] if len(items) > limit else None
        self.remaining -= 1
        headers = {
            "X-Ratelimit-Used": "1",
            "X-Ratelimit-Remaining": f"{self.remaining:.1f}",
            "X-Ratelimit-Reset": "420",
        }
        body = {"kind": "Listing", "data": {"after": after, "before": None, "children": page}}
        return web.Response(text=json.dumps(body), content_type="application/json", headers=headers)

    async def new(self, request: web.Request) -> web.Response:
        return self.listing(self.posts, request)

    async def comments_listing(self, request: web.Request) -> web.Response:
        return self.listing(self.comments, request)

    async def token(self, request: web.Request) -> web.Response:
        auth = base64.b64decode(request.headers["Authorization"].split()[1]).decode()
        form = await request.post()
        if auth != "cid:csecret" or form["grant_type"] != "client_credentials":
            return web.Response(status=401)
        self.tokens += 1
        return web.json_response(
            {"access_token": "tok-1", "token_type": "bearer", "expires_in": 86400, "scope": "*"}
        )

    def routes(self) -> dict[str, Any]:
        return {"/r/france/new.json": self.new, "/r/france/comments.json": self.comments_listing}


def post(n: int, t: float) -> dict[str, Any]:
    child: dict[str, Any] = copy.deepcopy(payload("reddit_new.json")["data"]["children"][0])
    child["data"].update(
        name=f"t3_new{n}",
        id=f"new{n}",
        created_utc=t,
        title=f"Ferralis post {n}",
        permalink=f"/r/france/comments/new{n}/x/",
    )
    return child


async def test_posts_comments_deleted_and_paging_back_to_the_cursor() -> None:
    fake = FakeReddit()
    async with serve(fake.routes()) as server:
        source = RedditSourceConfig(
            id="r", subreddit="france", base_url=server.base_url, page_size=2, overlap_s=0
        )
        h = harness([source])
        (first,) = await h.ingestor.run_once()
        assert (first.produced, first.deleted) == (
            2,
            2,
        )  # newest pages: one post, one comment, one of each gone
        by_native = {m.native_id: m for m in h.mentions()}
        post_m, comment_m = by_native["t3_1h2k3l4"], by_native["t1_lz9abc1"]
        assert post_m.title == "Grève Ferralis : remboursements ?"
        assert post_m.text == "Troisième annulation, quelqu'un a réussi à se faire rembourser par Ferralis ?"
        assert post_m.author is not None and post_m.author.handle == "u/voyageur_du_77"
        assert post_m.engagement is not None and (post_m.engagement.score, post_m.engagement.replies) == (
            57,
            23,
        )
        assert (
            comment_m.text == "Oui, via le formulaire & après 3 relances."
            and comment_m.in_reply_to == "t3_1h2k3l4"
        )
        assert (
            comment_m.url
            == "https://www.reddit.com/r/france/comments/1h2k3l4/greve_ferralis_remboursements/lz9abc1/"
        )

        fake.posts += [post(n, 1795336000.0 + n) for n in range(1, 6)]
        (second,) = await h.ingestor.run_once()
        assert (second.produced, second.error) == (5, None)
        afters = [r.query.get("after") for r in server.requests if r.path.endswith("new.json")][1:]
        assert afters == [None, "t3_new4", "t3_new2"]  # walked back until the cursor was reached
        (third,) = await h.ingestor.run_once()
        assert third.produced == 0
    position = h.store.cursors["r"].position
    assert isinstance(position, RedditPosition)
    assert position.newest_utc == {"r/france/new": 1795336005.0, "r/france/comments": 1795335700.0}
    assert len({m.id for m in h.mentions()}) == len(h.mentions()) == 7


async def test_exhausted_rate_limit_defers_the_next_requests() -> None:
    fake = FakeReddit()
    fake.remaining = 1.0
    async with serve(fake.routes()) as server:
        h = harness([RedditSourceConfig(id="r", subreddit="france", base_url=server.base_url)])
        (report,) = await h.ingestor.run_once()
        assert report.error is not None and "wait" in report.error
        assert report.retry_after_s is not None and report.retry_after_s > 400
        assert len(server.requests) == 1  # the comments listing was not requested


async def test_oauth_client_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeReddit()
    monkeypatch.setenv("T_REDDIT_ID", "cid")
    monkeypatch.setenv("T_REDDIT_SECRET", "csecret")
    async with serve({**fake.routes(), "POST /api/v1/access_token": fake.token}) as server:
        source = RedditSourceConfig(
            id="r",
            subreddit="france",
            base_url="https://public.invalid",
            oauth_base_url=server.base_url,
            token_url=f"{server.base_url}/api/v1/access_token",
            client_id_env="T_REDDIT_ID",
            client_secret_env="T_REDDIT_SECRET",
        )
        h = harness([source])
        (report,) = await h.ingestor.run_once()
        listings = [r for r in server.requests if r.method == "GET"]
        assert report.error is None and (report.produced, report.deleted) == (3, 2) and fake.tokens == 1
        assert {r.headers["Authorization"] for r in listings} == {"Bearer tok-1"}
    monkeypatch.setenv("T_REDDIT_SECRET", "wrong")
    async with serve({**fake.routes(), "POST /api/v1/access_token": fake.token}) as server:
        h = harness([source.model_copy(update={"token_url": f"{server.base_url}/api/v1/access_token"})])
        (refused,) = await h.ingestor.run_once()
    assert refused.error is not None and "token" in refused.error and "HTTP 401" in refused.error
