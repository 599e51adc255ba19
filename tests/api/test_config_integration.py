"""Tenants, keys, queries and sources through the API, stored in the real compacted Kafka topics."""

from __future__ import annotations

import json

import pytest

from schemas.config import QueryDefinition, Tenant
from schemas.source import SourceDefinition
from tests.api.world import ADMIN_KEY, World, index_mentions, world_mentions
from tests.kafka_utils import read_all

pytestmark = pytest.mark.integration


def test_health_and_identity(world: World) -> None:
    health = world.client.get("/health")
    assert health.status_code == 200 and health.json()["config_loaded"] is True
    assert world.client.get("/v1/me", headers=world.h("admin")).json()["role"] == "admin"
    me = world.client.get("/v1/me", headers=world.h("acme-read")).json()
    assert me["tenant"] == "acme" and me["scope"] == "read" and me["role"] == "tenant"
    r = world.client.get("/v1/me")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert world.client.get("/v1/me", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert world.client.get("/v1/mentions", headers={"Authorization": "Basic eDp5"}).status_code == 401


def test_tenant_lifecycle_keys_hashed_and_revocable(world: World) -> None:
    admin = world.h("admin")
    c = world.client
    created = c.post("/v1/tenants", json={"id": "initech", "name": "Initech"}, headers=admin)
    assert created.status_code == 201 and created.json()["keys"] == []
    assert c.post("/v1/tenants", json={"id": "initech"}, headers=admin).status_code == 409
    assert c.post("/v1/tenants", json={"id": "Bad Id!"}, headers=admin).status_code == 422
    assert {t["id"] for t in c.get("/v1/tenants", headers=admin).json()} >= {"acme", "globex", "initech"}
    assert (
        c.patch("/v1/tenants/initech", json={"name": "Initech SA"}, headers=admin).json()["name"]
        == "Initech SA"
    )
    assert c.get("/v1/tenants/initech", headers=admin).json()["name"] == "Initech SA"
    assert c.get("/v1/tenants/nobody", headers=admin).status_code == 404

    key = c.post("/v1/tenants/initech/keys", json={"name": "ci", "scope": "write"}, headers=admin).json()
    token = key["token"]
    assert token.startswith(f"ek_{key['id']}_") and len(token) > 50
    listed = c.get("/v1/tenants/initech/keys", headers=admin).json()
    assert [k["id"] for k in listed] == [key["id"]] and "token" not in listed[0]
    bearer = {"Authorization": f"Bearer {token}"}
    assert c.get("/v1/me", headers=bearer).json()["tenant"] == "initech"

    # stored hashed: the token appears nowhere in the topic, its SHA-256 does
    records = read_all(world.settings.effective_kafka_bootstrap, world.settings.topic("config.tenants"))
    raw = b"".join(m.value() or b"" for m in records)
    assert token.encode() not in raw
    last = Tenant.model_validate_json(
        next(m.value() or b"" for m in reversed(records) if m.key() == b"initech")
    )
    from api.security import hash_token

    assert last.keys[0].hash == hash_token(token)

    assert c.delete(f"/v1/tenants/initech/keys/{key['id']}", headers=admin).status_code == 204
    assert c.get("/v1/me", headers=bearer).status_code == 401  # revoked at once
    assert c.get("/v1/tenants/initech/keys", headers=admin).json()[0]["revoked_at"] is not None
    assert c.delete("/v1/tenants/initech/keys/000000000000", headers=admin).status_code == 404

    # deleting a tenant removes its keys, queries and documents
    key2 = c.post("/v1/tenants/initech/keys", json={"scope": "write"}, headers=admin).json()["token"]
    assert (
        c.post(
            "/v1/queries", json={"id": "q1", "query": "bonval"}, headers={"Authorization": f"Bearer {key2}"}
        ).status_code
        == 201
    )
    m = world_mentions()["thanks"].model_copy(update={"matches": ()})
    from schemas.mention import QueryMatch

    index_mentions(
        world.es,
        world.settings.index_prefix,
        [m.model_copy(update={"matches": (QueryMatch(tenant="initech", query_id="q1"),)})],
    )
    assert c.get("/v1/mentions", headers={"Authorization": f"Bearer {key2}"}).json()["total"] == 1
    assert c.delete("/v1/tenants/initech", headers=admin).status_code == 204
    assert c.get("/v1/me", headers={"Authorization": f"Bearer {key2}"}).status_code == 401
    assert c.get("/v1/tenants/initech", headers=admin).status_code == 404
    again = c.post("/v1/tenants", json={"id": "initech"}, headers=admin)
    assert again.status_code == 201
    key3 = c.post("/v1/tenants/initech/keys", json={"scope": "read"}, headers=admin).json()["token"]
    fresh = {"Authorization": f"Bearer {key3}"}
    assert c.get("/v1/mentions", headers=fresh).json()["total"] == 0  # nothing left over
    assert c.get("/v1/queries", headers=fresh).json() == []


def test_queries_crud_validated_and_published(world: World) -> None:
    c, h = world.client, world.h("acme-write")
    bad = c.post("/v1/queries", json={"id": "broken", "query": '"unclosed phrase'}, headers=h)
    assert bad.status_code == 422
    err = bad.json()["errors"][0]
    assert err["loc"] == ["body", "query"] and err["type"] == "query_syntax" and err["position"] == 0
    assert "at 0" in bad.json()["detail"]
    r = c.post(
        "/v1/queries",
        json={"id": "nuvia", "name": "Nuvia", "query": "Nuvia NEAR/6 (panne* OR coupure*)"},
        headers=h,
    )
    assert r.status_code == 201 and r.json()["canonical"] == "nuvia NEAR/6 (panne* OR coupure*)"
    assert c.post("/v1/queries", json={"id": "nuvia", "query": "x"}, headers=h).status_code == 409
    generated = c.post("/v1/queries", json={"query": "orange"}, headers=h).json()["id"]
    assert generated.startswith("q-")
    assert c.get("/v1/queries/nuvia", headers=world.h("acme-read")).json()["name"] == "Nuvia"
    assert c.patch("/v1/queries/nuvia", json={"query": "Nuvia AND ("}, headers=h).status_code == 422
    updated = c.patch("/v1/queries/nuvia", json={"query": "Nuvia OR @NuviaTelecom"}, headers=h).json()
    assert updated["query"] == "Nuvia OR @NuviaTelecom" and updated["name"] == "Nuvia"
    assert c.delete(f"/v1/queries/{generated}", headers=h).status_code == 204
    assert c.get(f"/v1/queries/{generated}", headers=h).status_code == 404
    ids = [q["id"] for q in c.get("/v1/queries", headers=h).json()]
    assert ids == sorted(ids) and "nuvia" in ids and generated not in ids
    # what the enrichment workers follow: the compacted topic has the new definition and the tombstone
    records = read_all(world.settings.effective_kafka_bootstrap, world.settings.topic("config.queries"))
    by_key: dict[bytes, bytes | None] = {}
    for m in records:
        by_key[m.key() or b""] = m.value()
    latest = QueryDefinition.model_validate_json(by_key[b"acme:nuvia"] or b"")
    assert latest.query == "Nuvia OR @NuviaTelecom" and by_key[f"acme:{generated}".encode()] is None


def test_sources_shared_between_tenants_and_private(world: World) -> None:
    c = world.client
    feed = {"kind": "feed", "url": "https://www.conso-hebdo.example/rss.xml", "interval_s": 600}
    a = c.post("/v1/sources", json=feed, headers=world.h("acme-write"))
    assert a.status_code == 201, a.text
    g = c.post("/v1/sources", json={**feed, "interval_s": 120}, headers=world.h("globex-write"))
    assert g.json()["id"] == a.json()["id"] and g.json()["interval_s"] == 120  # one shared source
    assert c.post("/v1/sources", json=feed, headers=world.h("acme-write")).json()["id"] == a.json()["id"]
    listed = c.get("/v1/sources", headers=world.h("acme-read")).json()
    assert [s["id"] for s in listed] == [a.json()["id"]] and "tenants" not in json.dumps(listed)
    sid = a.json()["id"]
    topic = world.settings.topic("config.sources")

    def stored() -> SourceDefinition | None:
        latest = None
        for m in read_all(world.settings.effective_kafka_bootstrap, topic):
            if m.key() == sid.encode():
                latest = m.value()
        return SourceDefinition.model_validate_json(latest) if latest else None

    assert stored().root.tenants == ("acme", "globex")  # type: ignore[union-attr]
    assert c.delete(f"/v1/sources/{sid}", headers=world.h("acme-write")).status_code == 204
    assert c.get(f"/v1/sources/{sid}", headers=world.h("acme-read")).status_code == 404
    assert c.get(f"/v1/sources/{sid}", headers=world.h("globex-read")).status_code == 200
    assert stored().root.tenants == ("globex",)  # type: ignore[union-attr]
    assert c.delete(f"/v1/sources/{sid}", headers=world.h("globex-write")).status_code == 204
    assert stored() is None  # the last one out deletes the source

    for body, where in (
        (
            {
                "kind": "mastodon",
                "instance": "https://m.example",
                "hashtags": ["x"],
                "access_token_env": "ECOUTE_ADMIN_KEY",
            },
            "access_token_env",
        ),
        ({"kind": "feed", "url": "http://127.0.0.1:8080/feed"}, "url"),
        ({"kind": "feed", "url": "file:///etc/passwd"}, "url"),
        ({"kind": "feed", "url": "https://x.example/rss", "tenants": ["globex"]}, "tenants"),
        ({"kind": "telepathy"}, "body"),
        ({"kind": "hackernews", "terms": []}, "terms"),
    ):
        r = c.post("/v1/sources", json=body, headers=world.h("acme-write"))
        assert r.status_code == 422, (body, r.text)
        assert where in json.dumps(r.json()["errors"][0]["loc"]) or where == "body"


def test_write_endpoints_need_a_write_key(world: World) -> None:
    c, h = world.client, world.h("acme-read")
    assert c.post("/v1/queries", json={"query": "x"}, headers=h).status_code == 404
    assert c.patch("/v1/queries/bonval", json={"name": "y"}, headers=h).status_code == 404
    assert c.delete("/v1/queries/bonval", headers=h).status_code == 404
    assert (
        c.post("/v1/sources", json={"kind": "feed", "url": "https://x.example/f"}, headers=h).status_code
        == 404
    )
    assert c.get("/v1/queries/bonval", headers=h).status_code == 200


def test_admin_key_is_only_for_admin_routes(world: World) -> None:
    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    for path in ("/v1/mentions", "/v1/queries", "/v1/sources", "/v1/dashboards/volume"):
        assert world.client.get(path, headers=admin).status_code == 404
    for path in ("/v1/tenants", "/v1/tenants/acme", "/v1/tenants/acme/keys"):
        assert world.client.get(path, headers=world.h("acme-write")).status_code == 404
