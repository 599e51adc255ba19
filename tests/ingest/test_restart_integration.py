"""Kill the ingest process (SIGKILL) in the middle of a multi-page poll, start it again: every item is
in ``mentions.raw`` exactly once. Then SIGTERM: the process writes its cursors and exits 0."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from ecoute.children import Child, settings_env, spawn
from ecoute.kafka import ensure_topics
from ecoute.settings import Settings
from schemas.cursor import MastodonPosition, SourceCursor
from tests.ingest.fake_mastodon import make_status
from tests.kafka_utils import read_all

pytestmark = pytest.mark.integration
FEED_ITEMS = 12


class State:
    def __init__(self) -> None:
        self.statuses = [make_status(n) for n in range(1, 6)]
        self.lock = threading.Lock()
        self.min_id_requests = 0
        self.block_at: int | None = None
        self.blocked = threading.Event()
        self.release = threading.Event()


class Handler(BaseHTTPRequestHandler):
    server: ThreadingHTTPServer

    def log_message(self, *_args: object) -> None:
        return

    def _send(self, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        state: State = self.server.state  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        if url.path == "/feed.xml":
            items = "".join(
                f"<item><guid>feed-{n}</guid><title>Ferralis article {n}</title></item>"
                for n in range(FEED_ITEMS)
            )
            self._send(f"<rss version='2.0'><channel>{items}</channel></rss>".encode(), "application/rss+xml")
            return
        if url.path != "/api/v1/timelines/tag/greve":
            self.send_error(404)
            return
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        limit = int(q.get("limit", "20"))
        with state.lock:
            statuses = sorted(state.statuses, key=lambda s: int(s["id"]))
            if "min_id" in q:
                state.min_id_requests += 1
                if state.block_at is not None and state.min_id_requests >= state.block_at:
                    state.blocked.set()
                    block = True
                else:
                    block = False
                page = [s for s in statuses if int(s["id"]) > int(q["min_id"])][:limit]
            else:
                block, page = False, statuses[-limit:]
        if block:
            state.release.wait(60)  # hold the request: the process is killed meanwhile
            self.send_error(503)
            return
        self._send(json.dumps(list(reversed(page))).encode(), "application/json")


@pytest.fixture
def fake_server() -> Iterator[tuple[str, State]]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.state = State()  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.state  # type: ignore[attr-defined]
    httpd.state.release.set()  # type: ignore[attr-defined]
    httpd.shutdown()


def start(s: Settings, sources: Path, log_dir: Path, name: str) -> Child:
    env = settings_env(
        {
            "kafka_bootstrap": s.kafka_bootstrap,
            "topic_prefix": s.topic_prefix,
            "home": s.home,
            "consumer_group_prefix": s.consumer_group_prefix,
            "allow_private_urls": True,
            "topic_partitions": s.topic_partitions,
        }
    )
    return spawn(name, ["ingest", "--sources", str(sources)], env, log_dir)


def wait_for_count(s: Settings, expected: int, child: Child, timeout_s: float = 90) -> int:
    deadline = time.monotonic() + timeout_s
    got = 0
    while time.monotonic() < deadline:
        got = len(read_all(s.effective_kafka_bootstrap, s.topic("mentions.raw"), timeout_s=5))
        if got >= expected:
            return got
        assert child.alive(), child.log_path.read_text()[-3000:]
        time.sleep(0.5)
    raise AssertionError(f"only {got} of {expected} mentions: {child.log_path.read_text()[-3000:]}")


def test_sigkill_mid_poll_then_restart_produces_each_item_exactly_once(
    pipeline_settings: Settings, fake_server: tuple[str, State], tmp_path: Path
) -> None:
    s = pipeline_settings
    base, state = fake_server
    ensure_topics(s)
    sources = tmp_path / "sources.json"
    sources.write_text(
        json.dumps(
            {
                "sources": [
                    {
                        "id": "masto",
                        "kind": "mastodon",
                        "instance": base,
                        "hashtags": ["greve"],
                        "page_size": 5,
                        "max_pages": 100,
                        "interval_s": 5,
                    },
                    {"id": "feed", "kind": "feed", "url": f"{base}/feed.xml", "interval_s": 5},
                ]
            }
        )
    )
    first = start(s, sources, tmp_path / "logs", "ingest-1")
    try:
        wait_for_count(s, 5 + FEED_ITEMS, first)
        with state.lock:
            state.statuses += [make_status(n) for n in range(6, 61)]  # 11 more pages of 5
            state.block_at = state.min_id_requests + 4
        assert state.blocked.wait(60), first.log_path.read_text()[-3000:]
        first.proc.kill()  # SIGKILL while the 4th page is in flight: 3 pages are durable
        first.proc.wait(10)
    finally:
        if first.alive():
            first.proc.kill()
    with state.lock:
        state.block_at = None
    state.release.set()
    mid = read_all(s.effective_kafka_bootstrap, s.topic("mentions.raw"))
    assert len(mid) == 5 + FEED_ITEMS + 15

    second = start(s, sources, tmp_path / "logs", "ingest-2")
    try:
        wait_for_count(s, 60 + FEED_ITEMS, second)
        time.sleep(7)  # at least one more poll of each source: nothing new must appear
    finally:
        code = second.stop(30)
    assert code == 0, second.log_path.read_text()[-3000:]
    messages = read_all(s.effective_kafka_bootstrap, s.topic("mentions.raw"))
    keys = [m.key() for m in messages]
    assert len(keys) == len(set(keys)) == 60 + FEED_ITEMS
    cursors = {m.key(): m.value() for m in read_all(s.effective_kafka_bootstrap, s.topic("ingest.cursors"))}
    masto = SourceCursor.model_validate_json(cursors[b"masto"] or b"")
    assert isinstance(masto.position, MastodonPosition)
    assert masto.position.min_ids == {"tag:greve": make_status(60)["id"]} and masto.pending is None
    feed = SourceCursor.model_validate_json(cursors[b"feed"] or b"")
    assert feed.totals.new == FEED_ITEMS and feed.totals.duplicates >= FEED_ITEMS
