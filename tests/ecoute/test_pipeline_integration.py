"""The whole path on the real servers: feeds served on loopback → ingest → Kafka → Faust enrichment →
index sink → Elasticsearch → ``GET /v1/mentions`` with a tenant's key. Workers run as real processes
(``python -m ecoute``)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from api.main import create_app
from deploy.demo import load_demo_items, serve_demo_feeds
from ecoute import mentions_index
from ecoute.children import Child, settings_env, spawn, stop_all
from ecoute.config_topics import publish_queries
from ecoute.demo import topic_end_offsets
from ecoute.es import ensure_mention_templates
from ecoute.kafka import ensure_topics
from ecoute.settings import Settings
from ingest.runner import FeedIngestor
from ingest.sources import FeedSourceConfig
from schemas.common import utc_now
from schemas.config import QueryDefinition

pytestmark = pytest.mark.integration
ADMIN_KEY = "pipeline-admin-key-0123456789"


def worker_env(s: Settings) -> dict[str, str]:
    return settings_env(
        {
            "kafka_bootstrap": s.kafka_bootstrap,
            "es_url": s.es_url,
            "home": s.home,
            "topic_prefix": s.topic_prefix,
            "index_prefix": s.index_prefix,
            "consumer_group_prefix": s.consumer_group_prefix,
            "topic_partitions": s.topic_partitions,
            "enrich_batch_within_s": 0.2,
            "index_batch_within_s": 0.2,
        }
    )


@pytest.fixture
def workers(pipeline_settings: Settings, es_client: Elasticsearch) -> Iterator[list[Child]]:
    s = pipeline_settings
    ensure_topics(s)
    ensure_mention_templates(es_client, s.index_prefix)
    publish_queries(
        s,
        [QueryDefinition(tenant="acme", id="bonval", query="Bonval OR #BoycottBonval", updated_at=utc_now())],
    )
    env = worker_env(s)
    children = [
        spawn("enrich", ["worker", "enrich"], env, s.home / "logs"),
        spawn("index", ["worker", "index"], env, s.home / "logs"),
    ]
    yield children
    stop_all(children)
    for child in children:
        assert child.proc.returncode == 0, (
            f"{child.name} did not stop cleanly: {child.log_path.read_text()[-3000:]}"
        )


def wait_for(predicate, timeout_s: float, children: list[Child]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        for c in children:
            assert c.alive(), f"{c.name} died: {c.log_path.read_text()[-3000:]}"
        time.sleep(0.5)
    raise AssertionError("timed out")


def count(es: Elasticsearch, index: str) -> int:
    es.indices.refresh(index=index, ignore_unavailable=True, allow_no_indices=True)
    return int(es.count(index=index, ignore_unavailable=True, allow_no_indices=True)["count"])


def test_feed_to_api_without_duplicates_and_bad_feeds_only_warn(
    pipeline_settings: Settings,
    es_client: Elasticsearch,
    workers: list[Child],
    caplog: pytest.LogCaptureFixture,
) -> None:
    s = pipeline_settings
    items = [i for i in load_demo_items() if i.feed in ("conso-hebdo", "techpulse")]
    with serve_demo_feeds(items=items) as server:
        urls = server.feed_urls(include_faulty=True)
        sources = tuple(
            FeedSourceConfig(id=slug, url=urls[slug]) for slug in ("conso-hebdo", "techpulse", "malformed")
        )
        sources += (FeedSourceConfig(id="nowhere", url="http://127.0.0.1:9/feed.xml"),)
        with caplog.at_level(logging.WARNING):
            first = asyncio.run(FeedIngestor(s, sources).run_once())
        by_id = {r.source_id: r for r in first}
        assert by_id["nowhere"].error and by_id["malformed"].problem
        warned = {getattr(r, "source", None) for r in caplog.records if r.levelno == logging.WARNING}
        assert {"nowhere", "malformed"} <= warned
        ids = {i for r in first for i in r.mention_ids}
        assert len(ids) == len(items)

        alias = mentions_index.alias(s.index_prefix, "mentions")
        wait_for(lambda: count(es_client, alias) == len(ids), 120, workers)

        # re-ingest the very same feeds (a new fetch, no conditional GET): no duplicate anywhere
        second = asyncio.run(FeedIngestor(s, sources).run_once())
        assert {i for r in second for i in r.mention_ids} == ids
    enriched_topic = s.topic("mentions.enriched")
    wait_for(lambda: topic_end_offsets(s, enriched_topic) >= 2 * len(ids), 120, workers)
    time.sleep(2.0)  # let the sink index the replayed batch
    assert count(es_client, alias) == len(ids)
    tenant_docs = count(es_client, mentions_index.alias(s.index_prefix, "tenant-mentions"))
    assert tenant_docs == sum(1 for i in items if "bonval" in i.brands)

    with TestClient(create_app(s, admin_key=ADMIN_KEY)) as api:
        health = api.get("/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
        assert api.post("/v1/tenants", json={"id": "acme"}, headers=admin).status_code == 201
        token = api.post("/v1/tenants/acme/keys", json={"scope": "read"}, headers=admin).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        assert api.get("/v1/mentions").status_code == 401
        # the query published before the pipeline ran is the tenant's, and it selected these mentions
        assert [q["id"] for q in api.get("/v1/queries", headers=auth).json()] == ["bonval"]
        listeria = next(i for i in items if "listeria" in (i.title + i.html).lower())
        found = api.get("/v1/mentions", params={"text": "listeria"}, headers=auth).json()
        assert found["total"] >= 1
        assert listeria.title in {m["title"] for m in found["items"]}
        boolean = api.get(
            "/v1/mentions", params={"q": "bonval AND listeria", "size": 50}, headers=auth
        ).json()
        assert {m["id"] for m in boolean["items"]} <= {m["id"] for m in found["items"]}
        page = api.get("/v1/mentions", params={"size": 3}, headers=auth).json()
        assert len(page["items"]) == 3 and page["total"] == tenant_docs
        seen = [m["id"] for m in page["items"]]
        cursor = page["next_cursor"]
        while cursor:
            page = api.get("/v1/mentions", params={"size": 3, "cursor": cursor}, headers=auth).json()
            seen += [m["id"] for m in page["items"]]
            cursor = page["next_cursor"]
        assert len(seen) == len(set(seen)) == tenant_docs
        assert set(seen) <= ids and all(m["query_ids"] == ["bonval"] for m in page["items"])
        assert api.get("/v1/mentions", params={"cursor": "garbage!"}, headers=auth).status_code == 422
        assert api.get("/v1/mentions", params={"size": 0}, headers=auth).status_code == 422
