"""Configuration survives restarts (it lives in compacted Kafka topics, not in the API process), the
generated admin key is kept, and unavailable dependencies answer 503 with a message."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient

from api.config.admin_key import admin_key_path
from api.main import create_app
from ecoute.kafka import ensure_topics
from tests.api.world import cleanup, make_settings
from tests.conftest import StackEndpoints

pytestmark = pytest.mark.integration


def test_config_and_admin_key_survive_a_restart(
    stack: StackEndpoints, es_client: Elasticsearch, tmp_path: Path
) -> None:
    settings = make_settings(stack.kafka_bootstrap, stack.es_url, tmp_path)
    ensure_topics(settings)
    try:
        with TestClient(create_app(settings)) as first:
            key_file = admin_key_path(settings)
            assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
            admin = {"Authorization": f"Bearer {key_file.read_text().strip()}"}
            assert first.post("/v1/tenants", json={"id": "acme"}, headers=admin).status_code == 201
            keep = first.post("/v1/tenants/acme/keys", json={"scope": "write"}, headers=admin).json()
            gone = first.post("/v1/tenants/acme/keys", json={"scope": "read"}, headers=admin).json()
            assert first.delete(f"/v1/tenants/acme/keys/{gone['id']}", headers=admin).status_code == 204
            h = {"Authorization": f"Bearer {keep['token']}"}
            assert (
                first.post("/v1/queries", json={"id": "b", "query": "bonval"}, headers=h).status_code == 201
            )
            assert (
                first.post(
                    "/v1/sources", json={"kind": "hackernews", "terms": ["bonval"]}, headers=h
                ).status_code
                == 201
            )
        # a new process: nothing but Kafka and the state directory carry over
        with TestClient(create_app(settings)) as second:
            assert second.get("/v1/me", headers=admin).json()["role"] == "admin"
            assert second.get("/v1/me", headers=h).json() == {
                "role": "tenant",
                "tenant": "acme",
                "key_id": keep["id"],
                "scope": "write",
            }
            assert (
                second.get("/v1/me", headers={"Authorization": f"Bearer {gone['token']}"}).status_code == 401
            )
            assert [q["id"] for q in second.get("/v1/queries", headers=h).json()] == ["b"]
            assert [s["kind"] for s in second.get("/v1/sources", headers=h).json()] == ["hackernews"]
    finally:
        cleanup(es_client, settings)


def test_elasticsearch_down_is_503_with_a_message(stack: StackEndpoints, tmp_path: Path) -> None:
    settings = make_settings(stack.kafka_bootstrap, "http://127.0.0.1:9", tmp_path)
    ensure_topics(settings)
    with TestClient(create_app(settings, admin_key="k" * 20)) as api:
        admin = {"Authorization": "Bearer " + "k" * 20}
        api.post("/v1/tenants", json={"id": "acme"}, headers=admin)
        token = api.post("/v1/tenants/acme/keys", json={"scope": "write"}, headers=admin).json()["token"]
        h = {"Authorization": f"Bearer {token}"}
        for path in (
            "/v1/mentions",
            "/v1/mentions/export",
            "/v1/dashboards/volume",
            "/v1/mentions/" + "a" * 32,
        ):
            r = api.get(path, headers=h)
            assert r.status_code == 503, (path, r.text)
            assert "Elasticsearch is unavailable" in r.json()["detail"] and r.headers["retry-after"] == "5"
        assert api.get("/v1/queries", headers=h).status_code == 200  # config does not need Elasticsearch
        health = api.get("/health")
        assert health.status_code == 503 and health.json()["elasticsearch"]["ok"] is False


def test_kafka_down_is_503_until_the_configuration_is_loaded(
    stack: StackEndpoints, es_client: Elasticsearch, tmp_path: Path
) -> None:
    settings = make_settings("127.0.0.1:9", stack.es_url, tmp_path)
    try:
        with TestClient(create_app(settings, admin_key="k" * 20, config_wait_s=0.5)) as api:
            r = api.get("/v1/tenants", headers={"Authorization": "Bearer " + "k" * 20})
            assert r.status_code == 503 and "configuration" in r.json()["detail"]
            assert api.get("/v1/mentions", headers={"Authorization": "Bearer ek_x_y"}).status_code == 503
            assert api.get("/health").json()["config_loaded"] is False
    finally:
        cleanup(es_client, settings, topics=False)  # Kafka was never reachable


def test_provision_creates_missing_tenants_and_keys(
    stack: StackEndpoints, es_client: Elasticsearch, tmp_path: Path
) -> None:
    from api.config.tenant_ops import provision

    settings = make_settings(stack.kafka_bootstrap, stack.es_url, tmp_path)
    ensure_topics(settings)
    first = provision(settings, ["acme", "globex"])
    again = provision(settings, ["acme"], scope="write")  # existing tenant: just a new key
    try:
        with TestClient(create_app(settings, admin_key="k" * 20)) as api:
            for tenant, token in (*first.items(), *again.items()):
                assert (
                    api.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["tenant"] == tenant
                )
            keys = api.get("/v1/tenants/acme/keys", headers={"Authorization": "Bearer " + "k" * 20}).json()
            assert sorted(k["scope"] for k in keys) == ["read", "write"]
    finally:
        cleanup(es_client, settings)
