"""Bluesky connector against a local Jetstream-like websocket server: collection filter, term filter,
edits, deletes, bad events to the DLQ, resuming from the cursor's time_us after a restart."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
from websockets.asyncio.server import ServerConnection, serve

from ecoute.net import UnsafeUrlError
from ingest.bluesky.connector import check_ws_url
from ingest.bluesky.parse import TermFilter
from ingest.sources import BlueskySourceConfig
from schemas.cursor import BlueskyPosition
from tests.ingest.helpers import PAYLOADS, harness

EVENTS = [json.loads(line) for line in (PAYLOADS / "jetstream_events.jsonl").read_text().splitlines()]


class FakeJetstream:
    def __init__(self) -> None:
        self.events = list(EVENTS)
        self.queries: list[dict[str, list[str]]] = []

    async def handler(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        query = parse_qs(urlsplit(ws.request.path).query)
        self.queries.append(query)
        assert query["wantedCollections"] == ["app.bsky.feed.post"]
        cursor = int(query["cursor"][0]) if "cursor" in query else 0
        for event in self.events:
            if event["time_us"] >= cursor:
                await ws.send(json.dumps(event))
        await ws.wait_closed()


@asynccontextmanager
async def jetstream(fake: FakeJetstream) -> AsyncIterator[str]:
    async with serve(fake.handler, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        yield f"ws://127.0.0.1:{port}/subscribe"


def test_term_filter_folds_case_accents_and_needs_whole_words() -> None:
    f = TermFilter.of(("Ferralis", "#BoycottBonval", "train annulé"))
    assert f.matches("les FERRALIS abonnés") and f.matches("Le train ANNULE encore")
    assert f.matches("rien", ("boycottbonval",)) and f.matches("go #boycottbonval")
    assert not f.matches("un train ferralisé") and not f.matches("annulé le train")


async def test_posts_matching_terms_edits_deletes_and_resume_from_time_us() -> None:
    fake = FakeJetstream()
    async with jetstream(fake) as url:
        source = BlueskySourceConfig(
            id="bsky", jetstream_url=url, terms=("Ferralis", "#greve"), rewind_s=0.000002
        )
        h = harness([source])
        (first,) = await h.ingestor.run_once()
        assert first.error is None and first.rejected == 1
        texts = [m.text for m in h.mentions()]
        assert texts == [
            "Encore une panne chez Ferralis ce matin, bravo 👏 #BoycottBonval",
            "@ferralis.fr vous comptez rembourser les FERRALIS abonnés ?",
            "Encore une panne chez Ferralis ce matin (corrigé) #BoycottBonval",
            "Un train ferralisé ? Non, juste en retard.",  # by its #greve tag
        ]
        first_m, reply_m = h.mentions()[0], h.mentions()[1]
        assert (
            first_m.id == h.mentions()[2].id
            and first_m.tags == ("BoycottBonval",)
            and first_m.lang_hint == "fr"
        )
        assert reply_m.in_reply_to == "at://did:plc:eh2yqzm4k6ajkaq6rvdq4a5b/app.bsky.feed.post/3lbz2xpyz5s2a"
        assert reply_m.url == "https://bsky.app/profile/did:plc:q4h6kdrv3j7ia5bfqfxrkmdm/post/3lbz2xqbbb22c"
        assert "not an object" in h.dead_letters()[0].value_preview
        position = h.store.cursors["bsky"].position
        assert isinstance(position, BlueskyPosition) and position.time_us == 1795335600000008

        fake.events.append(
            dict(EVENTS[0], time_us=1795335600000009, commit=dict(EVENTS[0]["commit"], rkey="3lbz2xqeee22h"))
        )
        (second,) = await h.ingestor.run_once()  # a restart: resumes from the cursor (minus rewind)
        assert fake.queries[-1]["cursor"] == ["1795335600000006"]
        assert (second.produced, second.duplicates) == (1, 1)
    assert len(h.mentions()) == 5


async def test_private_jetstream_urls_are_refused_unless_allowed() -> None:
    with pytest.raises(UnsafeUrlError):
        check_ws_url("ws://127.0.0.1:9/subscribe", allow_private=False)
    with pytest.raises(UnsafeUrlError):
        check_ws_url("http://jetstream.example/subscribe", allow_private=False)
    check_ws_url("ws://127.0.0.1:9/subscribe", allow_private=True)
    h = harness([BlueskySourceConfig(id="b", jetstream_url="ws://127.0.0.1:9/subscribe", terms=("x",))])
    h.ingestor.settings = h.settings.model_copy(update={"allow_private_urls": False})
    (report,) = await h.ingestor.run_once()
    assert report.error is not None and report.error.startswith("refused URL")
