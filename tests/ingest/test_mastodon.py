"""Mastodon connector against a local server: min_id cursors and Link pagination, rate-limit headers,
authors and engagement, bad statuses to the DLQ, the streaming API with edits and deletes."""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime

import pytest

from ingest.mastodon.parse import status_to_mention
from ingest.sources import MastodonSourceConfig
from schemas.common import SourceType
from schemas.cursor import MastodonPosition
from schemas.mention import stable_mention_id
from tests.ingest.fake_mastodon import FakeMastodon, make_status
from tests.ingest.helpers import harness, payload, serve

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_status_becomes_a_mention_with_author_engagement_and_reply() -> None:
    reply, post = payload("mastodon_tag_page1.json")
    m = status_to_mention(
        reply, source_id="m", instance="https://mastodon.example", fetched_at=NOW, max_text_chars=1000
    )
    assert m.id == stable_mention_id(SourceType.MASTODON, reply["uri"])
    assert m.text == "Pareil ici, @Ferralis aucune info en gare. #greve"
    assert (
        m.author is not None and m.author.handle == "@cheminote@piaille.example" and m.author.followers == 812
    )
    assert m.in_reply_to == "https://mastodon.example/api/v1/statuses/113500000000000101"
    assert m.engagement is not None and (m.engagement.likes, m.engagement.reposts) == (4, 1)
    assert m.tags == ("greve",) and m.lang_hint == "fr"
    p = status_to_mention(
        post, source_id="m", instance="https://mastodon.example", fetched_at=NOW, max_text_chars=1000
    )
    assert p.author is not None and p.author.handle == "@railfan@mastodon.example"
    assert (
        p.title == "coup de gueule"
        and "&" in p.text
        and p.published_at == datetime(2026, 11, 22, 8, 2, tzinfo=UTC)
    )
    reblog = dict(post, id="1", uri="https://x.example/1", reblog=reply)
    assert (
        status_to_mention(
            reblog, source_id="m", instance="https://mastodon.example", fetched_at=NOW, max_text_chars=1000
        ).id
        == m.id
    )


async def test_first_poll_takes_the_newest_page_then_follows_min_id_pages() -> None:
    fake = FakeMastodon([make_status(n) for n in range(1, 6)])
    async with serve(fake.routes()) as server:
        source = MastodonSourceConfig(
            id="m", instance=server.base_url, hashtags=("greve",), page_size=3, max_pages=10
        )
        h = harness([source])
        (first,) = await h.ingestor.run_once()
        assert first.produced == 3  # newest page only, no backfill
        fake.statuses += [make_status(n) for n in range(6, 14)]  # 8 new ones: 3 pages of 3
        (second,) = await h.ingestor.run_once()
        assert (second.produced, second.pages, second.error) == (8, 3, None)
        min_id_paths = [p for p in server.paths() if "min_id" in p]
        assert min_id_paths[0].endswith(f"min_id={make_status(5)['id']}")
        (third,) = await h.ingestor.run_once()
        assert third.produced == 0
    position = h.store.cursors["m"].position
    assert isinstance(position, MastodonPosition) and position.min_ids == {"tag:greve": make_status(13)["id"]}
    natives = [m.native_id for m in h.mentions()]
    assert len(natives) == len(set(natives)) == 11


async def test_bad_status_goes_to_dlq_and_exhausted_rate_limit_defers() -> None:
    fake = FakeMastodon([make_status(1), {"id": "113600000000000002", "content": "<p>sans uri</p>"}])
    async with serve(fake.routes()) as server:
        h = harness([MastodonSourceConfig(id="m", instance=server.base_url, hashtags=("greve",))])
        fake.remaining = 1
        (report,) = await h.ingestor.run_once()
        assert (report.produced, report.rejected) == (1, 1)
        (letter,) = h.dead_letters()
        assert "uri" in letter.reason and json.loads(letter.original_value())["id"] == "113600000000000002"
        (later,) = await h.ingestor.run_once()  # X-RateLimit-Remaining hit 0: the host asks to wait
        assert later.error is not None and "wait" in later.error and later.retry_after_s
        assert len(server.requests) == 1


async def test_token_is_sent_when_its_variable_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeMastodon([make_status(1)])
    monkeypatch.setenv("TEST_MASTO_TOKEN", "s3cret")
    async with serve(fake.routes()) as server:
        h = harness(
            [
                MastodonSourceConfig(
                    id="m", instance=server.base_url, hashtags=("greve",), access_token_env="TEST_MASTO_TOKEN"
                )
            ]
        )
        await h.ingestor.run_once()
        assert server.requests[0].headers["Authorization"] == "Bearer s3cret"
    assert "s3cret" not in json.dumps([c.model_dump(mode="json") for c in h.store.cursors.values()])
    assert os.environ["TEST_MASTO_TOKEN"] == "s3cret"


async def test_streaming_edits_deletes_and_fallback_when_refused() -> None:
    fake = FakeMastodon([make_status(1)])
    async with serve(fake.routes()) as server:
        source = MastodonSourceConfig(id="m", instance=server.base_url, hashtags=("greve",), streaming=True)
        h = harness([source])
        stop = asyncio.Event()
        task = asyncio.create_task(h.ingestor.run_forever(stop))
        for n in (2, 3):
            await fake.stream_events.put(("update", json.dumps(make_status(n))))
        await fake.stream_events.put(("status.update", json.dumps(make_status(2, "Message 2, corrigé"))))
        await fake.stream_events.put(("delete", make_status(3)["id"]))
        await fake.stream_events.put(("update", "{not json"))
        for _ in range(100):
            if len(h.mentions()) >= 4 and h.dead_letters():
                break
            await asyncio.sleep(0.05)
        stop.set()
        await fake.stream_events.put(None)
        await asyncio.wait_for(task, 10)
    texts = [m.text for m in h.mentions()]
    assert texts == [
        "Message numéro 1 sur #greve",
        "Message numéro 2 sur #greve",
        "Message numéro 3 sur #greve",
        "Message 2, corrigé",
    ]
    totals = h.store.cursors["m"].totals
    assert (totals.new, totals.edited, totals.deleted, totals.rejected) == (3, 1, 1, 1)
    position = h.store.cursors["m"].position
    assert isinstance(position, MastodonPosition) and position.min_ids["tag:greve"] == make_status(3)["id"]

    fake.stream_status = 401
    async with serve(fake.routes()) as server:
        source = MastodonSourceConfig(id="m2", instance=server.base_url, hashtags=("greve",), streaming=True)
        h = harness([source])
        stop = asyncio.Event()
        task = asyncio.create_task(h.ingestor.run_forever(stop))
        for _ in range(100):
            if not h.ingestor.connector_for(source).streaming:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.wait_for(task, 10)
    assert h.ingestor.connector_for(source).streaming is False
    assert h.ingestor.next_delay(source) > 100  # back to the polling interval
    assert len(h.mentions()) == 1 and h.store.cursors["m2"].last_error is None
