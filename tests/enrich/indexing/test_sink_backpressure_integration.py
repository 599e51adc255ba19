"""Elasticsearch down, then back: the sink pauses consumption, retries with backoff, commits nothing
until the documents are written, then writes every mention exactly once (real Kafka and Elasticsearch,
behind a TCP gate we open and close)."""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
from urllib.parse import urlsplit

import pytest
from elasticsearch import Elasticsearch

from ecoute import mentions_index
from ecoute.es import ensure_mention_templates, es_client
from ecoute.kafka import ensure_topics
from ecoute.settings import Settings
from enrich.indexing.sink import IndexSink
from tests.enrich.indexing.test_sink_integration import _count, _mention
from tests.kafka_utils import committed_offsets, produce

pytestmark = pytest.mark.integration


class _Pipe(socketserver.BaseRequestHandler):
    server: _Gate

    def handle(self) -> None:
        if not self.server.is_open.is_set():
            return  # closed at once: the client sees a connection error
        upstream = socket.create_connection(self.server.upstream)
        client: socket.socket = self.request

        def pump(src: socket.socket, dst: socket.socket) -> None:
            try:
                while data := src.recv(65536):
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for sock in (src, dst):
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)

        back = threading.Thread(target=pump, args=(upstream, client), daemon=True)
        back.start()
        pump(client, upstream)
        back.join(5)
        upstream.close()


class _Gate(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream_url: str) -> None:
        super().__init__(("127.0.0.1", 0), _Pipe)
        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 9200)
        self.is_open = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def test_elasticsearch_outage_pauses_then_resumes_without_loss_or_duplicate(
    pipeline_settings: Settings, es_client: Elasticsearch
) -> None:
    s = pipeline_settings.model_copy(update={"index_batch_size": 25})
    ensure_topics(s)
    ensure_mention_templates(es_client, s.index_prefix)
    topic = s.topic("mentions.enriched")
    mentions = [_mention(i, tenant="acme" if i % 2 else None) for i in range(120)]
    produce(s.kafka_bootstrap or "", topic, [(m.id.encode(), m.model_dump_json().encode()) for m in mentions])
    global_alias = mentions_index.alias(s.index_prefix, "mentions")
    tenant_alias = mentions_index.alias(s.index_prefix, "tenant-mentions")

    gate = _Gate(s.effective_es_url)
    threading.Thread(target=gate.serve_forever, daemon=True).start()
    sink = IndexSink(s, es_client_for(s, gate.url))
    stop = threading.Event()
    runner = threading.Thread(target=sink.run, args=(stop,), daemon=True)
    runner.start()
    try:
        deadline = time.monotonic() + 60
        while sink.stats.retries < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sink.stats.retries >= 3 and sink.paused.is_set()  # backing off, consumption paused
        committed = committed_offsets(s.kafka_bootstrap or "", s.group("index"), topic, s.topic_partitions)
        assert all(offset < 0 for offset in committed.values())  # nothing committed while down
        assert _count(es_client, global_alias) == 0

        gate.is_open.set()  # Elasticsearch is back
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            committed = committed_offsets(
                s.kafka_bootstrap or "", s.group("index"), topic, s.topic_partitions
            )
            if sum(max(o, 0) for o in committed.values()) == len(mentions):
                break
            time.sleep(0.5)
    finally:
        stop.set()
        runner.join(60)
        gate.shutdown()
        gate.server_close()
    assert not runner.is_alive() and not sink.paused.is_set()
    assert sum(max(o, 0) for o in committed.values()) == len(mentions)
    assert _count(es_client, global_alias) == 120  # every mention, once
    assert _count(es_client, tenant_alias) == 60
    assert sink.stats.dead_letters == 0 and sink.stats.mentions == 120


def es_client_for(s: Settings, url: str) -> Elasticsearch:
    """The sink's own client, through the gate, retrying quickly (no long transport back-off)."""
    return es_client(s.model_copy(update={"es_url": url}), max_retries=0, request_timeout=5)
