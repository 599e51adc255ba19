"""``GET /v1/alerts/stream`` over real HTTP (uvicorn in a thread) on the real Kafka: a tenant receives
its alerts as they are produced to the ``alerts`` topic and never another tenant's; a client that
reconnects with ``Last-Event-ID`` gets exactly what it missed (no loss, no repeat); the consumer stops
when the client goes away; idle streams do not hold up other requests."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest
import uvicorn

from alerting.sse import decode_cursor
from api.main import create_app
from api.services.alerts_stream import AlertTail, StreamUnavailable, active_streams, alert_frames
from schemas.alert import Alert
from tests.api.alert_data import T0, SseEvent, make_alert, produce_alerts, read_events
from tests.api.world import ADMIN_KEY, World, make_settings

pytestmark = pytest.mark.integration
PATH = "/v1/alerts/stream"


@pytest.fixture(scope="module")
def base_url(world: World) -> Iterator[str]:
    """The API served by uvicorn on a free loopback port, in this process (so its streams can be
    counted)."""
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(world.settings, admin_key=ADMIN_KEY), host="127.0.0.1", port=0, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(30)


@contextmanager
def stream(
    base_url: str, world: World, who: str = "acme-read", last_event_id: str | None = None
) -> Iterator[Iterator[str]]:
    headers = world.h(who) | ({"Last-Event-ID": last_event_id} if last_event_id is not None else {})
    with (
        httpx.Client(base_url=base_url, timeout=httpx.Timeout(30.0)) as client,
        client.stream("GET", PATH, headers=headers) as response,
    ):
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        yield response.iter_lines()


def _alert_ids(events: list[SseEvent]) -> list[str]:
    return [json.loads(e.data)["id"] for e in events if e.event != "ready"]


def _has(*alerts: Alert) -> Callable[[list[SseEvent]], bool]:
    wanted = {a.id for a in alerts}
    return lambda events: wanted <= set(_alert_ids(events))


def _wait_no_streams(timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while active_streams() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert active_streams() == 0, "an alert stream's consumer is still open after its client left"


def test_stream_delivers_the_tenants_alerts_and_resumes_without_loss_or_repeat(
    base_url: str, world: World
) -> None:
    def alert(name: str, tenant: str = "acme", minutes: int = 0) -> Alert:
        rule = "ferralis-greve" if tenant == "globex" else f"rule-{name}"  # various keys → both partitions
        return make_alert(
            f"sse-{name}", tenant=tenant, rule_id=rule, fired_at=T0 + timedelta(minutes=minutes)
        )

    s1, s2, s3, s4 = (alert(n, minutes=i) for i, n in enumerate(("s1", "s2", "s3", "s4")))
    g1, g2 = alert("g1", "globex"), alert("g2", "globex")

    with stream(base_url, world) as lines:
        (ready,) = read_events(lines, lambda ev: len(ev) == 1)
        assert ready.event == "ready" and ready.id is not None
        start = decode_cursor(ready.id)
        assert set(start) == {0, 1}  # every partition of the topic, positioned at its end
        produce_alerts(world.settings, [s1, g1, s2])
        events = read_events(lines, _has(s1, s2))
    assert sorted(_alert_ids(events)) == sorted([s1.id, s2.id])  # globex's alert never shows
    by_id = {json.loads(e.data)["id"]: e for e in events}
    assert by_id[s1.id].event == "alert.match" and json.loads(by_id[s1.id].data)["tenant"] == "acme"
    last_id = events[-1].id
    assert last_id is not None
    _wait_no_streams()  # the client left: the consumer is closed

    # while nobody listens: two more alerts of acme, one of globex
    produce_alerts(world.settings, [s3, g2, s4])
    markers = [alert(f"m{p}", minutes=10 + p) for p in (0, 1)]
    for partition, marker in enumerate(markers):  # one last alert at the end of each partition
        produce_alerts(world.settings, [marker], partition=partition)

    with stream(base_url, world, last_event_id=last_id) as lines:
        events = read_events(lines, _has(*markers))
    assert events[0].event == "ready" and events[0].id == last_id
    assert sorted(_alert_ids(events)) == sorted(
        [s3.id, s4.id, *(m.id for m in markers)]
    )  # no loss, no repeat

    # resuming from the middle (after s1) gives everything after it, once
    first_id = by_id[s1.id].id
    with stream(base_url, world, last_event_id=first_id) as lines:
        events = read_events(lines, _has(*markers))
    assert sorted(_alert_ids(events)) == sorted([s2.id, s3.id, s4.id, *(m.id for m in markers)])
    _wait_no_streams()


def test_stream_callers_cursor_errors_and_a_free_event_loop(base_url: str, world: World) -> None:
    with httpx.Client(base_url=base_url, timeout=10.0) as client:
        bad = client.get(PATH, headers=world.h("acme-read") | {"Last-Event-ID": "not-a-cursor"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["header", "last-event-id"]
        for cursor in ("0:x", "0:--5", "0:1,0:2", "1"):
            assert (
                client.get(PATH, params={"cursor": cursor}, headers=world.h("acme-read")).status_code == 422
            )
        assert client.get(PATH, headers=world.h("admin")).status_code == 404
        assert client.get(PATH).status_code == 401
        # idle streams wait off the event loop: other requests are served meanwhile
        with stream(base_url, world) as first, stream(base_url, world, who="globex-read") as second:
            for lines in (first, second):
                assert read_events(lines, lambda ev: len(ev) == 1)[0].event == "ready"
            assert active_streams() == 2
            started = time.monotonic()
            assert client.get("/v1/alert-rules", headers=world.h("acme-read")).status_code == 200
            assert time.monotonic() - started < 5
    _wait_no_streams()


async def test_keepalive_comments_while_nothing_happens(world: World) -> None:
    tail = AlertTail(world.settings, "acme")
    cursor = await asyncio.to_thread(tail.open, {})
    frames = alert_frames(tail, "acme", cursor, keepalive_s=0.2)
    try:
        received = [await anext(frames) for _ in range(3)]
    finally:
        await frames.aclose()
        tail.close()
    assert received[0].startswith("id: ") and "event: ready" in received[0]
    assert received[1:] == [": keep-alive\n\n", ": keep-alive\n\n"]
    await asyncio.to_thread(_wait_no_streams)


def test_kafka_down_is_stream_unavailable(world: World) -> None:
    settings = make_settings("127.0.0.1:9", world.settings.effective_es_url, world.settings.home)
    with pytest.raises(StreamUnavailable, match="Kafka is unavailable"):
        AlertTail(settings, "acme").open({}, timeout_s=1.0)
    assert active_streams() == 0
