"""A query saved through the API reaches a running enrichment worker without restart: mentions
produced after the change are matched by it, then no longer once it is deleted."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from ecoute.children import settings_env, spawn, stop_all
from ecoute.kafka import ensure_topics
from ecoute.settings import Settings
from schemas.mention import EnrichedMention, RawMention
from tests.kafka_utils import produce, read_all
from tests.mentions import raw_mention

pytestmark = pytest.mark.integration
ADMIN = {"Authorization": "Bearer " + "k" * 20}


def _raw(n: int) -> RawMention:
    return raw_mention(f"live-{n}", f"Les yaourts Bonval sont rappelés, message {n}.")


def _matches(s: Settings, mention_id: str, timeout_s: float = 90) -> list[tuple[str, str]]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for m in read_all(s.effective_kafka_bootstrap, s.topic("mentions.enriched"), timeout_s=5):
            if m.key() == mention_id.encode():
                e = EnrichedMention.model_validate_json(m.value() or b"")
                return [(x.tenant, x.query_id) for x in e.matches]
        time.sleep(0.5)
    raise AssertionError(f"{mention_id} was not enriched in time")


def test_query_saved_through_the_api_applies_to_a_running_worker(pipeline_settings: Settings) -> None:
    s = pipeline_settings
    ensure_topics(s)
    env = settings_env(
        {
            "kafka_bootstrap": s.kafka_bootstrap,
            "home": s.home,
            "topic_prefix": s.topic_prefix,
            "consumer_group_prefix": s.consumer_group_prefix,
            "enrich_batch_within_s": 0.2,
        }
    )
    worker = spawn("enrich", ["worker", "enrich"], env, s.home / "logs")
    try:
        with TestClient(create_app(s, admin_key="k" * 20)) as api:
            assert api.post("/v1/tenants", json={"id": "acme"}, headers=ADMIN).status_code == 201
            token = api.post("/v1/tenants/acme/keys", json={"scope": "write"}, headers=ADMIN).json()["token"]
            h = {"Authorization": f"Bearer {token}"}
            before = _raw(1)
            produce(
                s.effective_kafka_bootstrap,
                s.topic("mentions.raw"),
                [(before.id.encode(), before.model_dump_json().encode())],
            )
            assert _matches(s, before.id) == []  # the worker runs, no query yet
            assert (
                api.post(
                    "/v1/queries", json={"id": "bonval", "query": "bonval NEAR/3 rappel*"}, headers=h
                ).status_code
                == 201
            )
            deadline = time.monotonic() + 60
            n = 2
            found: list[tuple[str, str]] = []
            while not found and time.monotonic() < deadline:  # the worker picks the change up within moments
                m = _raw(n)
                produce(
                    s.effective_kafka_bootstrap,
                    s.topic("mentions.raw"),
                    [(m.id.encode(), m.model_dump_json().encode())],
                )
                found = _matches(s, m.id)
                n += 1
            assert found == [("acme", "bonval")]
            assert api.delete("/v1/queries/bonval", headers=h).status_code == 204
            deadline = time.monotonic() + 60
            while found and time.monotonic() < deadline:
                m = _raw(n)
                produce(
                    s.effective_kafka_bootstrap,
                    s.topic("mentions.raw"),
                    [(m.id.encode(), m.model_dump_json().encode())],
                )
                found = _matches(s, m.id)
                n += 1
            assert found == []
        assert worker.alive()
    finally:
        stop_all([worker])
